"""Reads both doors name: a published quiz as a visitor's request needs it (cached), the quizzes
visitors see listed, and how long a version's raw answers are kept.

Authoring's services clear the cache when they publish, archive or restore; taking reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from quizzes.format.definition import Definition, Programs, definition_stored, programs_stored
from quizzes.models import Quiz

CACHE_PREFIX = "published-quiz:"
LOCAL_SECONDS = 2
# How long the published quiz is cached: with Redis an hour (a publish or an archive deletes
# the shared entry at once); in a per-process cache (no REDIS_URL) the deletion reaches only
# the process that published, so a few seconds: several web processes on the embedded default
# then show a new version or an archive within that, for one query per quiz and process.
PUBLISHED_SECONDS = 3600
PUBLISHED_SECONDS_UNSHARED = 5


@dataclass(frozen=True)
class Published:
    """What a visitor's request needs of a published quiz, cached as one value."""

    quiz_id: int
    version_id: int
    slug: str
    definition: Definition
    programs: Programs
    retention_days: int


def retention_days_bound(days: int) -> int:
    """The days raw answers are really kept: a stored value clamped to 1..the site's maximum,
    so a legacy row (or a lowered maximum) never makes a date that overflows."""
    return min(max(days, 1), settings.RESULT_RETENTION_DAYS_MAX)


# --- the published cache -------------------------------------------------------------------


def published_get(*, slug: str) -> Published | None:
    """The live, not archived version of a quiz, from the cache (one query on a miss)."""
    if len(slug) > Quiz._meta.get_field("slug").max_length:  # type: ignore[operator]
        return None  # no quiz has it; nor does it get a cache key (memcached's are <= 250)
    key = CACHE_PREFIX + slug
    # With Redis, a copy kept in this process for LOCAL_SECONDS: the response POST and the
    # quiz API skip a round trip and the unpickling of the whole quiz (issue 14's profile).
    copies = getattr(cache, "local_copies", None)
    hit = copies.get(key) if copies is not None else None
    if hit is None:
        hit = cache.get(key)
        if hit is not None and copies is not None:
            copies.put(key, hit, LOCAL_SECONDS)
    if hit is not None:
        return hit or None
    row = (
        Quiz.objects.filter(slug=slug, archived_at__isnull=True, live_version__isnull=False)
        .select_related("live_version")
        .first()
    )
    value: Published | None = None
    if row is not None and row.live_version is not None:
        v = row.live_version
        value = Published(
            quiz_id=row.pk,
            version_id=v.pk,
            slug=row.slug,
            definition=definition_stored(v.definition),
            programs=programs_stored(v.programs),
            retention_days=retention_days_bound(v.retention_days),
        )
    # A miss is cached too (as False), so unknown slugs cannot hammer the database.
    shared = getattr(cache, "shared", False)  # quizbuilder.cache: Redis, not in-process
    cache.set(key, value or False,
              timeout=PUBLISHED_SECONDS if shared else PUBLISHED_SECONDS_UNSHARED)  # fmt: skip
    if copies is not None:
        copies.put(key, value or False, LOCAL_SECONDS)
    return value


def published_get_with(*, slug: str, key: str) -> tuple[Published | None, Any]:
    """`published_get(slug=slug)` and the cache's value under `key` (None: a miss), read in
    one round trip: a page cached apart from the version pays no second trip for it.

    With Redis, both are also kept in this process for LOCAL_SECONDS once `key` has a value
    (a publish elsewhere shows here that much later; here, at once: published_cache_clear).
    """
    if len(slug) > Quiz._meta.get_field("slug").max_length:  # type: ignore[operator]
        return None, None
    copies = getattr(cache, "local_copies", None)
    both = copies.get(key) if copies is not None else None
    if both is not None:
        return both  # type: ignore[no-any-return]
    hits = cache.get_many([CACHE_PREFIX + slug, key])
    hit = hits.get(CACHE_PREFIX + slug)
    published = (hit or None) if hit is not None else published_get(slug=slug)
    value = hits.get(key)
    if copies is not None and published is not None and value is not None:
        copies.put(key, (published, value), LOCAL_SECONDS)
    return published, value


def quizzes_published() -> QuerySet[Quiz]:
    """The quizzes visitors see listed: live and not archived, newest first."""
    return (
        Quiz.objects.filter(archived_at__isnull=True, live_version__isnull=False)
        .select_related("live_version")
        .order_by("-live_version__published_at")
    )


def published_cache_clear(*, slug: str) -> None:
    cache.delete(CACHE_PREFIX + slug)
    copies = getattr(cache, "local_copies", None)
    if copies is not None:
        copies.clear()  # published_get_with's copies of every quiz: publishing is rare
