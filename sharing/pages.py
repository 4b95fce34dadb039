"""The share page at viral scale: what is the same for every visitor is kept, not redone.

A quiz that takes off is friends opening share links, a few seconds apart, from chat apps,
and the chat apps' preview bots fetching the same links. So each share code has an entry:
the share's facts (its id, quiz, owner, the result its page shows and that result's visitor)
and its page, per interface language and host, drawn twice (with and without the friend's
own link) with markers where that link and the CSRF token go. It lives in the shared cache
and, for LOCAL_SECONDS, in the process: a visit then costs one statement and no other round
trip (a bot: one INSERT; a new friend: one statement writing the click and their own link);
a friend coming back shows the signed cookie set with their click (`qb_own`, tied to their
visitor id) and costs none, or one SELECT without it.

Counting stays exact and in the database, written in the request: every statement names the
result the page shows and writes (or finds) nothing once it is deleted, which sends the visit
down the ordinary path (a 410); nothing acknowledged waits in a buffer, so neither a Redis
restart nor a killed web process loses an event. The cache down means the ordinary path
(sharing/views.py), never a failed page.

How fresh: a result deleted or purged drops its links' entries (receivers.py), at once in
the cache and in that process, within LOCAL_SECONDS in the others (only a friend reloading
with their cookie could see the old page that long). What else a page shows changes within
ENTRY_SECONDS: the quiz closed, a minted link now speaking for its owner's own result, a home
page set for the quiz (its redirect). A page whose card is not drawn yet keeps
PENDING_SECONDS, so the card shows up soon after the worker draws it. The owner's own
visits, a known friend's first click, and logged-in editors take the ordinary path.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.cookies import cookie_partition, cookie_samesite
from core.csrf import csrf_token
from quizzes.models import Result, url_token_ok
from quizzes.taking.ratelimit import click_check

from .cards.rows import result_card_of
from .models import Share
from .services import MAX_CODE_LENGTH
from .visits import Landing, click_mint, minted_code, preview_insert

CSRF_MARKER = "qbCsrfMarker5b81e2"
# A valid share code (url-safe), so that the URL reversed with it is the page's own.
OWN_MARKER = "qbOwnCode9c4d7a"
ENTRY_SECONDS = 60
PENDING_SECONDS = 5
LOCAL_SECONDS = 5
LOCAL_MAX = 2000


@dataclass(frozen=True)
class Entry:
    """What a visit of a share needs, without reading the share: its facts and its page."""

    share_id: int
    code: str
    quiz_id: int
    owner: str  # the share's owner
    result_id: str  # the result the page shows
    shown_visitor: str  # that result's visitor
    # {interface language and host: (with a friend's own link (OWN_MARKER), without)}
    pages: dict[str, tuple[str, str]]
    seconds: int

    def share(self) -> Share:
        # An unsaved stand-in with the share's id: enough for the writes and the signal.
        return Share(pk=self.share_id, code=self.code, quiz_id=self.quiz_id, owner=self.owner)


# This process's copies: {key: (monotonic expiry, entry)}.
_local: dict[str, tuple[float, Entry]] = {}
_local_lock = threading.Lock()


def _cacheable(request: HttpRequest) -> bool:
    # A logged-in editor's page shows their own links (base.html): drawn for them.
    return not (set(request.COOKIES) & {settings.SESSION_COOKIE_NAME, "messages"})


def entry_key(code: str) -> str:
    return f"page:landing:{code}"


def _variant(request: HttpRequest) -> str:
    place = hashlib.sha256(f"{request.scheme}\n{request.get_host()}".encode()).hexdigest()[:16]
    return f"{translation.get_language()}:{place}"


def landing_forget(*, result: Result) -> None:
    """Drop the entries of the links that show `result` (deleted, or its answers purged):
    at once in this process and the cache; other processes' copies within LOCAL_SECONDS."""
    links = Share.objects.filter(Q(result=result) | Q(parent__result=result, result=None))
    keys = [entry_key(code) for code in links.values_list("code", flat=True)]
    cache.delete_many(keys)
    with _local_lock:
        for key in keys:
            _local.pop(key, None)


def _entry_get(key: str) -> Entry | None:
    now = time.monotonic()
    hit = _local.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    entry = cache.get(key)
    if not isinstance(entry, Entry):
        return None
    _local_put(key, entry, now)
    return entry


def _local_put(key: str, entry: Entry, now: float) -> None:
    with _local_lock:
        if len(_local) >= LOCAL_MAX:  # many shares at once: start again rather than track age
            _local.clear()
        _local[key] = (now + min(LOCAL_SECONDS, entry.seconds), entry)


@dataclass(frozen=True)
class Fast:
    """A share-page visit counted and served from an entry."""

    entry: Entry
    page: tuple[str, str]  # (with a friend's own link, without)
    kind: str  # "preview", "click" or "uncounted"
    own_code: str | None

    def html(self, request: HttpRequest) -> str:
        page = self.page[0] if self.own_code else self.page[1]
        return landing_html(request, page, self.own_code, self.kind == "preview")


