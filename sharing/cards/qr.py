"""QR codes for result cards: segno's symbol, chosen the same way, about five times faster.

segno picks the data mask by applying all eight to the matrix and scoring each (ISO/IEC
18004:2015 7.8.3) in pure Python, one module at a time: about 2.5 ms of a card's 10 ms
budget. :func:`qr_matrix` asks segno for the symbol with mask 0, recovers the unmasked
matrix from it, scores the eight masks with the same rules on whole-matrix bytes and big
integers, and finishes the winner. The mask chosen is segno's own (ties go to
the lowest number, as in segno), and the format and version information are written by
segno's own functions; ``tests/sharing/test_cards.py`` checks on hundreds of URLs that the
code is module for module the one ``segno.make`` gives.
"""

from __future__ import annotations

import re
from functools import lru_cache

import segno
from segno import consts, encoder

_RUN5 = re.compile(rb"\x00{5,}|\x01{5,}")
_FINDER_LIKE = bytes((1, 0, 1, 1, 1, 0, 1))


@lru_cache(maxsize=16)
def _frame(n: int) -> tuple[int, int, tuple[int, ...], int, int]:
    """For an n x n symbol, as big integers with one byte per module (row-major): the
    function patterns before any format information, the encoding region (0x01 per module),
    the eight masks restricted to that region, the 2x2-block positions and all-ones."""
    fn = encoder.make_matrix(n, n)
    encoder.add_finder_patterns(fn, n, n)
    encoder.add_alignment_patterns(fn, n, n)
    cells = b"".join(bytes(row) for row in fn)
    region = bytes(1 if v > 1 else 0 for v in cells)
    base = bytes(0 if v > 1 else v for v in cells)
    masks = tuple(
        int.from_bytes(
            bytes(
                1 if region[i * n + j] and pattern(i, j) else 0 for i in range(n) for j in range(n)
            ),
            "big",
        )
        for pattern in encoder.get_data_mask_functions(False)
    )
    blocks = bytes(1 if j else 0 for _i in range(n) for j in range(n))  # column 0 wraps
    ones = int.from_bytes(b"\x01" * (n * n), "big")
    return (
        int.from_bytes(base, "big"),
        int.from_bytes(region, "big"),
        masks,
        int.from_bytes(blocks, "big"),
        ones,
    )


def _finder_like(seq: bytes, n: int) -> int:
    """segno's N3 count for one row or column (its quirks included)."""
    count = 0
    idx = seq.find(_FINDER_LIKE)
    while idx != -1:
        offset = idx + 7
        if (
            idx in (0, n - 7)
            or not any(seq[max(idx - 4, 0) : min(idx, n)])
            or not any(seq[max(offset, 0) : min(offset + 4, n)])
        ):
            count += 40
        else:
            offset = idx + 4
        idx = seq.find(_FINDER_LIKE, offset)
    return count


def _penalty(cells: bytes, n: int, blocks: int, ones: int) -> int:
    """segno's ``evaluate_mask`` (N1 + N2 + N3 + N4) of a matrix given as n*n bytes."""
    rows = [cells[i * n : (i + 1) * n] for i in range(n)]
    cols = [cells[j::n] for j in range(n)]
    lines = b"\x02".join(rows) + b"\x02" + b"\x02".join(cols)
    n1 = sum(len(m) - 2 for m in _RUN5.findall(lines))
    dark = int.from_bytes(cells, "big")
    light = dark ^ ones
    n2 = 0
    for a in (dark, light):
        n2 += (a & (a >> 8) & (a >> (8 * n)) & (a >> (8 * n + 8)) & blocks).bit_count()
    n3 = sum(_finder_like(line, n) for line in rows) + sum(_finder_like(c, n) for c in cols)
    n4 = 10 * int(abs(cells.count(1) / (n * n) * 100 - 50) / 5)
    return n1 + 3 * n2 + n3 + n4


@lru_cache(maxsize=256)
def qr_matrix(url: str) -> tuple[bytes, ...]:
    """The QR code (error level M, no micro codes) of ``url`` as rows of 0/1 bytes, without
    a quiet zone: exactly ``segno.make(url, error="m", micro=False).matrix``."""
    first = segno.make(url, error="m", micro=False, mask=0)
    n = len(first.matrix)
    base, region, masks, blocks, ones = _frame(n)
    final0 = int.from_bytes(b"".join(bytes(row) for row in first.matrix), "big")
    unmasked = ((final0 & region) ^ masks[0]) | base
    size = n * n
    scores = [_penalty((unmasked ^ m).to_bytes(size, "big"), n, blocks, ones) for m in masks]
    best = scores.index(min(scores))
    if best == 0:
        return tuple(bytes(row) for row in first.matrix)
    cells = ((unmasked ^ masks[best]) | base).to_bytes(size, "big")
    matrix = tuple(bytearray(cells[i * n : (i + 1) * n]) for i in range(n))
    level = consts.ERROR_MAPPING[first.error]  # segno may have boosted it from M
    encoder.add_format_info(matrix, first.version, level, best)
    encoder.add_version_info(matrix, first.version)
    return tuple(bytes(row) for row in matrix)
