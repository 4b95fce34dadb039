"""Fonts for result cards: the shipped subset files, their coverage, per-character fallback.

See ``sharing/fonts/README.md`` for what each file holds. Pure Pillow; no fontTools at runtime.
"""

from __future__ import annotations

import bisect
import json
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont, features

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"  # sharing/fonts/
RAQM = bool(features.check("raqm"))
ENGINE = ImageFont.Layout.RAQM if RAQM else ImageFont.Layout.BASIC

_WEIGHT_FILES = {
    "bold": ["NotoSans-Bold", "NotoSansHebrew-Bold", "NotoSansArabic-Bold", "NotoSansSC-Bold"],
    "regular": [
        "NotoSans-Regular",
        "NotoSansHebrew-Regular",
        "NotoSansArabic-Regular",
        "NotoSansSC-Regular",
    ],
}


@dataclass(frozen=True)
class FontFile:
    """One subset font file and the code points it maps (from fonts/coverage.json)."""

    path: Path
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def covers(self, cp: int) -> bool:
        """Whether the font maps code point ``cp`` to a glyph."""
        i = bisect.bisect_right(self.starts, cp) - 1
        return i >= 0 and cp <= self.ends[i]


@cache
def font_chain(weight: str) -> tuple[FontFile, ...]:
    """The fallback chain for ``"bold"`` or ``"regular"``, primary font first.

    A missing Regular file (the Chinese one is shipped in Bold only, to keep the repo small)
    falls back to the same script's Bold file.
    """
    coverage = json.loads((FONT_DIR / "coverage.json").read_text())
    chain = []
    for stem in _WEIGHT_FILES[weight]:
        name = next((n for n in coverage if n.startswith(stem + ".")), None)
        if name is None:
            bold = stem.replace("-Regular", "-Bold")
            name = next(n for n in coverage if n.startswith(bold + "."))
        ranges = coverage[name]
        chain.append(
            FontFile(FONT_DIR / name, tuple(r[0] for r in ranges), tuple(r[1] for r in ranges))
        )
    return tuple(chain)


@lru_cache(maxsize=256)
def font_get(weight: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    """Font ``index`` of ``weight``'s chain at ``size`` pixels (cached)."""
    return ImageFont.truetype(str(font_chain(weight)[index].path), size, layout_engine=ENGINE)


Run = tuple[int, str]  # (font index in the chain, text)


def runs_split(text: str, weight: str) -> list[Run]:
    """Split ``text`` into runs drawable by one font each; uncovered characters are dropped.

    Letters take the first font that has them; spaces, digits, punctuation and combining
    marks stay in the current run's font when it has them, so phrases are not cut up.
    """
    chain = font_chain(weight)
    runs: list[list] = []
    for ch in text:
        cp = ord(ch)
        cat = unicodedata.category(ch)
        prev = runs[-1][0] if runs else None
        if cat[0] == "M":
            idx = prev if prev is not None and chain[prev].covers(cp) else None
        elif prev is not None and cat[0] != "L" and chain[prev].covers(cp):
            idx = prev
        else:
            idx = next((i for i, f in enumerate(chain) if f.covers(cp)), None)
        if idx is None:
            continue
        if ch == " " and (not runs or runs[-1][1][-1] == " "):
            continue  # a dropped emoji must not leave a double space
        if runs and runs[-1][0] == idx:
            runs[-1][1] += ch
        else:
            runs.append([idx, ch])
    if runs and runs[-1][1].endswith(" "):
        runs[-1][1] = runs[-1][1].rstrip(" ")
        if not runs[-1][1]:
            runs.pop()
    return [(i, t) for i, t in runs]
