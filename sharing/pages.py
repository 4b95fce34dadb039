"""The share page at viral scale: what is the same for every visitor is kept in the cache.

A quiz that takes off is friends opening share links, a few seconds apart, from chat apps,
and the chat apps' preview bots fetching the same links. So the cache keeps, per share code:
- its facts: the share's id, quiz and owner and the visitor of the result it shows, so a
  bot's preview, a new friend's click or a returning friend's reload needs no read of the
  share (only the write that counts it, or the friend's own link);
- its page, drawn once per variant (with or without the friend's own link), interface
  language and host, with a marker where the friend's own link and the CSRF token go.

Counting stays in the database, written in the request as before: a preview is one INSERT,
a new friend's click and own link one round trip (services.click_mint). Nothing acknowledged
waits in a buffer, so neither a Redis restart nor a killed web process loses an event; the
cache down means the ordinary path (sharing/views.py), never a failed page.

How fresh: the facts are dropped when the result is deleted (receivers.deleted), so a deleted
result's link is gone at once; anything else a page shows (the quiz closed, a minted link
now speaking for its owner's own result) shows within FACTS_SECONDS. A page whose card is not
drawn yet keeps PENDING_SECONDS, so the card shows up soon after the worker draws it.
The owner's own visits, a friend past the click limits on a reload, and logged-in editors
take the ordinary path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from quizzes.models import url_token_ok
from quizzes.taking.ratelimit import click_check

from .cards.jobs import result_card_of
from .models import Share
from .services import MAX_CODE_LENGTH
from .visits import Landing, click_mint, minted_code, preview_insert

CSRF_MARKER = "qbCsrfMarker5b81e2"
# A valid share code (url-safe), so that the URL reversed with it is the page's own.
OWN_MARKER = "qbOwnCode9c4d7a"
FACTS_SECONDS = 60
PENDING_SECONDS = 5


@dataclass(frozen=True)
class Facts:
    """What a visit of a share needs to know to be counted, without reading the share."""

    share_id: int
    code: str
    quiz_id: int
    owner: str  # the share's owner
    shown_visitor: str  # the visitor of the result the page shows

    def share(self) -> Share:
        # An unsaved stand-in with the share's id: enough for the writes and the signal.
        return Share(pk=self.share_id, code=self.code, quiz_id=self.quiz_id, owner=self.owner)


def facts_key(code: str) -> str:
    return f"share:facts:{code}"


def facts_forget(*, codes: list[str]) -> None:
    """Drop what the cache knows of these shares (their result was deleted)."""
    cache.delete_many([facts_key(c) for c in codes])


def _cacheable(request: HttpRequest) -> bool:
    # A logged-in editor's page shows their own links (base.html): drawn for them.
    return not (set(request.COOKIES) & {settings.SESSION_COOKIE_NAME, "messages"})


def page_key(request: HttpRequest, code: str, own: bool) -> str:
    place = hashlib.sha256(f"{request.scheme}\n{request.get_host()}".encode()).hexdigest()[:16]
    variant = "own" if own else "plain"
    return f"page:landing:{code}:{variant}:{translation.get_language()}:{place}"


@dataclass(frozen=True)
class Fast:
    """A share-page visit served from the cache: what was counted and the page."""

    facts: Facts
    kind: str  # "preview", "click" or "uncounted"
    own_code: str | None
    html: str


def landing_fast(
    request: HttpRequest, *, code: str, visitor: str, is_new: bool, bot: str, ip_hash: str
) -> Fast | None:
    """Count and answer a visit from the cache, or None: take the ordinary path (nothing
    was counted). `bot` is the bot's User-Agent ("" for a browser)."""
    if not _cacheable(request) or not url_token_ok(code, max_length=MAX_CODE_LENGTH):
        return None
    own_key, plain_key = page_key(request, code, True), page_key(request, code, False)
    hits = cache.get_many([facts_key(code), own_key, plain_key])
    facts = hits.get(facts_key(code))
    if not isinstance(facts, Facts) or visitor in (facts.owner, facts.shown_visitor):
        return None  # unknown, gone, or the owner's own visit: the ordinary path decides
    if bot:
        if plain_key not in hits:
            return None
        preview_insert(share_id=facts.share_id, quiz_id=facts.quiz_id, agent=bot)
        return Fast(facts, "preview", None, hits[plain_key])
    if own_key not in hits or plain_key not in hits:
        return None
    own = None if is_new else minted_code(share_id=facts.share_id, visitor=visitor)
    if own is None:
        if not is_new:
            return None  # a first click by a known visitor: the ordinary path reads first
        if not click_check(quiz_id=facts.quiz_id, visitor=visitor, ip_hash=ip_hash):
            return Fast(facts, "uncounted", None, hits[plain_key])
        own = click_mint(share=facts.share(), visitor=visitor)
    return Fast(facts, "click", own, hits[own_key])


def landing_remember(request: HttpRequest, seen: Landing) -> None:
    """Keep the facts of the share `seen` visited, for landing_fast."""
    if not _cacheable(request):
        return
    share = seen.share
    facts = Facts(share.pk, share.code, share.quiz_id, share.owner, seen.result.visitor)
    cache.set(facts_key(share.code), facts, FACTS_SECONDS)


def landing_html(request: HttpRequest, html: str, own_code: str | None, bot: bool) -> str:
    """A cached page filled in for this visitor (a bot gets no token: it posts nothing)."""
    html = html.replace(CSRF_MARKER, "" if bot else get_token(request))
    return html.replace(OWN_MARKER, own_code) if own_code else html


def landing_response(
    request: HttpRequest, seen: Landing, context: Callable[[], dict[str, Any]]
) -> HttpResponse:
    """The share page for `seen`, drawn with `context()`. Unless it is the owner's own page,
    both variants (with and without a friend's own link) are kept for landing_fast."""
    values = context()
    if not _cacheable(request) or seen.kind == "owner":
        return HttpResponse(render_to_string("sharing/landing.html", values, request=request))
    values["csrf_token"] = CSRF_MARKER
    pages = {}
    for own in (True, False):
        values["own_url"] = reverse("sharing:landing", args=[OWN_MARKER]) if own else ""
        pages[own] = render_to_string("sharing/landing.html", values, request=request)
    card = result_card_of(seen.result)
    ready = card is not None and card.status == "ready" and bool(card.name)
    seconds = FACTS_SECONDS if ready else PENDING_SECONDS
    cache.set_many({page_key(request, seen.share.code, own): pages[own] for own in pages}, seconds)
    landing_remember(request, seen)
    html = pages[bool(seen.own_code)]
    return HttpResponse(landing_html(request, html, seen.own_code, seen.kind == "preview"))
