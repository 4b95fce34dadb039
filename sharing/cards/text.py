"""Text for result cards: cleaning, per-cluster font fallback, wrapping and fitting.

Pure functions over plain strings and the fonts of ``fonts.font_chain`` (see
``sharing/fonts/README.md``). The fonts are tried in order per grapheme cluster (Latin/Greek/
Cyrillic, Hebrew, Arabic, Devanagari, Thai, Chinese, then the system's full CJK and colour
emoji fonts), so "Anna 的结果 😀" draws "Anna " in Noto Sans, "的结果" in Noto Sans SC and
the emoji in Noto Color Emoji. Clusters no font covers are dropped rather than drawn as boxes.
Emoji are colour bitmaps: ``block_draw`` leaves them out of the text mask and
``block_emoji`` returns them as RGBA images to paste on the card.

Right-to-left text is shaped and reordered only when Pillow has libraqm
(``PIL.features.check("raqm")``). Without it Pillow's basic layout draws Hebrew and Arabic in
logical order with unjoined letters: legible for nobody, but it never raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from .fonts import (
    RAQM,
    Run,
    clusters_split,
    font_chain,
    font_get,
    is_emoji,
    run_length,
    run_scale,
    runs_split,
)

ELLIPSIS = "…"
MAX_MARKS = 2  # combining marks kept per base character: accents yes, Zalgo towers no
REF_SIZE = 100  # widths are measured once at this size and scaled, then checked for real

_SPACE_RE = re.compile(r" {2,}")
_NO_LINE_START = set("，。、！？；：）」』》】〉’”…—～·.,!?;:)]}%")
_NO_LINE_END = set("（「『《【〈‘“([{")


def text_clean(text: str, *, max_chars: int) -> str:
    """Make untrusted text safe and sensible to draw.

    Removes lone surrogates, control, format (zero-width, bidi overrides, BOM), private-use
    and unassigned characters; keeps at most two combining marks per base character; turns
    any whitespace into single spaces; NFC-normalises; and caps the result at ``max_chars``
    characters, cutting at a word boundary when one is near and ending with "…". Work is
    bounded: only the first ``16 * max_chars`` characters are looked at.
    """
    if not text or max_chars <= 0:
        return ""
    out: list[str] = []
    marks = 0
    head = text[: max_chars * 16 + 64]
    for pos, ch in enumerate(head):
        cat = unicodedata.category(ch)
        if ch in "\u00a0\u202f":
            out.append(ch)  # no-break spaces hold "12 345" (fr) on one line
            marks = 0
        elif cat[0] == "Z" or ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85":
            out.append(" ")
            marks = 0
        elif _emoji_joiner(ch, out, head[pos + 1 : pos + 2]):
            out.append(ch)  # ZWJ inside 👩‍👩‍👧‍👦, tags of 🏴󠁧󠁢󠁳󠁣󠁴󠁿: part of one picture
        elif cat[0] == "C":  # Cc, Cf, Cs (lone surrogates), Co, Cn
            continue
        elif cat[0] == "M":
            marks += 1
            if marks <= MAX_MARKS and out and out[-1] != " ":
                out.append(ch)
        else:
            marks = 0
            out.append(ch)
    cleaned = _SPACE_RE.sub(" ", unicodedata.normalize("NFC", "".join(out))).strip()
    if len(cleaned) <= max_chars:
        return cleaned
    cut = cleaned[: max(max_chars - 1, 0)]
    space = cut.rfind(" ")
    if space > max_chars * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def _emoji_joiner(ch: str, out: list[str], after: str) -> bool:
    """Whether format character ``ch`` continues the emoji before it: a ZWJ between two
    pictographs, or a tag character (subdivision flags) after the black flag or a tag."""
    cp = ord(ch)
    if not out:
        return False
    prev = ord(out[-1])
    if cp == 0x200D:
        return bool(after) and is_emoji(out[-1]) and _pictograph(ord(after))
    if 0xE0020 <= cp <= 0xE007F:
        return prev == 0x1F3F4 or 0xE0020 <= prev <= 0xE007F
    return False


def _pictograph(cp: int) -> bool:
    return 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFF00 <= cp <= 0xFFEF
        or 0x20000 <= cp <= 0x3FFFF
    )


def _tokens(runs: list[Run]) -> list[list[Run]]:
    """Unbreakable pieces: words (with their trailing space) and single CJK characters."""
    chars = [(i, ch) for i, text in runs for ch in text]
    tokens: list[list[Run]] = []
    current: list[tuple[int, str]] = []
    for pos, (idx, ch) in enumerate(chars):
        prev = chars[pos - 1][1] if pos else ""
        breakable = bool(current) and (
            prev == " "
            or (
                ch != " "
                and (_is_cjk(prev) or _is_cjk(ch))
                and ch not in _NO_LINE_START
                and prev not in _NO_LINE_END
                and unicodedata.category(ch)[0] != "M"
            )
        )
        if breakable:
            tokens.append(_merge(current))
            current = []
        current.append((idx, ch))
    if current:
        tokens.append(_merge(current))
    return tokens


def _merge(chars: list[tuple[int, str]]) -> list[Run]:
    out: list[list] = []
    for idx, ch in chars:
        if out and out[-1][0] == idx:
            out[-1][1] += ch
        else:
            out.append([idx, ch])
    return [(i, t) for i, t in out]


@lru_cache(maxsize=8192)
def _ref_width(weight: str, idx: int, text: str) -> float:
    return run_length(weight, idx, text, REF_SIZE) if text else 0.0


def _width(weight: str, runs: list[Run] | tuple[Run, ...], size: int) -> float:
    return sum(run_length(weight, i, t, size) for i, t in runs if t)


@dataclass(frozen=True)
class TextBlock:
    """Text fitted to a box: lines of runs, the font size and the measured line widths."""

    lines: tuple[tuple[Run, ...], ...]
    size: int
    weight: str
    line_height: float
    widths: tuple[float, ...]
    rtl: bool

    @property
    def height(self) -> int:
        """Height of the block's line boxes in pixels."""
        return round(len(self.lines) * self.line_height)

    @property
    def text(self) -> str:
        """The text as laid out, lines joined with newlines."""
        return "\n".join("".join(t for _i, t in line) for line in self.lines)


