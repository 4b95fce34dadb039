"""Submission rate limits: fixed windows counted in the Django cache.

With Redis configured the counters are shared by every web process and `incr` is atomic;
with the local-memory cache they are per process (fine for one machine, and for tests).
While Redis is down they are counted per process too, and the log says so once: a visitor is
never refused, nor let through unlimited, because Redis is.
Limits come from settings as "<count>/<period>" with period s, m, h or d ("30/h").
Identities are the visitor id and the daily-rotating IP hash: no raw address is kept.

What is limited, and why (finding 6 of issue 9: anyone could skew any quiz's stats):
- views (a visitor's first view of a quiz in a day), per address: the page is still shown;
- submissions (results), per visitor and per address: a 429;
- starts (the first answer event of a take the server has not seen), per visitor and per
  address: a 429 from the API, while the page flow still serves the next question;
- share-page clicks (a visitor's first visit of a share link, which also mints their own
  link), per visitor and per address: the page is still served, the click is not counted.
Every refusal is announced with `signals.request_refused` (sharing keeps the daily counts
shown on the editors' stats page).
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.signals import signal_send_robust
from quizbuilder.cache import CLAIM_OVER_LIMIT, CLAIMED_ALREADY
from quizzes.signals import request_refused

logger = logging.getLogger(__name__)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PREFIX = "rl:"


class RefusedKind(models.TextChoices):
    """What a refused request would have counted as (the stats page's "Refused as abuse")."""

    VIEW = "view", _("Views")
    START = "start", _("Starts (first answers of new takes)")
    SUBMISSION = "submission", _("Submissions")
    CLICK = "click", _("Share-page clicks")
    SHARE = "share", _("Shares of someone else's result")


class RateLimited(Exception):
    """Too many requests in the current window; `retry_after` seconds until it ends."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def rate_parse(rate: str) -> tuple[int, int]:
    """Parse "30/h" into (30, 3600). A malformed rate raises ValueError (a settings mistake)."""
    count, _, period = rate.strip().partition("/")
    period = period.strip().lower() or "h"
    unit = period[-1]
    if unit not in PERIODS:
        raise ValueError(f"bad rate {rate!r}: period must end with s, m, h or d")
    multiple = int(period[:-1]) if period[:-1] else 1
    return int(count), multiple * PERIODS[unit]


def ratelimit_hit(*, scope: str, ident: str, rate: str) -> bool:
    """Count one hit for `ident` in `scope`; True while the count is within `rate`.

    While the shared cache is unavailable (Redis down: quizbuilder/cache.py answers misses),
    the hit is counted in this process instead: the limits hold per process, looser but not
    gone, and a visitor is never refused because Redis is."""
    limit, period = rate_parse(rate)
    window = int(time.time()) // period
    key = f"{PREFIX}{scope}:{ident}:{window}"
    count = _count(cache, key, period)
    if not _shared_available():
        count = _count(_local, key, period)
    return count <= limit


def _count(store: BaseCache, key: str, period: int) -> int:
    # add() creates the counter only if missing; incr() is atomic on Redis and locked on locmem.
    store.add(key, 0, timeout=period + 1)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr, or the cache is unavailable
        store.set(key, 1, timeout=period + 1)
        return 1


# Counters for when the shared cache is down; never read settings here (import time).
_local = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_fallback = {"on": False}


def _shared_available() -> bool:
    available = getattr(cache, "available", None)  # ResilientRedisCache; locmem always is
    up = available() if available is not None else True
    if up == _fallback["on"]:  # a change: say it once, not on every request
        _fallback["on"] = not up
        if up:
            logger.warning("Rate limits: the shared cache is back, counting there again")
        else:
            logger.warning("Rate limits: the shared cache is unavailable, counting per process")
    return up


def window_left(rate: str) -> int:
    """Seconds until the current window of `rate` ends (at least 1): a 429's Retry-After."""
    _, period = rate_parse(rate)
    return max(1, period - int(time.time()) % period)


def limits_hit(hits: Sequence[tuple[str, str, str]]) -> int:
    """Count one hit in each (scope, ident, rate). 0 while every one is within its rate,
    else the seconds until the last exceeded window ends (when a retry may succeed)."""
    wait = 0
    for scope, ident, rate in hits:
        if not ratelimit_hit(scope=scope, ident=ident, rate=rate):
            wait = max(wait, window_left(rate))
    return wait


def refusal_note(*, quiz_id: int | None, kind: RefusedKind) -> None:
    """Announce one refused (or served but uncounted) request on `quiz_id` for the stats."""
    if quiz_id is None:
        return
    # Robust: a stats write that fails must not turn a refusal into a 500; it is logged.
    signal_send_robust(request_refused, sender=RefusedKind, quiz_id=quiz_id, kind=kind)


def _limited(
    *, quiz_id: int | None, kind: RefusedKind, hits: Sequence[tuple[str, str, str]]
) -> int:
    """Count `hits` (see limits_hit); past a limit, note one refusal of `kind` and return the
    seconds to wait. 0 when within every limit, or when limits are off."""
    if not settings.RATELIMIT_ENABLED:
        return 0
    wait = limits_hit(hits)
    if wait:
        refusal_note(quiz_id=quiz_id, kind=kind)
    return wait


def submission_check(*, visitor: str, ip_hash: str, quiz_id: int | None = None) -> None:
    """Count a submission for the visitor and the IP hash; RateLimited past either limit."""
    hits = [
        ("submit-visitor", visitor, settings.RATELIMIT_SUBMISSIONS_PER_VISITOR),
        ("submit-ip", ip_hash, settings.RATELIMIT_SUBMISSIONS_PER_IP),
    ]
    if wait := _limited(quiz_id=quiz_id, kind=RefusedKind.SUBMISSION, hits=hits):
        raise RateLimited(
            "Too many submissions. Please wait a while and try again.", retry_after=wait
        )


def start_check(*, quiz_id: int, visitor: str, ip_hash: str) -> None:
    """Count a new take (its first answer event) for the visitor and the IP hash.

    RateLimited past either limit, and the refusal is noted: a flood of random take ids
    from one address can no longer add starts that never complete (the completion rate).
    """
    hits = [
        ("start-visitor", visitor, settings.RATELIMIT_STARTS_PER_VISITOR),
        ("start-ip", ip_hash, settings.RATELIMIT_STARTS_PER_IP),
    ]
    if wait := _limited(quiz_id=quiz_id, kind=RefusedKind.START, hits=hits):
        raise RateLimited(
            gettext("Too many new attempts. Please wait a while and try again."),
            retry_after=wait,
        )


def view_check(*, quiz_id: int, ip_hash: str) -> bool:
    """Count a new visitor's view of a quiz for the IP hash; False (and noted) past the limit.

    Views are already one per visitor and day, so only a client that drops our cookie can
    flood them: the per-address limit holds it back. The page is served either way.
    """
    hits = [("view-ip", ip_hash, settings.RATELIMIT_VIEWS_PER_IP)]
    return not _limited(quiz_id=quiz_id, kind=RefusedKind.VIEW, hits=hits)


class Claim(enum.Enum):
    """What view_claim found: a view to count, one counted already, one past the limit."""

    COUNT = "count"
    SEEN = "seen"
    REFUSED = "refused"


def view_claim(
    *, quiz_id: int, seen: str, seconds: int, ip_hash: str | Callable[[], str], is_new: bool
) -> Claim:
    """Claim a visitor's view of a quiz for counting: SEEN when the cache key `seen` is set
    (a view counted; not asked when `is_new`), REFUSED (and noted) when the address is past
    the view limit (see view_check), else COUNT, and `seen` is set for `seconds`. `ip_hash`
    may be a function: called only when the limit is counted.

    With Redis this is one round trip whatever the case (quizbuilder.cache's claim_counted:
    the mark, then the address's count, atomically); without, or while Redis is down, the
    mark is added and the limit counted as view_check does (in-process while down). No cache
    is asked anything for a new visitor while limits are off."""
    limited = settings.RATELIMIT_ENABLED
    claim = getattr(cache, "claim_counted", None)
    if claim is not None and (limited or not is_new):
        counter, limit, period = None, 0, 0
        if limited:
            limit, period = rate_parse(settings.RATELIMIT_VIEWS_PER_IP)
            ident = ip_hash() if callable(ip_hash) else ip_hash
            counter = f"{PREFIX}view-ip:{ident}:{int(time.time()) // period}"
        outcome = claim(
            seen, seconds, if_absent=not is_new, counter=counter, limit=limit, window=period + 1
        )
        if outcome == CLAIMED_ALREADY:
            return Claim.SEEN
        if outcome == CLAIM_OVER_LIMIT:
            refusal_note(quiz_id=quiz_id, kind=RefusedKind.VIEW)
            return Claim.REFUSED
        if outcome is not None:
            return Claim.COUNT
    if not is_new and not cache.add(seen, 1, timeout=seconds):
        return Claim.SEEN
    if limited and not view_check(
        quiz_id=quiz_id, ip_hash=ip_hash() if callable(ip_hash) else ip_hash
    ):
        if not is_new:
            cache.delete(seen)  # a later view of theirs, under the limit, may still count
        return Claim.REFUSED
    return Claim.COUNT


def click_check(*, quiz_id: int, visitor: str, ip_hash: str) -> bool:
    """Count a visitor's first visit of a share link; False (and noted) past either limit.

    A friend's first visit has no cookie yet, so the per-visitor limit cannot hold back a
    cookieless flood: the per-address limit does. The page is served either way.
    """
    hits = [
        ("click-visitor", visitor, settings.RATELIMIT_CLICKS_PER_VISITOR),
        ("click-ip", ip_hash, settings.RATELIMIT_CLICKS_PER_IP),
    ]
    return not _limited(quiz_id=quiz_id, kind=RefusedKind.CLICK, hits=hits)


# allauth's own 429s (sign-up, password reset...) do not say when to come back; its shortest
# windows are a minute long.
RETRY_AFTER_DEFAULT = 60


class RetryAfterMiddleware:
    """Every 429 says when to retry: ours set Retry-After from the window, others get a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(RETRY_AFTER_DEFAULT)
        return response
