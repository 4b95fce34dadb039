"""A quiz's theme (an extension of spec/quiz-format.md): how its visitor pages look.

    "theme": {"brand": "#rrggbb", "background": "#rrggbb", "font": "inter"}

Every key is optional; colours are stored in lower case; `font` is one of `THEME_FONTS`, the
OFL fonts bundled under static/fonts/. The definition holds `theme` only when it has a key,
so files without it read and export as before. The brand colour fills buttons with white
text on them and draws links and focus rings on the background: it must reach 3:1 against
white (WCAG 1.4.11, non-text contrast), or the buttons disappear into the page.
"""

from __future__ import annotations

from typing import Any, cast

from quizzes.format.checks import COLOUR_RE, Checker, at
from quizzes.format.definition import Theme

THEME_KEYS = ("brand", "background", "font")
# Font key -> CSS family name. Adding one: its two woff2 files and licence in static/fonts/.
THEME_FONTS = {"inter": "Inter", "lora": "Lora", "fredoka": "Fredoka"}
BRAND_CONTRAST_MIN = 3.0


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def colour_luminance(colour: str) -> float:
    """The WCAG relative luminance of a `#rrggbb` colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def colour_contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two `#rrggbb` colours, from 1 to 21."""
    la, lb = sorted((colour_luminance(a), colour_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def theme_check(ck: Checker, top: dict[str, Any]) -> Theme | None:
    """The file's `theme`, normalised, or None when it has none (or none valid)."""
    if "theme" not in top:
        return None
    where = at("$", "theme")
    raw = ck.obj(top["theme"], where, required=(), optional=THEME_KEYS)
    if raw is None:
        return None
    out: dict[str, str] = {}
    for key in ("brand", "background"):
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, str) or not COLOUR_RE.match(value):
            ck.add(at(where, key), "must be a colour written #rrggbb")
            continue
        out[key] = value.lower()
    if "brand" in out and colour_contrast(out["brand"], "#ffffff") < BRAND_CONTRAST_MIN:
        ratio = colour_contrast(out["brand"], "#ffffff")
        ck.add(
            at(where, "brand"),
            f"is too light: {ratio:.2f}:1 against white, buttons need at least "
            f"{BRAND_CONTRAST_MIN:g}:1 (choose a darker colour)",
        )
    if "font" in raw:
        font = raw["font"]
        if not isinstance(font, str) or font not in THEME_FONTS:
            ck.add(at(where, "font"), "must be one of: " + ", ".join(THEME_FONTS))
        else:
            out["font"] = font
    return cast(Theme, out) if out else None