def _wrap(tokens: list[list[Run]], weight: str, size: int, max_w: float) -> list[list[Run]]:
    """Greedy line breaking with widths scaled from REF_SIZE; over-long words split."""
    scale = size / REF_SIZE
    lines: list[list[Run]] = []
    line: list[Run] = []
    line_w = 0.0
    queue = list(tokens)
    while queue:
        tok = queue.pop(0)
        core = _strip_trailing_space(tok)
        core_w = sum(_ref_width(weight, i, t) for i, t in core) * scale
        if line and line_w + core_w > max_w:
            lines.append(line)
            line, line_w = [], 0.0
        if not line and core_w > max_w and _cluster_count(core) > 1:
            head, rest = _split_token(tok, weight, max_w / scale)
            queue[:0] = [head, rest] if rest else [head]
            continue
        line = line + list(tok)
        line_w += sum(_ref_width(weight, i, t) for i, t in tok) * scale
    if line:
        lines.append(line)
    return [_merge([(i, ch) for i, t in _strip_trailing_space(ln) for ch in t]) for ln in lines]


def _strip_trailing_space(runs: list[Run]) -> list[Run]:
    if runs and runs[-1][1].endswith(" "):
        last = runs[-1][1].rstrip(" ")
        return [*runs[:-1], (runs[-1][0], last)] if last else list(runs[:-1])
    return list(runs)


def _clusters(runs: list[Run]) -> list[list[tuple[int, str]]]:
    # runs_split gives each cluster to one font, so clusters never straddle two runs.
    return [[(i, cl)] for i, t in runs for cl in clusters_split(t)]


def _cluster_count(runs: list[Run]) -> int:
    return len(_clusters(runs))


