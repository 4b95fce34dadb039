"""Celery tasks of sharing: thin wrappers that load by id and call one service.

Every task is idempotent (cards are written under a name derived from their inputs, statuses
change with conditional updates), so `acks_late` + `reject_on_worker_lost` are safe: a task
whose worker died mid-way runs again and changes nothing that was already done.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from celery.contrib.django.task import DjangoTask
from celery.signals import worker_init
from django.db import OperationalError
from django.utils import timezone

from quizbuilder.enqueue import task_enqueue

from .cards import jobs, version_jobs
from .cards.fonts import fonts_signature
from .stats.purge import stats_raw_purge
from .stats.rollups import stats_rollup

logger = logging.getLogger(__name__)

# Worth another try: storage or network hiccups, a locked or restarting database.
TRANSIENT = (OSError, OperationalError)
RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "max_retries": 5,
    "retry_backoff": 1,  # 1, 2, 4, 8, 16 s, each drawn at random below that (jitter)
    "retry_backoff_max": 60,
    "retry_jitter": True,
}
STALE_AFTER = timedelta(minutes=5)
STALE_GIVE_UP = timedelta(days=2)
STALE_BATCH = 500
# A failed card sent again is not sent a second time for this long (its run, with its quick
# retries and the task time limit, ends well before): only a lost message waits this out.
RETRY_LEASE = timedelta(minutes=15)
ORPHAN_AFTER = timedelta(hours=1)  # far longer than any render takes (CELERY_TASK_TIME_LIMIT)
# Redis' lowest priority (kombu's steps 0, 3, 6, 9; 0, the default, is served first).
SQUARE_PRIORITY = 9


@worker_init.connect(dispatch_uid="sharing.fonts_load")
def fonts_load(**_kwargs: Any) -> None:
    """A worker finds and reads its fonts once as it starts (a prefork pool's processes
    inherit them), not on the first card a visitor waits for."""
    fonts_signature()


class ResultCardTask(DjangoTask):
    """Marks the card failed once the task has failed for good (retries spent, or an error
    that is not worth retrying); editors see the error in the Result card admin."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any,
                   einfo: Any) -> None:  # fmt: skip
        result_id = args[0] if args else kwargs.get("result_id")
        if result_id:
            self.card_fail(result_id=str(result_id), error=f"{type(exc).__name__}: {exc}")

    def card_fail(self, *, result_id: str, error: str) -> None:
        jobs.result_card_fail(result_id=result_id, error=error)


class SquareCardTask(ResultCardTask):
    """Marks the square card failed (its own status: the og card stays ready), so the card
    job tries it again after the og card's backoff instead of at every run."""

    def card_fail(self, *, result_id: str, error: str) -> None:
        jobs.result_square_fail(result_id=result_id, error=error)


class VersionCardTask(DjangoTask):
    """Marks a version's card failed once the task has failed for good, so the card job tries
    it again after the result cards' backoff; the quiz shows the site's card meanwhile."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any,
                   einfo: Any) -> None:  # fmt: skip
        version_id = args[0] if args else kwargs.get("version_id")
        if version_id:
            version_jobs.version_card_fail(version_id=int(version_id),
                                           error=f"{type(exc).__name__}: {exc}")  # fmt: skip


@shared_task(base=ResultCardTask, bind=True, **RETRY)
def render_result_card(self: Task, result_id: str) -> None:
    """Draw and store a result's og card and mark it ready (enqueued on commit of the
    result), then send its square card to be drawn behind it (`render_square_card`)."""
    if jobs.result_card_render(result_id=result_id) is not None:
        # The og card is what a shared link shows: under a burst every waiting og card goes
        # before any square card (Redis serves priority 0 first), so a card is ready in
        # the time of one render, not two (benchmarks/card_worker.py). The square goes to
        # the queue this task came from, which its workers consume.
        queue = (self.request.delivery_info or {}).get("routing_key")
        options = {"priority": SQUARE_PRIORITY, "queue": queue}
        task_enqueue(render_square_card, result_id, options=options)


@shared_task(base=SquareCardTask, **RETRY)
def render_square_card(result_id: str) -> None:
    """Draw and store a ready result's square card (with its QR link) and keep its name; the
    page's "Save image" shows it once there. A lost message, or a failed run after its
    backoff, is caught up by `rerender_stale_cards`."""
    jobs.result_square_render(result_id=result_id)


@shared_task(base=VersionCardTask, **RETRY)
def render_fallback_card(version_id: int) -> None:
    """Draw and store the quiz-level card of a version (enqueued on commit of a publish). A
    lost message, or a failed run after its backoff, is caught up by `rerender_stale_cards`."""
    version_jobs.fallback_card_render(version_id=version_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rerender_stale_cards() -> int:
    """Beat (every 10 minutes): enqueue again the cards still pending after a few minutes, the
    cards whose retry time came (failed ones after jobs.CARD_RETRY_BACKOFF, so a 1-minute
    backoff means the next run; purged ones), the square cards still missing a few minutes
    after their og card was ready or whose retry time came, and the versions' cards whose
    retry time came or still missing a few minutes after their publish; returns how many."""
    ids = jobs.stale_card_results(
        older_than=STALE_AFTER, newer_than=STALE_GIVE_UP, limit=STALE_BATCH
    )
    now = timezone.now()
    due = jobs.cards_due(now=now, lease=RETRY_LEASE, limit=STALE_BATCH)
    squares = jobs.stale_card_results(
        older_than=STALE_AFTER, newer_than=STALE_GIVE_UP, limit=STALE_BATCH, square=True
    )
    squares += jobs.cards_due(now=now, lease=RETRY_LEASE, limit=STALE_BATCH, square=True)
    versions = version_jobs.version_cards_due(
        now=now,
        lease=RETRY_LEASE,
        stale_after=STALE_AFTER,
        give_up=STALE_GIVE_UP,
        limit=STALE_BATCH,
    )
    for result_id in [*ids, *due]:
        task_enqueue(render_result_card, result_id)
    for result_id in squares:
        task_enqueue(render_square_card, result_id, options={"priority": SQUARE_PRIORITY})
    for version_id in versions:
        task_enqueue(render_fallback_card, version_id)
    if ids or due or squares or versions:
        logger.info("re-enqueued %d stale and %d due cards, %d square cards, %d version cards",
                    len(ids), len(due), len(squares), len(versions))  # fmt: skip
    return len(ids) + len(due) + len(squares) + len(versions)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_orphan_cards() -> int:
    """Beat (hourly): delete card files no live result or version uses, an hour after they
    were written; returns how many."""
    return jobs.orphan_cards_sweep(older_than=ORPHAN_AFTER)


@shared_task
def ping() -> str:
    """A no-op the worker tests enqueue to see a real worker consume from the broker."""
    return "pong"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rollup_daily_stats() -> int:
    """Beat (hourly): upsert the daily stats rollups of closed UTC days (idempotent).

    The service is sharing.stats.rollups.stats_rollup.
    """
    return stats_rollup()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_raw_stats_events() -> int:
    """Beat (hourly, after the rollup): delete raw stats events past their retention whose
    day is rolled up (idempotent; batched, within a time budget).

    The service is sharing.stats.purge.stats_raw_purge.
    """
    return stats_raw_purge()
