"""Template filters of the taking pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from quizzes.engine.numbers import number_text
from quizzes.taking.images import image_size, image_url

register = template.Library()


@register.filter
def num(value: object) -> str:
    """A number as people and HTML attributes write it: 30 not 30.0, never localised."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return number_text(value)


@register.filter
def has_images(choices: object) -> bool:
    """Whether any choice carries an image: the answers then show as a grid of image tiles."""
    return isinstance(choices, list) and any(
        isinstance(c, dict) and c.get("image") for c in choices
    )


@register.simple_tag
def stored_image(name: str, alt: str, css_class: str = "") -> str:
    """An <img> of a stored quiz image with its alt text and its real width and height (so
    nothing moves while it loads), loaded lazily."""
    size = image_size(name)
    dims = format_html(' width="{}" height="{}"', *size) if size else ""
    return format_html(
        '<img src="{}" alt="{}" class="{}"{} loading="lazy" decoding="async">',
        image_url(name),
        alt,
        css_class,
        dims,
    )
