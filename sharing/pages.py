"""The share page's HTML, cached: the same for every friend of a share but for two bits.

A share page is what a quiz that takes off serves most, a few seconds apart, to friends
opening the link in a chat app. Everything on it but the friend's own link (`data-own-url`)
and the CSRF token of the language switcher is the same for every visitor of that share, so
it is drawn once and kept with a marker in each place; a request fills the markers in.

The key names everything the page shows that could change: the share, what the visit is
(a click, a preview, the owner's own visit, an uncounted one) and the code the button
carries, the interface language, the host, whether the quiz is open, and the result's texts
and card (its state and file). A card that is not drawn yet shows the quiz's card or the
site's default while it waits: that page is kept for seconds only, so the quiz's card shows
up as soon as the worker draws it. A logged-in editor (a session or messages cookie) is
served a page drawn for them. The cache being down costs a render, never the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation

from .cards.jobs import result_card_of
from .services import Landing

CSRF_MARKER = "qbCsrfMarker5b81e2"
# A valid share code (url-safe), so that the URL reversed with it is the page's own.
OWN_MARKER = "qbOwnCode9c4d7a"
READY_SECONDS = 3600
PENDING_SECONDS = 10


def landing_key(request: HttpRequest, seen: Landing) -> tuple[str, int]:
    """The cache key of the page `seen` shows to `request`, and how long it keeps."""
    result, quiz = seen.result, seen.share.quiz
    card = result_card_of(result)
    ready = card is not None and card.status == "ready" and bool(card.name)
    parts = [
        str(request.scheme),
        request.get_host(),
        str(quiz.is_public),
        str(result.pk),
        result.title,
        result.description,
        repr(sorted((result.card_text or {}).items())),
        f"{card.status}:{card.name}:{card.square_name}" if card is not None else "",
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]
    key = (
        f"page:landing:{seen.share.pk}:{seen.kind}:{seen.ref or ''}:"
        f"{translation.get_language()}:{digest}"
    )
    return key, READY_SECONDS if ready else PENDING_SECONDS


def landing_response(
    request: HttpRequest, seen: Landing, context: Callable[[], dict[str, Any]]
) -> HttpResponse:
    """The share page for `seen`: from the cache when drawn already, else drawn with
    `context()` (and kept when nothing in it is the visitor's own)."""
    cacheable = not (set(request.COOKIES) & {settings.SESSION_COOKIE_NAME, "messages"})
    key, seconds = landing_key(request, seen) if cacheable else ("", 0)
    html = cache.get(key) if cacheable else None
    if html is None:
        values = context()
        if cacheable:
            values["csrf_token"] = CSRF_MARKER
            if seen.own_code:
                values["own_url"] = values["own_url"].replace(seen.own_code, OWN_MARKER)
        html = render_to_string("sharing/landing.html", values, request=request)
        if cacheable:
            cache.set(key, html, seconds)
    if cacheable:
        html = html.replace(CSRF_MARKER, get_token(request))
        if seen.own_code:
            html = html.replace(OWN_MARKER, seen.own_code)
    return HttpResponse(html)
