"""The daily stats rollups (DailyStats) of closed UTC days, written by beat (sharing.tasks)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.signals import signal_send_robust
from quizzes.models import Quiz, Result

from ..models import DailyStats, Share, ShareKind
from ..signals import stats_rolled_up
from .body import RECENT_DAYS, UTC
from .days import PARTIAL, SHARED_UNTIL, Span, button_shares_before, quizzes_days_compute, utc_today

# Records computed at once (quizzes x days): a fixed number of grouped queries per chunk.
CHUNK_RECORDS = 4000
# (quiz, day)s patched per query: an OR of that many terms (SQLite parses at most 1000 deep).
PATCH_CHUNK = 200


def stats_rollup(*, today: dt.date | None = None, recent_days: int = RECENT_DAYS) -> int:
    """Write (upsert) the rollups of closed UTC days; returns the number of days written.

    Per quiz: every closed day not rolled up yet (a new quiz is backfilled), the last
    `recent_days` closed days again (late events: a request that straddled midnight, a clock
    a little behind), and the share rate of older days whose results got a share in that
    window; and today up to the last full hour (`_today_write`). Quizzes with the same first
    day to write are computed together, a few thousand records per set of grouped queries,
    not quiz by quiz. Idempotent: running it twice writes the same records.
    """
    today = today or utc_today()
    # Shares from this instant on are the stats' to add (ranges.late_shared_count): each
    # record counts the ones before it, so a share made while it runs is counted once.
    cutoff = timezone.now()
    yesterday = today - dt.timedelta(days=1)
    window = today - dt.timedelta(days=recent_days)
    latest = dict(DailyStats.objects.values_list("quiz_id").annotate(m=Max("day")).order_by())
    starts: dict[dt.date, list[int]] = defaultdict(list)
    for quiz_id, created_at in Quiz.objects.values_list("id", "created_at").order_by("id"):
        last_done = latest.get(quiz_id)
        start = (
            (last_done + dt.timedelta(days=1)) if last_done else created_at.astimezone(UTC).date()
        )
        starts[min(start, window)].append(quiz_id)
    written = 0
    for start, quiz_ids in starts.items():
        if start > yesterday:
            continue
        chunk = max(1, CHUNK_RECORDS // ((yesterday - start).days + 1))
        for i in range(0, len(quiz_ids), chunk):
            records = quizzes_days_compute(
                quiz_ids=quiz_ids[i : i + chunk], span=Span(start, yesterday, shared_before=cutoff)
            )
            DailyStats.objects.bulk_create(
                [
                    DailyStats(quiz_id=q, day=d, data={**data, SHARED_UNTIL: cutoff.isoformat()})
                    for (q, d), data in records.items()
                ],
                update_conflicts=True,
                unique_fields=["quiz", "day"],
                update_fields=["data", "computed_at"],
                batch_size=500,
            )
            written += len(records)
    if today == utc_today():
        _today_write(
            today=today, quiz_ids=[q for ids in starts.values() for q in ids], cutoff=cutoff
        )
    since = dt.datetime.combine(window, dt.time.min, tzinfo=UTC)
    shared_days = (
        Share.objects.filter(kind=ShareKind.BUTTON, created_at__gte=since)
        .annotate(d=TruncDate("result__created_at", tzinfo=UTC))
        .values_list("quiz_id", "d")
        .distinct()
    )
    late = sorted({(q, d) for q, d in shared_days if d < window})
    for i in range(0, len(late), PATCH_CHUNK):
        _shared_patch(days=set(late[i : i + PATCH_CHUNK]), cutoff=cutoff)
    signal_send_robust(stats_rolled_up, sender=DailyStats, today=today, recent_days=recent_days)
    return written


def _today_write(*, today: dt.date, quiz_ids: list[int], cutoff: dt.datetime) -> None:
    """Roll today up to the last full hour (its record says until when: `PARTIAL`), so that
    the stats count from the events only the hour under way. Recomputed by every run; the
    first run of a day after midnight rolls the whole day up (it is then within the window)."""
    hour = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if hour <= dt.datetime.combine(today, dt.time.min, tzinfo=UTC):
        return
    for i in range(0, len(quiz_ids), CHUNK_RECORDS):
        span = Span(today, today, until=hour, shared_before=cutoff)
        records = quizzes_days_compute(quiz_ids=quiz_ids[i : i + CHUNK_RECORDS], span=span)
        DailyStats.objects.bulk_create(
            [
                DailyStats(
                    quiz_id=q,
                    day=d,
                    data={**data, PARTIAL: hour.isoformat(), SHARED_UNTIL: cutoff.isoformat()},
                )
                for (q, d), data in records.items()
            ],
            update_conflicts=True,
            unique_fields=["quiz", "day"],
            update_fields=["data", "computed_at"],
            batch_size=500,
        )


def _shared_patch(*, days: set[tuple[int, dt.date]], cutoff: dt.datetime) -> None:
    """Set `shared_completions` of rolled-up (quiz, day)s again (a result shared days after
    it was made). Only that figure: the day's other figures come from raw events that may have
    been purged since (sharing.stats.purge), and a late share changes nothing else of that
    day. One grouped query and one update."""
    one_of = reduce(
        or_,
        (
            Q(created_at__gte=dt.datetime.combine(d, dt.time.min, tzinfo=UTC))
            & Q(
                created_at__lt=dt.datetime.combine(
                    d + dt.timedelta(days=1), dt.time.min, tzinfo=UTC
                )
            )
            for d in {d for _, d in days}
        ),
    )
    shared = Exists(button_shares_before(cutoff))
    rows = (
        Result.objects.filter(one_of, quiz_id__in={q for q, _ in days})
        .annotate(d=TruncDate("created_at", tzinfo=UTC))
        .values("quiz_id", "d")
        .annotate(n=Count("pk", filter=Q(shared)))
        .order_by()
    )
    counts = {(r["quiz_id"], r["d"]): r["n"] for r in rows}
    one_of_days = reduce(or_, (Q(quiz_id=q, day=d) for q, d in days))
    rollups = list(DailyStats.objects.filter(one_of_days))
    for rollup in rollups:
        rollup.data["shared_completions"] = counts.get((rollup.quiz_id, rollup.day), 0)
        rollup.data[SHARED_UNTIL] = cutoff.isoformat()
        rollup.computed_at = timezone.now()  # bulk_update does not set auto_now fields
    DailyStats.objects.bulk_update(rollups, ["data", "computed_at"], batch_size=500)
