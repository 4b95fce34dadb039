"""Fonts for result cards: the shipped subsets, the system's CJK and emoji fonts, fallback.

The chain per weight is: the subset files shipped in ``sharing/fonts`` (Latin, Greek,
Cyrillic, Hebrew, Arabic, Devanagari, Thai, the commonest hanzi and kana; see its README),
then, when installed, the full Noto Sans CJK (every hanzi incl. rare name characters, kana,
Hangul: Debian's ``fonts-noto-cjk``) and Noto Color Emoji (``fonts-noto-color-emoji``).
Each grapheme cluster takes the first font that maps all its code points. System fonts are
optional: without them the renderer logs once which scripts it cannot draw and drops those
clusters, never drawing ``.notdef`` boxes. Pure Pillow; cmaps are read by ``cmap_ranges``.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import struct
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import BinaryIO

from PIL import ImageFont, features

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"  # sharing/fonts/
RAQM = bool(features.check("raqm"))
ENGINE = ImageFont.Layout.RAQM if RAQM else ImageFont.Layout.BASIC
EMOJI_STRIKE = 109  # the only pixel size of Noto Color Emoji's bitmaps (CBDT)

_WEIGHT_FILES = {
    "bold": [
        "NotoSans-Bold",
        "NotoSansHebrew-Bold",
        "NotoSansArabic-Bold",
        "NotoSansDevanagari-Bold",
        "NotoSansThai-Bold",
        "NotoSansSC-Bold",
    ],
    "regular": [
        "NotoSans-Regular",
        "NotoSansHebrew-Regular",
        "NotoSansArabic-Regular",
        "NotoSansDevanagari-Regular",
        "NotoSansThai-Regular",
        "NotoSansSC-Regular",
    ],
}
# System fonts searched for by file name (Debian, Ubuntu, Fedora and Homebrew put them under
# these folders); CARD_FONT_DIRS (colon-separated) adds folders in front. Face 2 of the CJK
# collections is "Noto Sans CJK SC": Chinese glyph shapes, as the shipped subset has.
_SYSTEM_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/opt/homebrew/share/fonts")
_SYSTEM_CJK = {"bold": "NotoSansCJK-Bold.ttc", "regular": "NotoSansCJK-Regular.ttc"}
_SYSTEM_EMOJI = "NotoColorEmoji.ttf"
CJK_FACE = 2
INSTALL_HINT = "apt-get install fonts-noto-cjk fonts-noto-color-emoji"

# Code points drawn by no glyph of their own: a font need not map them to draw the cluster.
_IGNORABLE = frozenset({0x200C, 0x200D, 0xFE0E, 0xFE0F})


@dataclass(frozen=True)
class FontFile:
    """One font face and the code points it maps."""

    path: Path
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    index: int = 0  # face in a .ttc collection
    color: bool = False  # a colour bitmap font (emoji), drawn at EMOJI_STRIKE and scaled

    def covers(self, cp: int) -> bool:
        """Whether the font maps code point ``cp`` to a glyph."""
        i = bisect.bisect_right(self.starts, cp) - 1
        return i >= 0 and cp <= self.ends[i]

    def covers_all(self, cluster: str) -> bool:
        """Whether the font maps every drawn code point of ``cluster``."""
        return all(ord(c) in _IGNORABLE or self.covers(ord(c)) for c in cluster)


def _font_file(path: Path, ranges: list[tuple[int, int]], **kw: int | bool) -> FontFile:
    return FontFile(path, tuple(r[0] for r in ranges), tuple(r[1] for r in ranges), **kw)  # type: ignore[arg-type]


def cmap_ranges(path: Path, index: int = 0) -> list[tuple[int, int]]:
    """The code points face ``index`` of an OpenType/TrueType file (or collection) maps, as
    sorted inclusive ranges, from its Unicode cmap subtable (format 12, else format 4).

    A reader of a few dozen lines instead of fontTools at runtime: only the cmap is read, so
    a 20 MB CJK collection costs a few milliseconds.
    """
    with path.open("rb") as f:
        base = 0
        if _read(f, 0, 4) == b"ttcf":
            base = struct.unpack(">I", _read(f, 12 + 4 * index, 4))[0]
        num_tables = struct.unpack(">H", _read(f, base + 4, 2))[0]
        records = _read(f, base + 12, 16 * num_tables)
        cmap = next(
            struct.unpack(">I", records[i + 8 : i + 12])[0]
            for i in range(0, len(records), 16)
            if records[i : i + 4] == b"cmap"
        )
        count = struct.unpack(">H", _read(f, cmap + 2, 2))[0]
        subtables = {}
        for i in range(count):
            pid, eid, off = struct.unpack(">HHI", _read(f, cmap + 4 + 8 * i, 8))
            subtables[(pid, eid)] = cmap + off
        for key in ((3, 10), (0, 6), (0, 4)):
            if key in subtables and _read(f, subtables[key], 2) == b"\x00\x0c":
                return _merge_ranges(_format12(f, subtables[key]))
        for key in ((3, 1), (0, 3), (0, 2), (0, 1), (0, 0)):
            if key in subtables and _read(f, subtables[key], 2) == b"\x00\x04":
                return _merge_ranges(_format4(f, subtables[key]))
    return []


def _read(f: BinaryIO, offset: int, size: int) -> bytes:
    f.seek(offset)
    return f.read(size)


def _format12(f: BinaryIO, at: int) -> list[tuple[int, int]]:
    n = struct.unpack(">I", _read(f, at + 12, 4))[0]
    data = _read(f, at + 16, 12 * n)
    out = []
    for start, end, glyph in struct.iter_unpack(">III", data):
        if glyph == 0:  # a group starting on .notdef maps its first code point to nothing
            start += 1
        if start <= end:
            out.append((start, end))
    return out


def _format4(f: BinaryIO, at: int) -> list[tuple[int, int]]:
    length, _lang, seg_x2 = struct.unpack(">HHH", _read(f, at + 2, 6))
    data = _read(f, at, length)
    n = seg_x2 // 2
    ends = struct.unpack(f">{n}H", data[14 : 14 + seg_x2])
    starts = struct.unpack(f">{n}H", data[16 + seg_x2 : 16 + 2 * seg_x2])
    deltas = struct.unpack(f">{n}H", data[16 + 2 * seg_x2 : 16 + 3 * seg_x2])
    ro_at = 16 + 3 * seg_x2
    offsets = struct.unpack(f">{n}H", data[ro_at : ro_at + seg_x2])
    out = []
    for s in range(n):
        for cp in range(starts[s], min(ends[s], 0xFFFE) + 1):
            if offsets[s] == 0:
                glyph = (cp + deltas[s]) & 0xFFFF
            else:
                pos = ro_at + 2 * s + offsets[s] + 2 * (cp - starts[s])
                glyph = struct.unpack(">H", data[pos : pos + 2])[0] if pos + 2 <= length else 0
                glyph = (glyph + deltas[s]) & 0xFFFF if glyph else 0
            if glyph:
                out.append((cp, cp))
    return out


def _merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def system_font_find(name: str) -> Path | None:
    """The first file called ``name`` under CARD_FONT_DIRS or the usual system font folders."""
    extra = [d for d in os.environ.get("CARD_FONT_DIRS", "").split(":") if d]
    for folder in (*extra, *_SYSTEM_DIRS):
        root = Path(folder)
        if root.is_dir():
            found = next(iter(sorted(root.rglob(name))), None)
            if found is not None:
                return found
    return None


@cache
def font_chain(weight: str) -> tuple[FontFile, ...]:
    """The fallback chain for ``"bold"`` or ``"regular"``, primary font first.

    A shipped Regular file that is missing (Chinese ships in Bold only, to keep the repo
    small) falls back to the same script's Bold file, unless the system's full CJK font of
    that weight is there. Logs a warning once per weight for each system font not found.
    """
    coverage = json.loads((FONT_DIR / "coverage.json").read_text())
    cjk = system_font_find(_SYSTEM_CJK[weight])
    chain = []
    for stem in _WEIGHT_FILES[weight]:
        name = next((n for n in coverage if n.startswith(stem + ".")), None)
        if name is None and not (cjk and stem.startswith("NotoSansSC")):
            bold = stem.replace("-Regular", "-Bold")
            name = next((n for n in coverage if n.startswith(bold + ".")), None)
        if name is not None:
            chain.append(_font_file(FONT_DIR / name, [tuple(r) for r in coverage[name]]))
    if cjk is not None:
        chain.append(_font_file(cjk, cmap_ranges(cjk, CJK_FACE), index=CJK_FACE))
    emoji = system_font_find(_SYSTEM_EMOJI)
    if emoji is not None:
        chain.append(_font_file(emoji, cmap_ranges(emoji), color=True))
    missing = [n for n, p in ((_SYSTEM_CJK[weight], cjk), (_SYSTEM_EMOJI, emoji)) if p is None]
    if missing:
        log.warning(
            "Card fonts not found: %s. Rare hanzi, Korean and emoji are left off the cards; "
            "install them with: %s",
            ", ".join(missing),
            INSTALL_HINT,
        )
    return tuple(chain)


def fonts_signature() -> list[str]:
    """The file names of both chains, in order: what a card's pixels depend on besides its
    spec (the shipped files change only with the code; the system ones are optional)."""
    return [f.path.name for weight in ("bold", "regular") for f in font_chain(weight)]


@lru_cache(maxsize=256)
def font_get(weight: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    """Font ``index`` of ``weight``'s chain at ``size`` pixels (cached); a colour font comes
    at its one bitmap size whatever ``size`` is asked (draw it with ``run_scale``)."""
    face = font_chain(weight)[index]
    px = EMOJI_STRIKE if face.color else size
    return ImageFont.truetype(str(face.path), px, index=face.index, layout_engine=ENGINE)


def run_scale(weight: str, index: int, size: int) -> float:
    """How much a run drawn with ``font_get(weight, index, size)`` is scaled: 1 but for a
    colour font, whose bitmaps are drawn at EMOJI_STRIKE and resized to the text size."""
    return size / EMOJI_STRIKE if font_chain(weight)[index].color else 1.0


def run_length(weight: str, index: int, text: str, size: int) -> float:
    """Advance width in pixels of ``text`` drawn in font ``index`` at ``size``."""
    return font_get(weight, index, size).getlength(text) * run_scale(weight, index, size)


Run = tuple[int, str]  # (font index in the chain, text)


def _is_emoji_modifier(cp: int) -> bool:
    return 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F


def _is_regional(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def clusters_split(text: str) -> list[str]:
    """``text`` in grapheme clusters, as a reader counts characters: a base with its
    combining marks, an emoji with its variation selector, skin tone, keycap or tags, emoji
    joined by ZWJ (👩‍👩‍👧‍👦), a pair of regional indicators (a flag). A simplification of
    UAX #29 that is enough to choose a font and a line break per cluster."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if _is_regional(ord(text[i])) and j < n and _is_regional(ord(text[j])):
            j += 1
        while j < n:
            cp = ord(text[j])
            if unicodedata.category(text[j])[0] == "M" or _is_emoji_modifier(cp):
                j += 1
            elif cp == 0x200D and j + 1 < n:
                j += 2
            else:
                break
        out.append(text[i:j])
        i = j
    return out


