"""The daily rollups of CTA clicks (CtaDaily, CtaRollup), written by sharing's hourly stats run
(sharing.signals.stats_rolled_up), and the purge of the clicks they hold once past the raw
events' retention (sharing.signals.stats_raw_purged).

A click row is also what counts a result's call to action once (its primary key is the
result): once rows go, a result whose row went could count a second time. So a click is
counted only while its result is younger than the retention (`cta_counted`): every result
whose click could have been purged is past it, and the count stays one per result.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from quizzes.models import Quiz, Result
from sharing.stats.body import RECENT_DAYS, UTC
from sharing.stats.days import utc_today
from sharing.stats.purge import PURGE_BATCH, raw_retention_days

from .models import CtaClick, CtaDaily, CtaRollup, CtaTable

logger = logging.getLogger(__name__)
# Quizzes rolled up per grouped query and transaction.
CHUNK_QUIZZES = 500
PURGE_BUDGET = 30.0  # seconds; sharing's purge runs before it in the same task
# The clicks' fields the stats count by; their counts fold into the body's two tables.
GROUP = ("outcome_key", "channel", "referred")
Tables = dict[tuple[str, str], int]  # {(CtaTable, key): clicks}


def tables_add(tables: Tables, groups: Iterable[dict[str, Any]]) -> Tables:
    """Add clicks counted by GROUP (and "n") to `tables`: every click under its outcome, a
    referred result's also under the channel that brought it (spec/integrations.md)."""
    for g in groups:
        for table, key, counted in (
            (CtaTable.OUTCOME, g["outcome_key"], True),
            (CtaTable.CHANNEL, g["channel"], g["referred"]),
        ):
            if counted:
                tables[(table, key)] = tables.get((table, key), 0) + g["n"]
    return tables


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=UTC)


def clicks_between(clicks: QuerySet[CtaClick], first: dt.date, last: dt.date) -> QuerySet:
    """The clicks of UTC days [first, last]."""
    return clicks.filter(
        created_at__gte=day_start(first), created_at__lt=day_start(last + dt.timedelta(days=1))
    )


def cta_counted(*, result: Result, now: dt.datetime | None = None) -> bool:
    """Whether following the result's call to action now counts (once): while the result is
    younger than the raw events' retention, after which its click may have been purged."""
    now = now or timezone.now()
    return result.created_at >= now - dt.timedelta(days=raw_retention_days())


def cta_rollup(*, today: dt.date | None = None, recent_days: int = RECENT_DAYS) -> int:
    """Roll up the CTA clicks of closed UTC days; returns the number of quiz-days written.

    Per quiz, as sharing's rollup does: every closed day not rolled up yet (a new quiz is
    backfilled from its first day) and the last `recent_days` closed days again (a click
    recorded by a request that straddled midnight). One grouped query per set of quizzes; a
    set's days are replaced and its `through` moved in one transaction, so the stats read
    either the old rollup or the new one. Idempotent: a second run writes the same rows.
    """
    today = today or utc_today()
    yesterday = today - dt.timedelta(days=1)
    window = today - dt.timedelta(days=recent_days)
    through = dict(CtaRollup.objects.values_list("quiz_id", "through"))
    starts: dict[dt.date, list[int]] = defaultdict(list)
    for quiz_id, created_at in Quiz.objects.values_list("id", "created_at").order_by("id"):
        done = through.get(quiz_id)
        start = (done + dt.timedelta(days=1)) if done else created_at.astimezone(UTC).date()
        starts[min(start, window)].append(quiz_id)
    written = 0
    for start, quiz_ids in starts.items():
        if start > yesterday:
            continue
        for i in range(0, len(quiz_ids), CHUNK_QUIZZES):
            chunk = quiz_ids[i : i + CHUNK_QUIZZES]
            # A run for an earlier day (a backfill, a benchmark) leaves later days rolled up.
            ends = {q: max(yesterday, through.get(q, yesterday)) for q in chunk}
            _days_write(ends=ends, first=start, last=yesterday)
            written += len(chunk) * ((yesterday - start).days + 1)
    return written


def _days_write(*, ends: dict[int, dt.date], first: dt.date, last: dt.date) -> None:
    """Replace the rollups of [first, last] of the quizzes of `ends` and mark them rolled up
    to their end (`last`, or a later day already rolled up)."""
    quiz_ids = list(ends)
    rows = (
        clicks_between(CtaClick.objects.filter(quiz_id__in=quiz_ids), first, last)
        .annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values("quiz_id", "day", *GROUP)
        .annotate(n=Count("pk"))
        .order_by()
    )
    days: dict[tuple[int, dt.date], Tables] = defaultdict(dict)
    for row in rows:
        tables_add(days[(row["quiz_id"], row["day"])], [row])
    dailies = [
        CtaDaily(quiz_id=quiz_id, day=day, table=table, key=key, count=n)
        for (quiz_id, day), tables in days.items()
        for (table, key), n in tables.items()
    ]
    with transaction.atomic():
        CtaDaily.objects.filter(quiz_id__in=quiz_ids, day__gte=first, day__lte=last).delete()
        # An upsert, not an insert: a run overlapping this one may have written the same days.
        CtaDaily.objects.bulk_create(
            dailies,
            update_conflicts=True,
            unique_fields=["quiz", "day", "table", "key"],
            update_fields=["count"],
            batch_size=1000,
        )
        CtaRollup.objects.bulk_create(
            [CtaRollup(quiz_id=q, through=end) for q, end in ends.items()],
            update_conflicts=True,
            unique_fields=["quiz"],
            update_fields=["through", "computed_at"],
            batch_size=1000,
        )


def cta_clicks_purge(
    *, now: dt.datetime | None = None, days: int | None = None, budget: float = PURGE_BUDGET
) -> int:
    """Delete the CTA clicks of UTC days before `now - days` (default raw_retention_days(),
    which `cta_counted` also uses: a smaller `days` is for benchmarks only) whose quiz has
    them rolled up; returns how many went. Batched, within `budget` seconds (the next run goes
    on); idempotent."""
    now = now or timezone.now()
    days = raw_retention_days() if days is None else days
    cutoff_day = now.astimezone(UTC).date() - dt.timedelta(days=days)
    rolled = CtaRollup.objects.filter(through__gte=cutoff_day - dt.timedelta(days=1))
    old = CtaClick.objects.filter(
        quiz_id__in=rolled.values("quiz_id"), created_at__lt=day_start(cutoff_day)
    )
    deadline = time.monotonic() + budget
    purged = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[:PURGE_BATCH])
        if ids:
            purged += CtaClick.objects.filter(pk__in=ids).delete()[0]
        if len(ids) < PURGE_BATCH:
            return purged
        if time.monotonic() > deadline:
            logger.info("purged %d CTA clicks; the rest at the next run", purged)
            return purged