def _split_token(tok: list[Run], weight: str, max_ref_w: float) -> tuple[list[Run], list[Run]]:
    """The longest head of clusters that fits (at least one), and the rest."""
    clusters = _clusters(tok)
    width = 0.0
    cut = 0
    for n, cl in enumerate(clusters):
        width += sum(_ref_width(weight, i, ch) for i, ch in cl)
        if width > max_ref_w and n > 0:
            break
        cut = n + 1
    head = _merge([c for cl in clusters[:cut] for c in cl])
    rest = _merge([c for cl in clusters[cut:] for c in cl])
    return head, rest


def _ellipsize(line: list[Run], weight: str, size: int, max_w: float) -> list[Run]:
    """``line`` shortened by whole clusters until it plus "…" fits ``max_w``."""
    chain = font_chain(weight)
    clusters = _clusters(line)
    while True:
        runs = _merge([c for cl in clusters for c in cl])
        runs = _strip_trailing_space(runs)
        last = runs[-1][0] if runs else 0
        idx = last if chain[last].covers(ord(ELLIPSIS)) and not chain[last].color else 0
        candidate = _merge([(i, ch) for i, t in runs for ch in t] + [(idx, ELLIPSIS)])
        if not clusters or _width(weight, candidate, size) <= max_w:
            return candidate
        clusters.pop()


