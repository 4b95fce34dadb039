"""Submission rate limits: fixed windows counted in the Django cache.

With Redis configured the counters are shared by every web process and `incr` is atomic;
with the local-memory cache they are per process (fine for one machine, and for tests).
Limits come from settings as "<count>/<period>" with period s, m, h or d ("30/h").
Identities are the visitor id and the daily-rotating IP hash: no raw address is kept.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PREFIX = "rl:"


class RateLimited(Exception):
    """Too many submissions in the current window."""


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
    """Count one hit for `ident` in `scope`; True while the count is within `rate`."""
    limit, period = rate_parse(rate)
    window = int(time.time()) // period
    key = f"{PREFIX}{scope}:{ident}:{window}"
    # add() creates the counter only if missing; incr() is atomic on Redis and locked on locmem.
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return count <= limit


def submission_check(*, visitor: str, ip_hash: str) -> None:
    """Count a submission for the visitor and the IP hash; RateLimited past either limit."""
    if not settings.RATELIMIT_ENABLED:
        return
    by_visitor = ratelimit_hit(
        scope="submit-visitor", ident=visitor, rate=settings.RATELIMIT_SUBMISSIONS_PER_VISITOR
    )
    by_ip = ratelimit_hit(
        scope="submit-ip", ident=ip_hash, rate=settings.RATELIMIT_SUBMISSIONS_PER_IP
    )
    if not (by_visitor and by_ip):
        raise RateLimited("Too many submissions. Please wait a while and try again.")
