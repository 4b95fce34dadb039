"""Celery tasks of webhooks: one task per delivery (event, webhook), so one slow receiver
holds up only its own delivery; and the beat's sweep and purge.

deliver_webhook is idempotent (webhooks.services.dispatch_claim): acks_late and
reject_on_worker_lost are safe, and a message delivered twice sends at most one request
per try.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.utils import timezone

from quizbuilder.enqueue import task_enqueue

from .services import deliveries_purge, dispatch_attempt, dispatches_due


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def deliver_webhook(self: Task, dispatch_id: int) -> None:
    """Try to deliver one event to one webhook. The service plans the retries: a short wait
    is a Celery retry (the same queue, a countdown), a long one is the beat sweep's."""
    tried = dispatch_attempt(dispatch_id=dispatch_id)
    if tried.retry_in is not None:
        raise self.retry(countdown=tried.retry_in)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_due_webhooks() -> int:
    """Beat (every minute): send the deliveries whose retry time came; returns how many."""
    ids = dispatches_due(now=timezone.now())
    for dispatch_id in ids:
        task_enqueue(deliver_webhook, dispatch_id)
    return len(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_webhook_log() -> int:
    """Beat (daily): the delivery log is kept WEBHOOK_LOG_DAYS days."""
    return deliveries_purge(now=timezone.now())
