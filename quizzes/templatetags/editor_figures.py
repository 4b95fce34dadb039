"""Template filters of the editors' dashboard: the key figures in the reader's locale."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: object) -> str:
    """A ratio (0.1234) as a percentage with one decimal in the active locale ("12.3%");
    "–" when there is none (no completions yet)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    return f"{number_format(value * 100, decimal_pos=1, use_l10n=True)}%"


@register.filter
def ratio(value: object) -> str:
    """A ratio with two decimals in the active locale ("0.25"); "–" when there is none."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    return number_format(value, decimal_pos=2, use_l10n=True)
