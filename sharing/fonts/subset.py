"""Regenerate the subset fonts in this folder from Debian's Noto packages.

Run by hand, never at install time (the runtime needs only the output files):

    .venv/bin/pip install fonttools==4.68.0
    .venv/bin/python sharing/fonts/subset.py [--src-core DIR] [--src-cjk DIR]

It writes the ``.ttf``/``.otf`` files and ``coverage.json`` (the code point ranges each
file maps, which ``sharing/cards/text.py`` reads to pick a font per character run).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent

LATIN_GREEK_CYRILLIC = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A/B
    (0x0250, 0x02FF),  # IPA, spacing modifier letters
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0370, 0x03FF),  # Greek and Coptic
    (0x0400, 0x052F),  # Cyrillic + supplement
    (0x1AB0, 0x1AFF),  # combining diacritical marks extended
    (0x1DC0, 0x1DFF),  # combining diacritical marks supplement
    (0x1E00, 0x1EFF),  # Latin extended additional (Vietnamese)
    (0x1F00, 0x1FFF),  # Greek extended
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x218F),  # letterlike symbols, number forms
    (0x2190, 0x21FF),  # arrows
    (0x2C60, 0x2C7F),  # Latin extended-C
    (0x2DE0, 0x2DFF),  # Cyrillic extended-A
    (0xA640, 0xA69F),  # Cyrillic extended-B
    (0xA720, 0xA7FF),  # Latin extended-D
    (0xFB00, 0xFB06),  # Latin ligatures
]
CJK_EXTRA = [
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana, katakana (GB2312 row 4/5, cheap)
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x2010, 0x2027),  # dashes, quotes, ellipsis as the CJK font draws them
    (0x00B7, 0x00B7),  # middle dot
]
# Spaces, digits and ASCII punctuation too, so an RTL phrase stays one run in one font.
NEUTRALS = [(0x0020, 0x0040), (0x005B, 0x0060), (0x007B, 0x007E), (0x00A0, 0x00A0)]
HEBREW = [*NEUTRALS, (0x0590, 0x05FF), (0xFB1D, 0xFB4F)]
ARABIC = [*NEUTRALS, (0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)]
# Indic and Thai shaping inserts a dotted circle (U+25CC) before a stray mark: keep it.
DEVANAGARI = [*NEUTRALS, (0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF), (0x25CC, 0x25CC)]
THAI = [*NEUTRALS, (0x0E00, 0x0E7F), (0x25CC, 0x25CC)]


def gb2312_hanzi(*, level2: bool) -> list[int]:
    """Code points of GB2312's level-1 hanzi (rows 16-55), optionally level 2 (56-87)."""
    last_row = 0xF7 if level2 else 0xD7
    out = []
    for row in range(0xB0, last_row + 1):
        for cell in range(0xA1, 0xFF):
            try:
                out.append(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return out


def expand(ranges: list[tuple[int, int]]) -> list[int]:
    """All code points in the inclusive ranges."""
    return [cp for lo, hi in ranges for cp in range(lo, hi + 1)]


def cmap_ranges(path: Path) -> list[list[int]]:
    """The code points a font maps, as sorted inclusive [lo, hi] ranges."""
    cps = sorted(TTFont(path)["cmap"].getBestCmap())
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ranges


def subset_font(font: TTFont, unicodes: list[int], out: Path) -> None:
    """Subset ``font`` to ``unicodes`` (keeping shaping features) and save it to ``out``."""
    options = subset.Options()
    options.layout_features = ["*"]  # keep kern, mark/mkmk, ccmp, Arabic joining forms
    options.hinting = False  # cards are drawn at 20 px and up; hints only cost bytes
    options.desubroutinize = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright, licence, URL
    options.notdef_outline = True  # the .notdef box stays, so tests can compare against it
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.save(out)
    print(f"{out.name}: {out.stat().st_size / 1024:.0f} KB")


def main() -> None:
    """Write every subset font and coverage.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--src-core", default="/usr/share/fonts/truetype/noto")
    parser.add_argument("--src-cjk", default="/usr/share/fonts/opentype/noto")
    parser.add_argument("--gb2312-level2", action="store_true", help="also the 3,008 rarer hanzi")
    parser.add_argument(
        "--cjk-regular",
        action="store_true",
        help="also a Regular SC (+1.6 MB); else Bold serves both",
    )
    args = parser.parse_args()
    core, cjk = Path(args.src_core), Path(args.src_cjk)
    hanzi = gb2312_hanzi(level2=args.gb2312_level2) + expand(CJK_EXTRA)
    jobs = []
    for weight in ("Regular", "Bold"):
        jobs += [
            (TTFont(core / f"NotoSans-{weight}.ttf"), expand(LATIN_GREEK_CYRILLIC),
             f"NotoSans-{weight}.subset.ttf"),
            (TTFont(core / f"NotoSansHebrew-{weight}.ttf"), expand(HEBREW),
             f"NotoSansHebrew-{weight}.subset.ttf"),
            (TTFont(core / f"NotoSansArabic-{weight}.ttf"), expand(ARABIC),
             f"NotoSansArabic-{weight}.subset.ttf"),
            (TTFont(core / f"NotoSansDevanagari-{weight}.ttf"), expand(DEVANAGARI),
             f"NotoSansDevanagari-{weight}.subset.ttf"),
            (TTFont(core / f"NotoSansThai-{weight}.ttf"), expand(THAI),
             f"NotoSansThai-{weight}.subset.ttf"),
        ]  # fmt: skip
        if weight == "Bold" or args.cjk_regular:
            # Index 2 of the collection is "Noto Sans CJK SC".
            sc = TTCollection(cjk / f"NotoSansCJK-{weight}.ttc").fonts[2]
            jobs.append((sc, hanzi, f"NotoSansSC-{weight}.subset.otf"))
    coverage = {}
    for font, unicodes, name in jobs:
        subset_font(font, unicodes, HERE / name)
        coverage[name] = cmap_ranges(HERE / name)
    (HERE / "coverage.json").write_text(json.dumps(coverage, separators=(",", ":")) + "\n")
    total = sum(p.stat().st_size for p in HERE.iterdir() if p.suffix in {".ttf", ".otf"})
    print(f"total: {total / 1024:.0f} KB")


if __name__ == "__main__":
    main()