@lru_cache(maxsize=1024)
def text_fit(
    text: str,
    *,
    weight: str,
    width: int,
    height: int,
    max_size: int,
    min_size: int,
    max_lines: int,
    line_height: float = 1.2,
    balance: bool = False,
) -> TextBlock:
    """Lay ``text`` out in a ``width`` x ``height`` box as large as it fits.

    Wraps at spaces and between CJK characters (not before closing or after opening
    punctuation), tries sizes from ``max_size`` down to ``min_size``, and if even the minimum
    does not fit keeps as many lines as fit and ends the last one with "…". Every line's real
    measured width is at most ``width``; the block's height is at most ``height`` unless one
    line at ``min_size`` is already taller (the caller clips). ``balance`` evens out the line
    lengths (same number of lines, narrowest measure), as a designer would for a headline.
    Cached: a quiz's title, site name and subline are fitted once, not once per card.
    """
    runs = runs_split(text, weight)
    rtl = _is_rtl(text)
    if not runs:
        return TextBlock((), min_size, weight, min_size * line_height, (), rtl)
    tokens = _tokens(runs)

    def fits(size: int) -> list[list[Run]] | None:
        lines = _wrap(tokens, weight, size, width)
        ok = len(lines) <= max_lines and len(lines) * size * line_height <= height + 0.5
        return lines if ok else None

    lo, hi, best = min_size, max_size, None
    while lo <= hi:  # the largest size that fits, by bisection on the scaled widths
        mid = (lo + hi) // 2
        if fits(mid) is not None:
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    size = best if best is not None else min_size
    while True:  # scaled widths are estimates: check the real ones, shrink if one is over
        lines = fits(size) if best is not None else None
        if lines is not None and balance and len(lines) > 1:
            narrow, wide = width * 0.5, float(width)
            for _ in range(7):
                half = (narrow + wide) / 2
                if len(_wrap(tokens, weight, size, half)) <= len(lines):
                    wide = half
                else:
                    narrow = half
            lines = _wrap(tokens, weight, size, wide)
        if lines is None:
            lines = _wrap(tokens, weight, size, width)
            keep = max(1, min(max_lines, int((height + 0.5) // (size * line_height))))
            if len(lines) > keep:
                lines = [*lines[: keep - 1], lines[keep - 1] + [(0, " ")] + lines[keep]]
                lines[-1] = _ellipsize(lines[-1], weight, size, width)
        widths = [_width(weight, ln, size) for ln in lines]
        if max(widths) <= width or size <= min_size:
            lines = [ln if w <= width else _ellipsize(ln, weight, size, width)
                     for ln, w in zip(lines, widths, strict=True)]  # fmt: skip
            widths = [_width(weight, ln, size) for ln in lines]
            break
        size -= 1
    return TextBlock(
        tuple(tuple(ln) for ln in lines), size, weight, size * line_height, tuple(widths), rtl
    )


def _is_rtl(text: str) -> bool:
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return True
        if bidi == "L":
            return False
    return False


def _visual_order(line: tuple[Run, ...], rtl: bool) -> list[Run]:
    """Runs left to right. raqm orders within a run; between runs of an RTL paragraph the
    order is reversed, keeping left-to-right stretches (Latin, digits) in their own order."""
    if not (RAQM and rtl):
        return list(line)
    groups: list[list[Run]] = []
    for run in line:
        is_r = _is_rtl(run[1])
        if groups and not is_r and not _is_rtl(groups[-1][-1][1]):
            groups[-1].append(run)
        else:
            groups.append([run])
    return [run for group in reversed(groups) for run in group]


def _placed(
    block: TextBlock, *, x: int, y: int, width: int, align: str
) -> Iterator[tuple[float, float, int, str]]:
    """Each run of ``block`` with its pen position: (x, baseline y, font index, text)."""
    if align == "start":
        align = "right" if block.rtl else "left"
    for n, (line, line_w) in enumerate(zip(block.lines, block.widths, strict=True)):
        # Baseline so capitals and ideographs sit centred in the line box.
        baseline = y + n * block.line_height + block.line_height / 2 + 0.36 * block.size
        if align == "center":
            cx = x + (width - line_w) / 2
        elif align == "right":
            cx = x + width - line_w
        else:
            cx = x
        for idx, text in _visual_order(line, block.rtl):
            yield cx, baseline, idx, text
            cx += run_length(block.weight, idx, text, block.size)


def block_draw(
    draw: ImageDraw.ImageDraw,
    block: TextBlock,
    *,
    x: int,
    y: int,
    width: int,
    align: str,
    fill: int = 255,
) -> None:
    """Draw ``block`` on an L image with its top-left at (x, y) in a box ``width`` wide.

    ``align`` is "left", "center" or "start" (left, or right for a right-to-left paragraph).
    Colour emoji are left out: paste ``block_emoji``'s images over the card instead.
    """
    chain = font_chain(block.weight)
    # In a left-to-right paragraph an Arabic or Hebrew run's trailing space belongs on its
    # right ("محمد 👍"), where raqm puts it only when told the paragraph's direction.
    direction = "ltr" if RAQM and not block.rtl else None
    for cx, baseline, idx, text in _placed(block, x=x, y=y, width=width, align=align):
        if not chain[idx].color:
            font = font_get(block.weight, idx, block.size)
            draw.text((cx, baseline), text, fill=fill, font=font, anchor="ls", direction=direction)


def block_emoji(
    block: TextBlock, *, x: int, y: int, width: int, align: str
) -> list[tuple[int, int, Image.Image]]:
    """The colour emoji of ``block`` as (left, top, RGBA image), placed as ``block_draw``
    places the text (same arguments), to paste over the card with their own alpha."""
    chain = font_chain(block.weight)
    out = []
    for cx, baseline, idx, text in _placed(block, x=x, y=y, width=width, align=align):
        if chain[idx].color:
            im, ascent = emoji_image(block.weight, idx, text, block.size)
            out.append((round(cx), round(baseline - ascent), im))
    return out


@lru_cache(maxsize=512)
def emoji_image(weight: str, idx: int, text: str, size: int) -> tuple[Image.Image, float]:
    """``text`` in colour font ``idx`` drawn at its bitmap size and scaled to ``size`` px,
    with the scaled ascent (baseline offset from the top). Cached; do not modify."""
    font = font_get(weight, idx, size)
    ascent, descent = font.getmetrics()
    width = max(1, round(font.getlength(text)))
    big = Image.new("RGBA", (width, ascent + descent))
    ImageDraw.Draw(big).text((0, ascent), text, font=font, anchor="ls", embedded_color=True)
    scale = run_scale(weight, idx, size)
    small = big.resize(
        (max(1, round(width * scale)), max(1, round((ascent + descent) * scale))),
        Image.Resampling.LANCZOS,
    )
    return small, ascent * scale
