"""The Celery app. Configuration comes from Django settings (the CELERY_ namespace)."""

from __future__ import annotations

import os
import time
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun
from django.db import connections

from . import fsbroker, redisbroker  # noqa: F401  (register the brokers' transport aliases)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizbuilder.settings")

app = Celery("quizbuilder")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "purge-expired-answers": {
        "task": "quizzes.tasks.purge_expired_answers",
        "schedule": crontab(minute=17),
    },
    "expire-leads": {
        "task": "integrations.tasks.expire_leads",
        "schedule": crontab(minute=23),
    },
    "rollup-daily-stats": {
        "task": "sharing.tasks.rollup_daily_stats",
        "schedule": crontab(minute=5),
    },
    "purge-raw-stats-events": {
        "task": "sharing.tasks.purge_raw_stats_events",
        "schedule": crontab(minute=47),
    },
    "sweep-orphan-cards": {
        "task": "sharing.tasks.sweep_orphan_cards",
        "schedule": crontab(minute=41),
    },
    "send-due-webhooks": {
        "task": "webhooks.tasks.send_due_webhooks",
        "schedule": crontab(minute="*"),
    },
    "purge-webhook-log": {
        "task": "webhooks.tasks.purge_webhook_log",
        "schedule": crontab(hour=3, minute=29),
    },
    "retry-stale-cards": {
        "task": "sharing.tasks.rerender_stale_cards",
        "schedule": crontab(minute="*/10"),
    },
}


@task_postrun.connect(dispatch_uid="quizbuilder.connections_tidy")
def connections_tidy(*, task: Any = None, **_kwargs: Any) -> None:
    """After each task, as after a request: a connection that broke (a database restart: an
    error in the task) or outlived CONN_MAX_AGE is closed, the next task opens a new one; a
    healthy one is kept, unchecked (settings.CELERY_DB_REUSE_MAX keeps Celery from closing
    it)."""
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run in its caller's process (`apply()`): the connection is the caller's
    for conn in connections.all(initialized_only=True):
        # Only these two cases, so a healthy connection costs no `SELECT 1` per task.
        old = conn.close_at is not None and time.monotonic() >= conn.close_at
        if conn.errors_occurred or old:
            conn.close_if_unusable_or_obsolete()
