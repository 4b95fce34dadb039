"""Raw event retention: the event rows the stats count (views, answers, conditional questions
shown, clicks, previews) are deleted once they are older than STATS_RAW_RETENTION_DAYS and
their day is rolled up. The stats stay exact: a closed day is read from its `DailyStats`
rollup, never from the events again (sharing.stats.rollups patches only `shared_completions`
of an old day, from results and shares, which are not raw events and are kept).

Results, shares and referrals are not purged here: they are what visitors link to (their
answers are forgotten by quizzes.taking.retention).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db.models import Model
from django.utils import timezone

from core.signals import signal_send_robust
from quizzes.models import AnswerEvent, QuizView, ShownEvent

from ..models import Click, DailyStats, Preview
from ..signals import stats_raw_purged
from .body import UTC

logger = logging.getLogger(__name__)
PURGE_BATCH = 5000
PURGE_BUDGET = 60.0  # seconds; the task time limit (settings.CELERY_TASK_TIME_LIMIT) is 120
RAW_MODELS: tuple[type[Model], ...] = (AnswerEvent, ShownEvent, Click, Preview, QuizView)


def raw_retention_days() -> int:
    """The days raw events are kept: the setting, but never less than a visitor id lives.

    A click counts once per visitor and share link, and a start once per take, by finding
    the earlier row: a row must outlive every id that could come back to it. The visitor
    cookie is set once and never renewed, so no id is seen after VISITOR_COOKIE_MAX_AGE.
    """
    cookie_days = -(-settings.VISITOR_COOKIE_MAX_AGE // 86400)
    return max(settings.STATS_RAW_RETENTION_DAYS, cookie_days + 1)


def stats_raw_purge(
    *, now: dt.datetime | None = None, days: int | None = None, budget: float = PURGE_BUDGET
) -> int:
    """Delete raw event rows of UTC days before `now - days` (default raw_retention_days())
    whose quiz has that day rolled up; returns how many rows went.

    Rollups are written for every day from the quiz's first (sharing.stats.rollups), so a
    rollup of the last purged day means all earlier days have theirs; a quiz whose rollups lag
    keeps its rows until they catch up. Deletes in batches and starts no new batch after
    `budget` seconds (the next run goes on). Idempotent: a second run finds nothing. Then
    the rooms above purge their own (`stats_raw_purged`, with `now`: their retention is
    raw_retention_days(), whatever `days` this run was given).
    """
    now = now or timezone.now()
    purged = _raw_purge(now=now, days=raw_retention_days() if days is None else days, budget=budget)
    signal_send_robust(stats_raw_purged, sender=DailyStats, now=now)
    return purged


def _raw_purge(*, now: dt.datetime, days: int, budget: float) -> int:
    cutoff_day = now.astimezone(UTC).date() - dt.timedelta(days=days)
    cutoff = dt.datetime.combine(cutoff_day, dt.time.min, tzinfo=UTC)
    rolled = DailyStats.objects.filter(day=cutoff_day - dt.timedelta(days=1)).values("quiz_id")
    deadline = time.monotonic() + budget
    purged = 0
    for model in RAW_MODELS:
        old = model._default_manager.filter(quiz_id__in=rolled)
        if model is QuizView:
            old = old.filter(day__lt=cutoff_day)  # a view's day is stored (the visitor's day)
        else:
            old = old.filter(created_at__lt=cutoff)
        while True:
            ids = list(old.values_list("pk", flat=True)[:PURGE_BATCH])
            if ids:
                purged += model._default_manager.filter(pk__in=ids).delete()[0]
            if time.monotonic() > deadline:
                logger.info("purged %d raw event rows; the rest at the next run", purged)
                return purged
            if len(ids) < PURGE_BATCH:
                break
    return purged
