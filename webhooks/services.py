"""Webhooks: made and removed by editors, told of events, delivered by Celery tasks.

An event is one Event row (its id is the one every retry sends) and one Dispatch per
subscribed webhook, written in the transaction of what happened; the delivery task of each
Dispatch is enqueued on commit, so the visitor never waits for a receiver and one slow
receiver never holds up another (one task per delivery). The Dispatch row is the truth of a
delivery: a task claims it with a conditional update, so a duplicate or redelivered task
message does nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celery import Signature, signature
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quizbuilder.enqueue import task_enqueue
from quizzes.models import Quiz

from . import transport
from .addresses import UrlRefused, url_addresses
from .models import (
    SUBSCRIBABLE,
    Delivery,
    Dispatch,
    DispatchState,
    Event,
    EventType,
    Webhook,
)
from .selectors import webhook_changed, webhooks_wanting
from .signing import secret_new, signature_header

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
# Longer than a delivery can take (the 10 s timeout per network wait, a few waits): a second
# message for the same dispatch within it does nothing.
LEASE = dt.timedelta(seconds=60)
# Retries go on while the dispatch is younger than this (then one last try is the end).
RETRY_FOR = dt.timedelta(hours=24)
# The longest wait between two tries (the delays double from WEBHOOK_RETRY_BASE_SECONDS).
RETRY_DELAY_MAX = dt.timedelta(hours=1)
DISABLE_AFTER = dt.timedelta(days=3)
MAX_WEBHOOKS_PER_QUIZ = 20
DELIVER_TASK = "webhooks.tasks.deliver_webhook"


class WebhookRefused(ValueError):
    """The webhook cannot be made: `field` and `message` say why (api.md's 400 shape)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def events_parse(value: Any) -> list[str]:
    """The subscribed event types, in the spec's order; raises WebhookRefused."""
    allowed = [str(t.value) for t in SUBSCRIBABLE]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise WebhookRefused("events", _("Choose one or more of: %s.") % ", ".join(allowed))
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise WebhookRefused(
            "events",
            _("Unknown event %(event)s: use %(allowed)s.")
            % {"event": unknown[0], "allowed": ", ".join(allowed)},
        )
    return [t for t in allowed if t in value]


def webhook_create(*, quiz: Quiz, url: Any, events: Any, user: User | None) -> Webhook:
    """A new active webhook of `quiz` with a new secret (returned on the row, shown once);
    raises WebhookRefused for a URL that is not http(s) or points at a private address, or
    events that are not the spec's."""
    if not isinstance(url, str) or not url.strip():
        raise WebhookRefused("url", _("Enter the URL that receives the events."))
    url = url.strip()
    if len(url) > 500:
        raise WebhookRefused("url", _("The URL is longer than 500 characters."))
    try:
        url_addresses(url)
    except UrlRefused as exc:
        raise WebhookRefused("url", str(exc)) from None
    chosen = events_parse(events)
    if Webhook.objects.filter(quiz=quiz).count() >= MAX_WEBHOOKS_PER_QUIZ:
        raise WebhookRefused(
            "url", _("A quiz has at most %d webhooks: delete one first.") % MAX_WEBHOOKS_PER_QUIZ
        )
    return Webhook.objects.create(
        quiz=quiz, url=url, events=chosen, secret=secret_new(), created_by=user
    )


def webhook_delete(*, webhook: Webhook) -> None:
    """Remove a webhook, its pending deliveries and its log."""
    webhook.delete()


def webhook_activate(*, webhook: Webhook, active: bool) -> None:
    """Turn a webhook off (its pending deliveries stop) or on again (a fresh start: its
    failing days count from the next failure)."""
    webhook.active = active
    webhook.failing_since = None
    webhook.disabled_at = None if active else timezone.now()
    webhook.save(update_fields=["active", "failing_since", "disabled_at"])


def event_record(
    *, quiz_id: int, type: str, data: dict[str, Any], webhook_ids: Iterable[int] | None = None
) -> Event | None:
    """Record an event of `quiz_id` for its active webhooks subscribed to `type` (or for the
    webhooks `webhook_ids`) and enqueue their deliveries on commit; None when no webhook
    wants it.

    Safe inside the transaction of what happened: no row and no delivery if it rolls back."""
    targets = list(
        webhooks_wanting(quiz_id=quiz_id, type=type) if webhook_ids is None else webhook_ids
    )
    if not targets:
        return None
    now = timezone.now()
    event = Event.objects.create(quiz_id=quiz_id, type=type, created=now, data=data)
    dispatches = Dispatch.objects.bulk_create(
        [Dispatch(event=event, webhook_id=pk, next_at=now) for pk in targets]
    )
    for dispatch in dispatches:
        _enqueue(dispatch.pk)
    return event


def _deliver_task() -> Signature:
    # By name: webhooks.tasks imports this module.
    return signature(DELIVER_TASK)


def _enqueue(dispatch_id: int) -> None:
    transaction.on_commit(lambda: task_enqueue(_deliver_task(), dispatch_id))


def event_test_send(*, webhook: Webhook) -> Event:
    """A `test` event to this webhook alone, delivered (and retried, and logged) like the
    others."""
    data = {"message": "This is a test event from Quizbuilder."}
    event = event_record(
        quiz_id=webhook.quiz_id, type=EventType.TEST, data=data, webhook_ids=[webhook.pk]
    )
    assert event is not None
    return event


def event_body(event: Event, slug: str) -> bytes:
    """The delivery body: the same bytes on every try (the signature covers them)."""
    created = event.created.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    body = {
        "id": str(event.id),
        "type": event.type,
        "created": created,
        "quiz": slug,
        "data": event.data,
    }
    return json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def retry_delay(attempt: int) -> dt.timedelta:
    """The wait after failed try number `attempt` (1, 2, …): WEBHOOK_RETRY_BASE_SECONDS, then
    doubling, at most an hour (or the base, if it is longer)."""
    base = max(0.0, float(settings.WEBHOOK_RETRY_BASE_SECONDS))
    cap = max(base, RETRY_DELAY_MAX.total_seconds())
    return dt.timedelta(seconds=min(base * 2 ** min(attempt - 1, 30), cap))


def dispatch_claim(*, dispatch_id: int, now: dt.datetime) -> Dispatch | None:
    """Take a due, pending dispatch for one try, or None (already delivered, given up, not due,
    or being sent by another worker)."""
    claimed = (
        Dispatch.objects.filter(
            pk=dispatch_id, state=DispatchState.PENDING, next_at__lte=now + dt.timedelta(seconds=1)
        )
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE)
    )
    if not claimed:
        return None
    return Dispatch.objects.select_related("event", "webhook", "webhook__quiz").get(pk=dispatch_id)


