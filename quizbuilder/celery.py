"""The Celery app. Configuration comes from Django settings (the CELERY_ namespace)."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

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