def is_emoji(cluster: str) -> bool:
    """Whether ``cluster`` asks for an emoji picture rather than a text glyph."""
    base = ord(cluster[0])
    return (
        0x1F000 <= base <= 0x1FAFF
        or _is_regional(base)
        or any(ord(c) in (0xFE0F, 0x20E3, 0x200D) or _is_emoji_modifier(ord(c)) for c in cluster)
    )


def cluster_font(cluster: str, weight: str, prev: int | None = None) -> int | None:
    """The chain index of the font that draws ``cluster``, or None when no font can.

    Emoji go to the colour font first. Letters take the first font that maps the whole
    cluster; spaces, digits and punctuation stay in ``prev`` (the run so far) when it maps
    them, so phrases are not cut up.
    """
    chain = font_chain(weight)
    if is_emoji(cluster):
        color = next((i for i, f in enumerate(chain) if f.color), None)
        if color is not None and chain[color].covers_all(cluster):
            return color
    if prev is not None and unicodedata.category(cluster[0])[0] != "L":
        face = chain[prev]
        if not face.color and face.covers_all(cluster):
            return prev
    return next((i for i, f in enumerate(chain) if f.covers_all(cluster)), None)


def runs_split(text: str, weight: str) -> list[Run]:
    """Split ``text`` into runs drawable by one font each (see ``cluster_font``).

    A cluster no font maps whole is drawn without the marks its base font lacks, or, if
    even its base is in no font, dropped (logged), so no ``.notdef`` box is ever drawn.
    """
    chain = font_chain(weight)
    runs: list[list] = []
    for cluster in clusters_split(text):
        prev = runs[-1][0] if runs else None
        idx = cluster_font(cluster, weight, prev)
        if idx is None:
            base = next((i for i, f in enumerate(chain) if f.covers(ord(cluster[0]))), None)
            if base is None or is_emoji(cluster):
                log.info("No card font draws %r (U+%04X)", cluster, ord(cluster[0]))
                continue
            idx = base
            cluster = "".join(c for c in cluster if chain[base].covers(ord(c)))
        if cluster == " " and (not runs or runs[-1][1][-1] == " "):
            continue  # a dropped character must not leave a double space
        if runs and runs[-1][0] == idx:
            runs[-1][1] += cluster
        else:
            runs.append([idx, cluster])
    if runs and runs[-1][1].endswith(" "):
        runs[-1][1] = runs[-1][1].rstrip(" ")
        if not runs[-1][1]:
            runs.pop()
    return [(i, t) for i, t in runs]