@dataclass(frozen=True)
class Tried:
    """What a delivery task did: the logged attempt (None: nothing to do, so a redelivered
    message is harmless) and, after a failure, the seconds until the next try when the
    task should send it itself (None: delivered, given up, or left to the beat sweep)."""

    delivery: Delivery | None
    retry_in: float | None = None


def dispatch_attempt(*, dispatch_id: int) -> Tried:
    """Try one delivery of a dispatch and log it; on failure plan the next try (or give up
    after RETRY_FOR), and disable a webhook that has failed for DISABLE_AFTER."""
    dispatch = dispatch_claim(dispatch_id=dispatch_id, now=timezone.now())
    if dispatch is None:
        return Tried(None)
    webhook, event = dispatch.webhook, dispatch.event
    if not webhook.active:
        Dispatch.objects.filter(pk=dispatch.pk).update(
            state=DispatchState.GAVE_UP, lease_until=None
        )
        return Tried(None)
    answer = _send(webhook, event)
    now = timezone.now()
    attempt = dispatch.attempts + 1
    delivery = Delivery.objects.create(
        event=event,
        webhook=webhook,
        attempt=attempt,
        status_code=answer.status,
        response_ms=answer.ms,
        body=answer.body,
        error=answer.error,
        at=now,
    )
    if delivery.ok:
        Dispatch.objects.filter(pk=dispatch.pk).update(
            state=DispatchState.DELIVERED, attempts=attempt, lease_until=None
        )
        Webhook.objects.filter(pk=webhook.pk).update(last_status=answer.status, failing_since=None)
        return Tried(delivery)
    return Tried(delivery, _failed(dispatch, attempt=attempt, status=answer.status, now=now))


def _send(webhook: Webhook, event: Event) -> transport.Answer:
    try:
        addresses = url_addresses(webhook.url)
    except UrlRefused as exc:
        return transport.Answer(status=None, body="", ms=0, error=f"Refused: {exc}")
    body = event_body(event, webhook.quiz.slug)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Quizbuilder-Webhooks/1",
        "Quizbuilder-Event-Id": str(event.id),
        "Quizbuilder-Signature": signature_header(
            secret=webhook.secret, timestamp=int(timezone.now().timestamp()), body=body
        ),
    }
    return transport.post(
        webhook.url, address=addresses[0], body=body, headers=headers, timeout=TIMEOUT_SECONDS
    )


