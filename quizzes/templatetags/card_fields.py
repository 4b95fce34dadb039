"""The result image's fields: their ready palettes and their contrast warning (first drawn
here, then kept up to date by static/js/card-fields.js as the author picks colours)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.engine.colors import CONTRAST_MIN, card_contrast

register = template.Library()


@dataclass(frozen=True)
class Palette:
    """A ready colour set: one tap sets the background, where it fades to, and the text.
    Every text colour reads at 4.5:1 or better on both of its backgrounds (tested)."""

    key: str  # names its swatch's class in static/css/studio-preview.css
    name: str | Promise
    background: str
    gradient_to: str
    text_color: str


PALETTES = (
    Palette("indigo", gettext_lazy("Indigo"), "#4338ca", "#7e22ce", "#ffffff"),
    Palette("sunset", gettext_lazy("Sunset"), "#7c2d12", "#c2410c", "#ffffff"),
    Palette("forest", gettext_lazy("Forest"), "#064e3b", "#047857", "#ffffff"),
    Palette("ocean", gettext_lazy("Ocean"), "#0c4a6e", "#0369a1", "#ffffff"),
    Palette("paper", gettext_lazy("Paper"), "#fefce8", "#fde68a", "#1c1917"),
    Palette("night", gettext_lazy("Night"), "#0f172a", "#334155", "#ffffff"),
)


def _message(ratio: str) -> str:
    return _(
        "The text is hard to read on these colours (contrast %(ratio)s:1; aim for at least "
        "4.5:1). Pick a darker background, a lighter text colour, or ready colours."
    ) % {"ratio": ratio}


@register.simple_tag
def card_contrast_warning(card: Any) -> str:
    """The warning shown under the colours, or "" when the text reads well."""
    ratio = card_contrast(card or {})
    # Rounded down, as card-fields.js does: 4.46 must not read "4.5:1" in the warning.
    return "" if ratio >= CONTRAST_MIN else _message(f"{math.floor(ratio * 10) / 10:.1f}")


@register.simple_tag
def card_contrast_template() -> str:
    """The same warning with `%s` where the ratio goes, for the browser to fill in."""
    return _message("%s")


@register.simple_tag
def card_palettes() -> tuple[Palette, ...]:
    return PALETTES
