"""Template helpers of the studio page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def studio_image(images: dict[str, str], errors: dict[str, str], target: str) -> dict[str, Any]:
    """What the image field of `target` shows: the stored image's URL and an upload error."""
    return {"target": target, "url": images.get(target, ""), "error": errors.get(target, "")}
