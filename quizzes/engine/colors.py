"""Colour contrast for the result image's fields: WCAG 2 relative luminance and contrast
ratio. Pure: no Django."""

from __future__ import annotations

import re

HEX_RE = re.compile(r"#[0-9a-fA-F]{6}\Z")
CONTRAST_MIN = 4.5  # WCAG AA for normal text
# What the card fields show when a card leaves a colour out, and what the renderer draws
# (sharing.cards.inputs); a missing text colour it picks for contrast itself.
DEFAULTS = {"background": "#4338ca", "gradient_to": "#4338ca", "text_color": "#ffffff"}


def luminance(color: str) -> float:
    """The relative luminance of `#rrggbb` (0 black .. 1 white)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """The WCAG contrast ratio of two `#rrggbb` colours, 1 (none) to 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def card_contrast(card: object) -> float:
    """The lowest contrast of the card's text colour against its background and against the
    colour it fades to (the fields' defaults stand in for missing or malformed colours)."""
    values = card if isinstance(card, dict) else {}

    def color(key: str) -> str:
        value = values.get(key)
        return value if isinstance(value, str) and HEX_RE.match(value) else DEFAULTS[key]

    text = color("text_color")
    return min(contrast_ratio(text, color(key)) for key in ("background", "gradient_to"))
