"""The daily stats rollups (DailyStats) of closed UTC days, written by beat (sharing.tasks)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from quizzes.models import Quiz, Result

from ..models import DailyStats, Share, ShareKind
from .body import RECENT_DAYS, UTC
from .days import days_compute, utc_today


def stats_rollup(*, today: dt.date | None = None, recent_days: int = RECENT_DAYS) -> int:
    """Write (upsert) the rollups of closed UTC days; returns the number of days written.

    Per quiz: every closed day not rolled up yet (a new quiz is backfilled), the last
    `recent_days` closed days again (late events: a request that straddled midnight, a clock
    a little behind), and the days of results that got a share in that window (share_rate).
    Idempotent: running it twice writes the same records.
    """
    today = today or utc_today()
    yesterday = today - dt.timedelta(days=1)
    window = today - dt.timedelta(days=recent_days)
    since = dt.datetime.combine(window, dt.time.min, tzinfo=UTC)
    written = 0
    latest = dict(DailyStats.objects.values_list("quiz_id").annotate(m=Max("day")).order_by())
    for quiz_id, created_at in Quiz.objects.values_list("id", "created_at"):
        last_done = latest.get(quiz_id)
        start = (
            (last_done + dt.timedelta(days=1)) if last_done else created_at.astimezone(UTC).date()
        )
        start = min(start, window)
        records = (
            days_compute(quiz_id=quiz_id, first=start, last=yesterday) if start <= yesterday else {}
        )
        shared_days = (
            Share.objects.filter(quiz_id=quiz_id, kind=ShareKind.BUTTON, created_at__gte=since)
            .annotate(d=TruncDate("result__created_at", tzinfo=UTC))
            .values_list("d", flat=True)
            .distinct()
        )
        _shared_patch(quiz_id=quiz_id, days={d for d in shared_days if d < start})
        DailyStats.objects.bulk_create(
            [DailyStats(quiz_id=quiz_id, day=d, data=data) for d, data in records.items()],
            update_conflicts=True,
            unique_fields=["quiz", "day"],
            update_fields=["data", "computed_at"],
            batch_size=500,
        )
        written += len(records)
    return written


def _shared_patch(*, quiz_id: int, days: set[dt.date]) -> None:
    """Set `shared_completions` of rolled-up `days` again (a result shared days after it was
    made). Only that figure: the day's other figures come from raw events that may have been
    purged since (sharing.stats.purge), and a late share changes nothing else of that day."""
    if not days:
        return
    start = dt.datetime.combine(min(days), dt.time.min, tzinfo=UTC)
    end = dt.datetime.combine(max(days) + dt.timedelta(days=1), dt.time.min, tzinfo=UTC)
    shared = Exists(Share.objects.filter(result=OuterRef("pk"), kind=ShareKind.BUTTON))
    counts = dict(
        Result.objects.filter(quiz_id=quiz_id, created_at__gte=start, created_at__lt=end)
        .annotate(d=TruncDate("created_at", tzinfo=UTC))
        .values("d")
        .annotate(n=Count("pk", filter=Q(shared)))
        .order_by()
        .values_list("d", "n")
    )
    rollups = list(DailyStats.objects.filter(quiz_id=quiz_id, day__in=days))
    for rollup in rollups:
        rollup.data["shared_completions"] = counts.get(rollup.day, 0)
        rollup.computed_at = timezone.now()  # bulk_update does not set auto_now fields
    DailyStats.objects.bulk_update(rollups, ["data", "computed_at"])