def _failed(
    dispatch: Dispatch, *, attempt: int, status: int | None, now: dt.datetime
) -> float | None:
    delay = retry_delay(attempt)
    give_up = now - dispatch.created_at >= RETRY_FOR
    Dispatch.objects.filter(pk=dispatch.pk).update(
        state=DispatchState.GAVE_UP if give_up else DispatchState.PENDING,
        attempts=attempt,
        next_at=now + delay,
        lease_until=None,
    )
    webhook = dispatch.webhook
    Webhook.objects.filter(pk=webhook.pk).update(last_status=status or 0)
    Webhook.objects.filter(pk=webhook.pk, failing_since=None).update(failing_since=now)
    since = Webhook.objects.values_list("failing_since", flat=True).get(pk=webhook.pk)
    if since is not None and now - since >= DISABLE_AFTER:
        webhook_disable_failing(webhook=webhook, now=now)
        return None
    # Short waits go through the broker's countdown (the task retries itself); longer ones
    # (a countdown past Redis' visibility timeout would be delivered twice) wait for the
    # beat sweep.
    if not give_up and delay <= COUNTDOWN_MAX:
        return delay.total_seconds()
    return None


COUNTDOWN_MAX = dt.timedelta(seconds=60)


def webhook_disable_failing(*, webhook: Webhook, now: dt.datetime) -> bool:
    """Turn off a webhook that has failed for DISABLE_AFTER and email its quiz's editors
    (once: the conditional update decides who disables it)."""
    done = Webhook.objects.filter(pk=webhook.pk, active=True).update(active=False, disabled_at=now)
    if not done:
        return False
    webhook_changed(quiz_id=webhook.quiz_id)  # an update: no post_save tells the cache
    Dispatch.objects.filter(webhook=webhook, state=DispatchState.PENDING).update(
        state=DispatchState.GAVE_UP
    )
    transaction.on_commit(lambda: _tell_editors(webhook))
    return True


def _tell_editors(webhook: Webhook) -> None:
    quiz = webhook.quiz
    ids = {quiz.owner_id, webhook.created_by_id} - {None}
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk__in=ids) | Q(pk__in=quiz.shared_with.values("pk")))
    )
    addresses = sorted({u.email for u in people if u.email})
    if not addresses:
        return
    page = settings.SITE_URL + reverse("webhooks:editor", args=[quiz.slug])
    names = {"url": webhook.url, "quiz": quiz.slug, "page": page}
    subject = _("Webhook turned off: %(url)s") % names
    body = (
        _(
            "The webhook %(url)s of the quiz %(quiz)s has failed for 3 days, so it was turned off."
            " See its delivery log and turn it on again: %(page)s"
        )
        % names
    )
    try:
        send_mail(subject, body, None, addresses)
    except Exception:  # a mail server that is down must not fail the delivery task
        logger.exception("could not email the editors of webhook %s", webhook.pk)


def dispatches_due(*, now: dt.datetime, limit: int = 500) -> list[int]:
    """Pending dispatches whose try is due and that no worker holds (the beat sweep sends
    them: long retry waits, and messages the broker lost)."""
    return list(
        Dispatch.objects.filter(state=DispatchState.PENDING, next_at__lte=now)
        .filter(Q(lease_until=None) | Q(lease_until__lt=now))
        .order_by("next_at")
        .values_list("pk", flat=True)[:limit]
    )


def result_events_delete(*, result_id: str) -> int:
    """Delete the events that carry a result's texts (its result.created body) or tell of it
    (a share, a lead, a CTA click), with their pending deliveries and their log: a visitor's
    deleted or expired result is not kept in the events either. Returns how many went."""
    count, _rows = (
        Event.objects.filter(Q(data__result__id=result_id) | Q(data__result_id=result_id))
        .exclude(type=EventType.TEST)
        .delete()
    )
    return count


def deliveries_purge(*, now: dt.datetime) -> int:
    """Delete the delivery log and the events older than WEBHOOK_LOG_DAYS; returns how many
    log rows went."""
    cutoff = now - dt.timedelta(days=settings.WEBHOOK_LOG_DAYS)
    count, _rows = Delivery.objects.filter(at__lt=cutoff).delete()
    # An old event still pending somewhere gave up long ago (RETRY_FOR): it goes too.
    Event.objects.filter(created__lt=cutoff).delete()
    return count
