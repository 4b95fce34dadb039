"""What a link preview of the home page and of a quiz's intro shows: the Open Graph and Twitter
tags of templates/_link_preview.html, with absolute URLs.

The quiz's picture is whoever answers `quiz_link_image` (sharing draws a quiz card at
publish); until one does, the site's card, a static file, so a bot never meets a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext

from core.signals import signal_send_robust
from quizzes.models import QuizVersion
from quizzes.selectors import Published
from quizzes.signals import quiz_link_image

SITE_CARD = "img/share-card.png"  # 1200 x 630
SITE_CARD_SIZE = (1200, 630)


def site_card(request: HttpRequest) -> dict[str, Any]:
    width, height = SITE_CARD_SIZE
    return {"url": request.build_absolute_uri(static(SITE_CARD)), "width": width, "height": height}


def quiz_link_image_get(*, request: HttpRequest, version_id: int) -> dict[str, Any]:
    """The quiz's link-preview picture from `quiz_link_image`'s receivers, else the site's
    card; a receiver that fails is logged and the site's card is shown."""
    for answer in signal_send_robust(quiz_link_image, sender=QuizVersion, version_id=version_id):
        if answer and answer.get("url"):
            return {**answer, "url": request.build_absolute_uri(str(answer["url"]))}
    return site_card(request)


def home_preview(request: HttpRequest) -> dict[str, Any]:
    return {
        "title": gettext("Quick tests about you"),
        "description": gettext("Take one, get a result about you, and pass it on."),
        "url": request.build_absolute_uri(reverse("quizzes:home")),
        "image": site_card(request),
    }


def intro_preview(
    *, request: HttpRequest, published: Published, image: dict[str, Any]
) -> dict[str, Any]:
    definition = published.definition
    return {
        "title": definition.get("title") or "",
        "description": definition.get("description") or "",
        "url": request.build_absolute_uri(reverse("quizzes:intro", args=[published.slug])),
        "image": image,
    }
