"""Delivering one event to one webhook (webhooks.services.dispatch_attempt), in this process
against a receiver on 127.0.0.1: the body and headers, the signature, retries, idempotence,
giving up, turning off a webhook that failed for 3 days, and the log's 30 days."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.factories import WebhookFactory
from tests.webhooks.receiver import http_receiver
from webhooks import services
from webhooks.models import Delivery, Dispatch, DispatchState, Event, Webhook
from webhooks.services import dispatch_attempt, event_test_send, retry_delay
from webhooks.signing import signature_header, signature_verify
from webhooks.tasks import purge_webhook_log, send_due_webhooks

pytestmark = pytest.mark.usefixtures("private_hosts")


def one_dispatch(webhook) -> Dispatch:
    event = event_test_send(webhook=webhook)
    return Dispatch.objects.get(event=event)


@pytest.mark.pure
def test_the_signature_verifies_with_the_secret_only():
    body = b'{"id": "x"}'
    header = signature_header(secret="whsec_a", timestamp=1_700_000_000, body=body)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert signature_verify(secret="whsec_a", header=header, body=body)
    assert not signature_verify(secret="whsec_b", header=header, body=body)
    assert not signature_verify(secret="whsec_a", header=header, body=body + b" ")
    assert not signature_verify(secret="whsec_a", header=header.replace("t=17", "t=18"), body=body)


def test_a_delivery_posts_the_signed_event(db):
    with http_receiver() as receiver:
        webhook = WebhookFactory(url=receiver.url)
        dispatch = one_dispatch(webhook)
        delivery = dispatch_attempt(dispatch_id=dispatch.pk).delivery
    assert delivery is not None and delivery.ok
    assert (delivery.status_code, delivery.attempt, delivery.body) == (200, 1, "thanks")
    assert delivery.response_ms is not None and delivery.error == ""
    [got] = receiver.received
    event = Event.objects.get()
    assert got.path == "/hook"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Quizbuilder-Event-Id"] == str(event.id)
    assert signature_verify(
        secret=webhook.secret, header=got.headers["Quizbuilder-Signature"], body=got.body
    )
    body = json.loads(got.body)
    assert body == {
        "id": str(event.id),
        "type": "test",
        "created": event.created.isoformat().replace("+00:00", "Z"),
        "quiz": webhook.quiz.slug,
        "data": {"message": "This is a test event from Quizbuilder."},
    }
    dispatch.refresh_from_db()
    webhook.refresh_from_db()
    assert (dispatch.state, dispatch.attempts) == (DispatchState.DELIVERED, 1)
    assert (webhook.last_status, webhook.failing_since) == (200, None)


def test_the_log_keeps_the_first_kb_of_the_answer_as_text(db):
    with http_receiver() as receiver:
        receiver.answer = b"\x00\xff" + b"a" * 5000
        dispatch = one_dispatch(WebhookFactory(url=receiver.url))
        delivery = dispatch_attempt(dispatch_id=dispatch.pk).delivery
    assert delivery is not None
    delivery.refresh_from_db()
    assert delivery.body == "\ufffd\ufffd" + "a" * 1022


def test_a_redelivery_after_success_does_nothing(db):
    with http_receiver() as receiver:
        dispatch = one_dispatch(WebhookFactory(url=receiver.url))
        assert dispatch_attempt(dispatch_id=dispatch.pk).delivery is not None
        assert dispatch_attempt(dispatch_id=dispatch.pk).delivery is None
    assert len(receiver.received) == 1
    assert Delivery.objects.count() == 1


def test_a_dispatch_being_sent_is_not_sent_twice(db):
    with http_receiver() as receiver:
        dispatch = one_dispatch(WebhookFactory(url=receiver.url))
        now = timezone.now()
        assert services.dispatch_claim(dispatch_id=dispatch.pk, now=now) is not None
        # A second message for it while the first worker holds it.
        assert dispatch_attempt(dispatch_id=dispatch.pk).delivery is None
    assert receiver.received == []


def test_a_failed_delivery_is_retried_later_with_the_same_id_and_body(db, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    with http_receiver(fail_first=1) as receiver:
        webhook = WebhookFactory(url=receiver.url)
        dispatch = one_dispatch(webhook)
        tried = dispatch_attempt(dispatch_id=dispatch.pk)
        assert tried.retry_in == 10  # the task retries itself in 10 s
        first = tried.delivery
        assert first is not None and (first.status_code, first.body) == (500, "not yet")
        dispatch.refresh_from_db()
        assert (dispatch.state, dispatch.attempts) == (DispatchState.PENDING, 1)
        wait = dispatch.next_at - first.at
        assert dt.timedelta(seconds=9.9) < wait < dt.timedelta(seconds=10.1)
        assert dispatch_attempt(dispatch_id=dispatch.pk).delivery is None  # not due yet
        Dispatch.objects.filter(pk=dispatch.pk).update(next_at=timezone.now())
        second = dispatch_attempt(dispatch_id=dispatch.pk).delivery
    assert second is not None and (second.status_code, second.attempt) == (200, 2)
    a, b = receiver.received
    assert a.body == b.body
    assert a.headers["Quizbuilder-Event-Id"] == b.headers["Quizbuilder-Event-Id"]
    webhook.refresh_from_db()
    assert (webhook.last_status, webhook.failing_since) == (200, None)


def test_a_long_wait_is_left_to_the_sweep(db, settings):
    # A countdown past Redis' visibility timeout would be delivered twice.
    settings.WEBHOOK_RETRY_BASE_SECONDS = 120
    with http_receiver(fail_first=1) as receiver:
        dispatch = one_dispatch(WebhookFactory(url=receiver.url))
        tried = dispatch_attempt(dispatch_id=dispatch.pk)
    assert tried.delivery is not None and tried.retry_in is None
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.PENDING
    assert dispatch.next_at - tried.delivery.at == dt.timedelta(seconds=120)


def test_the_retry_delays_grow_and_last_past_a_day(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    delays = [retry_delay(n).total_seconds() for n in range(1, 40)]
    assert delays[:4] == [10, 20, 40, 80]
    assert delays == sorted(delays) and max(delays) == 3600
    # Tries go on while the dispatch is younger than RETRY_FOR (24 h).
    assert dt.timedelta(hours=24) == services.RETRY_FOR


def test_a_receiver_that_does_not_answer_in_time_is_a_failure(db, monkeypatch):
    monkeypatch.setattr(services, "TIMEOUT_SECONDS", 0.3)
    with http_receiver(sleep=1.0) as receiver:
        dispatch = one_dispatch(WebhookFactory(url=receiver.url))
        delivery = dispatch_attempt(dispatch_id=dispatch.pk).delivery
    assert delivery is not None and delivery.status_code is None
    assert delivery.error == "TimeoutError: timed out"


def test_a_closed_port_is_logged_as_an_error(db):
    with http_receiver() as receiver:
        url = receiver.url
    dispatch = one_dispatch(WebhookFactory(url=url))
    delivery = dispatch_attempt(dispatch_id=dispatch.pk).delivery
    assert delivery is not None and delivery.error.startswith("ConnectionRefusedError")
    assert Webhook.objects.get().last_status == 0


def test_a_day_of_failures_gives_up_the_event(db):
    with http_receiver(fail_first=99) as receiver:
        dispatch = one_dispatch(WebhookFactory(url=receiver.url))
        Dispatch.objects.filter(pk=dispatch.pk).update(
            created_at=timezone.now() - dt.timedelta(hours=24, minutes=1)
        )
        dispatch_attempt(dispatch_id=dispatch.pk)
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.GAVE_UP


def test_three_days_of_failures_turn_the_webhook_off_and_tell_its_editors(
    db, mailoutbox, django_capture_on_commit_callbacks, editor
):
    with http_receiver(fail_first=99) as receiver:
        webhook = WebhookFactory(url=receiver.url)
        webhook.quiz.owner = editor
        webhook.quiz.save(update_fields=["owner"])
        Webhook.objects.filter(pk=webhook.pk).update(
            failing_since=timezone.now() - dt.timedelta(days=3, minutes=1)
        )
        dispatch = one_dispatch(webhook)
        other = one_dispatch(webhook)
        with django_capture_on_commit_callbacks(execute=True):
            dispatch_attempt(dispatch_id=dispatch.pk)
    webhook.refresh_from_db()
    assert webhook.active is False and webhook.disabled_at is not None
    assert Dispatch.objects.get(pk=other.pk).state == DispatchState.GAVE_UP
    [mail] = mailoutbox
    assert mail.to == [editor.email]
    assert mail.subject == f"Webhook turned off: {receiver.url}"
    assert f"/editor/quizzes/{webhook.quiz.slug}/webhooks/" in mail.body


def test_a_turned_off_webhook_is_not_called(db):
    with http_receiver() as receiver:
        webhook = WebhookFactory(url=receiver.url)
        dispatch = one_dispatch(webhook)
        services.webhook_activate(webhook=webhook, active=False)
        assert dispatch_attempt(dispatch_id=dispatch.pk).delivery is None
    assert receiver.received == []
    assert Dispatch.objects.get().state == DispatchState.GAVE_UP


def test_the_sweep_sends_the_due_retries(db, monkeypatch):
    webhook = WebhookFactory()
    due, later, done = one_dispatch(webhook), one_dispatch(webhook), one_dispatch(webhook)
    now = timezone.now()
    Dispatch.objects.filter(pk=later.pk).update(next_at=now + dt.timedelta(minutes=5))
    Dispatch.objects.filter(pk=done.pk).update(state=DispatchState.DELIVERED)
    sent = []
    monkeypatch.setattr("webhooks.tasks.task_enqueue", lambda task, *args: sent.append(args))
    assert send_due_webhooks() == 1
    assert sent == [(due.pk,)]


def test_the_log_is_kept_for_30_days(db):
    webhook = WebhookFactory()
    dispatch = one_dispatch(webhook)
    now = timezone.now()
    for days in (29, 31):
        Delivery.objects.create(
            event=dispatch.event, webhook=webhook, attempt=1, status_code=200,
            at=now - dt.timedelta(days=days),
        )  # fmt: skip
    assert purge_webhook_log() == 1
    assert [d.at.date() for d in Delivery.objects.all()] == [(now - dt.timedelta(days=29)).date()]
