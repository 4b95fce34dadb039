"""Receivers of what quizzes, sharing and integrations announce, connected in
WebhooksConfig.ready(): each records an event for the quiz's webhooks (no query when none
wants it and Redis keeps the answer: webhooks.selectors) and enqueues its deliveries on
commit; none sends anything in the request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from integrations.signals import cta_clicked, lead_created
from quizzes.models import Quiz, Result
from quizzes.signals import answers_purged, quiz_links, result_deleted, result_submitted
from sharing.models import Share
from sharing.signals import share_created

from .models import EventType, Webhook
from .payloads import cta_clicked_data, lead_created_data, result_created_data, share_created_data
from .selectors import webhook_changed, webhooks_wanting
from .services import event_record, result_events_delete

logger = logging.getLogger(__name__)


def _record(quiz_id: int, type: str, data: Callable[[], dict[str, Any]]) -> None:
    # A webhook must never fail what the visitor did: its rows go in a savepoint of their
    # own, and an error is logged, not raised.
    try:
        targets = webhooks_wanting(quiz_id=quiz_id, type=type)
        if targets:
            with transaction.atomic():
                event_record(quiz_id=quiz_id, type=type, data=data(), webhook_ids=targets)
    except Exception:
        logger.exception("could not record the %s event of quiz %s", type, quiz_id)


@receiver(result_submitted, dispatch_uid="webhooks.result_submitted")
def submitted(sender: Any, *, result: Result, **kwargs: Any) -> None:
    # Inside the result's transaction: the event is saved with the result, and its
    # deliveries are enqueued once it commits.
    _record(result.quiz_id, EventType.RESULT_CREATED, lambda: result_created_data(result))


@receiver(result_deleted, dispatch_uid="webhooks.result_deleted")
@receiver(answers_purged, dispatch_uid="webhooks.answers_purged")
def forgotten(sender: Any, *, result: Result, **kwargs: Any) -> None:
    # A deleted result, or one whose answers expired: the events with its texts (or its
    # lead) go, in the same transaction. Events are only kept WEBHOOK_LOG_DAYS anyway.
    result_events_delete(result_id=result.pk)


@receiver(share_created, dispatch_uid="webhooks.share_created")
def shared(sender: Any, *, share: Share, **kwargs: Any) -> None:
    _record(share.quiz_id, EventType.SHARE_CREATED, lambda: share_created_data(share))


@receiver(lead_created, dispatch_uid="webhooks.lead_created")
def lead(sender: Any, *, lead: Any, **kwargs: Any) -> None:
    _record(lead.result.quiz_id, EventType.LEAD_CREATED, lambda: lead_created_data(lead))


@receiver(cta_clicked, dispatch_uid="webhooks.cta_clicked")
def clicked(sender: Any, *, result: Result, url: str, **kwargs: Any) -> None:
    _record(result.quiz_id, EventType.CTA_CLICKED, lambda: cta_clicked_data(result, url))


@receiver(quiz_links, dispatch_uid="webhooks.quiz_links")
def webhooks_link(sender: Any, *, quiz: Quiz, user: Any, **kwargs: Any) -> list[tuple[str, str]]:
    """The quiz's page links to its webhooks page."""
    return [(str(_("Webhooks")), reverse("webhooks:editor", args=[quiz.slug]))]


@receiver(post_save, sender=Webhook, dispatch_uid="webhooks.webhook_saved")
@receiver(post_delete, sender=Webhook, dispatch_uid="webhooks.webhook_deleted")
def webhook_saved(sender: Any, *, instance: Webhook, **kwargs: Any) -> None:
    # Whoever changed it (a service, the admin, a factory), the next completion sees it.
    webhook_changed(quiz_id=instance.quiz_id)
