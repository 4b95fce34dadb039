"""The result as the site shows it: quizzes' result page and result bodies, composed with
sharing's part (the card picture, the share link, the share bar).

quizzes serves a result without knowing sharing: the result page is served here under the
same route name (sharing's urls are included before quizzes' in quizbuilder/urls.py) and
hands quizzes' view what to add; quizzes' API asks for sharing's part of a result body with
its `result_body_extras` signal (receivers.py answers with `body_extras`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control

from quizzes.models import Result
from quizzes.taking.views import result_page

from .cards.rows import result_card_of, result_card_remember
from .cards.show import result_image_info
from .friends import friend_comparison, outcome_percent
from .models import Share, ShareKind
from .signals import result_extras, result_parts

Absolute = Callable[[str], str]


def result_image(result: Result, *, absolute: Absolute) -> dict[str, Any]:
    """{status, url, width, height, square} of a result's card; the quiz's fallback while
    pending (sharing.cards.show decides which file)."""
    info = dict(result_image_info(result))
    if info.get("url") and not str(info["url"]).startswith(("http://", "https://")):
        info["url"] = absolute(str(info["url"]))
    return info


def share_default_of(result: Result) -> Share | None:
    """The result's default link (made with it by the `result_submitted` receiver).

    Its query reads the result's card row too (the page and the body show both), so a
    result costs no query more for living in two apps."""
    share = (
        Share.objects.filter(result=result, kind=ShareKind.DEFAULT)
        .select_related("result__card")
        .first()
    )
    if share is not None and share.result is not None:
        result_card_remember(result=result, card=result_card_of(share.result))
    return share


def _share_url(request: HttpRequest, share: Share | None) -> str | None:
    return request.build_absolute_uri(share.get_absolute_url()) if share else None


def body_extras(
    request: HttpRequest, result: Result, slug: str, *, created: bool
) -> dict[str, Any]:
    """sharing's part of a result body (`share_url`, `image`), then the rooms' above."""
    # Made: the link the receiver just made; a take given back (a double submit) reads its
    # own, so the second answer is the same body as the first (api.md: never a null share_url).
    share = (getattr(result, "default_share", None) if created else None) or share_default_of(
        result
    )
    body = {
        "share_url": _share_url(request, share),
        "image": result_image(result, absolute=request.build_absolute_uri),
    }
    # The rooms above add theirs (integrations: the call to action, a locked result).
    for _receiver, extra in result_extras.send(
        sender=Result, request=request, result=result, slug=slug
    ):
        if isinstance(extra, dict):
            body.update(extra)
    return body


def page_extra(request: HttpRequest, result: Result) -> dict[str, Any]:
    share = share_default_of(result)
    image = result_image(result, absolute=request.build_absolute_uri)
    is_owner = result.visitor == getattr(request, "visitor", None)
    parts = result_parts.send(sender=Result, request=request, result=result, owner=is_owner)
    # A room above may lock the result (the body's "locked"): the page then hides it too.
    extras = result_extras.send(
        sender=Result, request=request, result=result, slug=result.quiz.slug
    )
    locked = any(isinstance(e, dict) and e.get("locked") is True for _r, e in extras)
    return {
        "locked": locked,
        "extra_parts": [html for _receiver, html in parts if html],
        "share": share,
        "share_url": _share_url(request, share) or "",
        "image": image,
        # Only its owner is compared with the friend who sent the link: nobody else learns
        # who brought whom.
        "comparison": friend_comparison(result=result) if is_owner else None,
        "outcome_percent": outcome_percent(quiz_id=result.quiz_id, outcome_key=result.outcome_key),
        "friend_name": str((result.card_text or {}).get("name") or ""),
        "start_url": reverse("quizzes:take", args=[result.quiz.slug]),
        "quiz_open": result.quiz.is_public,
        "link_preview": _result_preview(request, result, image),
    }


def _result_preview(request: HttpRequest, result: Result, image: dict[str, Any]) -> dict[str, Any]:
    """The link-preview tags of a result page (templates/_link_preview.html)."""
    definition = result.version.definition or {}
    quiz_title = str(definition.get("title") or result.version.title)
    return {
        "title": f"{result.title} · {quiz_title}",
        "description": str(definition.get("description") or result.version.description or ""),
        "url": request.build_absolute_uri(result.get_absolute_url()),
        "image": image,
    }


@cache_control(private=True, no_store=True)
def result(request: HttpRequest, result_id: str) -> HttpResponse:
    return result_page(request, result_id, template="sharing/result.html", extra=page_extra)
