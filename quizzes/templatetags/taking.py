"""Template filters of the taking pages."""

from __future__ import annotations

from django import template

from quizzes.engine.numbers import number_text

register = template.Library()


@register.filter
def num(value: object) -> str:
    """A number as people and HTML attributes write it: 30 not 30.0, never localised."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return number_text(value)