def landing_fast(
    request: HttpRequest,
    *,
    code: str,
    visitor: str,
    is_new: bool,
    bot: bool,
    agent: str,
    ip_hash: str,
) -> Fast | None:
    """Count and answer a visit from the share's entry, or None: take the ordinary path
    (nothing was counted). `bot`: a link-preview bot, whose User-Agent `agent` may be empty
    (a request without one is a bot too, api.md)."""
    if not _cacheable(request) or not url_token_ok(code, max_length=MAX_CODE_LENGTH):
        return None
    entry = _entry_get(entry_key(code))
    page = entry.pages.get(_variant(request)) if entry is not None else None
    if entry is None or page is None or visitor in (entry.owner, entry.shown_visitor):
        return None  # unknown, or the owner's own visit: the ordinary path decides
    share, result_id = entry.share(), entry.result_id
    if bot:
        counted = preview_insert(
            share_id=share.pk, quiz_id=share.quiz_id, agent=agent, result_id=result_id
        )
        return Fast(entry, page, "preview", None) if counted else None
    if not is_new:
        # Their own link from their cookie (their click is counted: both were written
        # together), else from the database. None: a known friend's first click (it reads
        # first), or the result is gone.
        own = own_cookie_get(request, code=code, visitor=visitor) or minted_code(
            share_id=share.pk, visitor=visitor, result_id=result_id
        )
        return Fast(entry, page, "click", own) if own else None
    if not click_check(quiz_id=share.quiz_id, visitor=visitor, ip_hash=ip_hash):
        # Nothing is written, so the result is looked up (rare: past the click limits).
        live = Result.objects.filter(pk=result_id, deleted_at=None).exists()
        return Fast(entry, page, "uncounted", None) if live else None
    own = click_mint(share=share, visitor=visitor, result_id=result_id)
    return Fast(entry, page, "click", own) if own else None


def landing_html(request: HttpRequest, html: str, own_code: str | None, bot: bool) -> str:
    """A kept page filled in for this visitor (a bot gets no token: it posts nothing)."""
    html = html.replace(CSRF_MARKER, "" if bot else csrf_token(request))
    return html.replace(OWN_MARKER, own_code) if own_code else html


def landing_response(
    request: HttpRequest, seen: Landing, context: Callable[[], dict[str, Any]], *, keep: bool
) -> HttpResponse:
    """The share page for `seen`, drawn with `context()`. With `keep` (no room above sends
    browsers elsewhere), unless it is the owner's own page, the share's entry is kept for
    landing_fast."""
    values = context()
    if not keep or not _cacheable(request) or seen.kind == "owner":
        return HttpResponse(render_to_string("sharing/landing.html", values, request=request))
    values["csrf_token"] = CSRF_MARKER
    pages = []
    for own in (True, False):
        values["own_url"] = reverse("sharing:landing", args=[OWN_MARKER]) if own else ""
        pages.append(render_to_string("sharing/landing.html", values, request=request))
    card = result_card_of(seen.result)
    ready = card is not None and card.status == "ready" and bool(card.name)
    share, result = seen.share, seen.result
    key = entry_key(share.code)
    kept = cache.get(key)
    variants = dict(kept.pages) if isinstance(kept, Entry) else {}
    variants[_variant(request)] = (pages[0], pages[1])
    entry = Entry(
        share.pk, share.code, share.quiz_id, share.owner, result.pk, result.visitor,
        variants, ENTRY_SECONDS if ready else PENDING_SECONDS,
    )  # fmt: skip
    cache.set(key, entry, entry.seconds)
    _local_put(key, entry, time.monotonic())
    html = pages[0] if seen.own_code else pages[1]
    return HttpResponse(landing_html(request, html, seen.own_code, seen.kind == "preview"))


OWN_COOKIE = "qb_own"
OWN_SALT = "quizbuilder.own"
OWN_MAX = 5


def _own_entries(request: HttpRequest, visitor: str) -> list[tuple[str, str]]:
    # Read once per request: the page asks, then the response's cookie asks again.
    kept = getattr(request, "_qb_own_entries", None)
    if kept is not None and kept[0] == visitor:
        return list(kept[1])
    try:
        raw = request.get_signed_cookie(OWN_COOKIE, default="", salt=OWN_SALT)
    except (BadSignature, ValueError):
        raw = ""
    who, _, rest = (raw or "").partition("|")
    entries: list[tuple[str, str]] = []
    if who == visitor:  # another browser's cookie proves nothing for this one
        pairs = (item.partition(":") for item in rest.split("|"))
        entries = [(code, own) for code, _, own in pairs if code and own]
    request._qb_own_entries = (visitor, tuple(entries))  # type: ignore[attr-defined]
    return entries


def own_cookie_get(request: HttpRequest, *, code: str, visitor: str) -> str | None:
    """The friend's own link under `code`, from the cookie set with their click."""
    return dict(_own_entries(request, visitor)).get(code)


def own_cookie_set(response: HttpResponse, request: HttpRequest, *, code: str, own: str) -> None:
    """Remember, signed and tied to the visitor, that their own link under `code` is `own`
    (so their click is counted): a reload then needs no query. The last OWN_MAX shares."""
    visitor: str = request.visitor  # type: ignore[attr-defined]
    entries = _own_entries(request, visitor)
    if (code, own) in entries:
        return
    entries = [(code, own), *[(c, o) for c, o in entries if c != code]][:OWN_MAX]
    value = "|".join([visitor, *(f"{c}:{o}" for c, o in entries)])
    response.set_signed_cookie(
        OWN_COOKIE, value, salt=OWN_SALT, max_age=settings.VISITOR_COOKIE_MAX_AGE,
        httponly=True, secure=settings.VISITOR_COOKIE_SECURE or request.is_secure(),
        samesite=cookie_samesite(request),
    )  # fmt: skip
    cookie_partition(response, request, OWN_COOKIE)
