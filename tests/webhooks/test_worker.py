"""Webhooks through a real `celery -A quizbuilder worker` process (issue 13's "Done when"):
a receiver on 127.0.0.1 that fails the first two deliveries gets the event on the third try
with the same id and a signature that verifies; the delivery log shows the 3 tries; a slow
receiver does not delay another webhook's delivery."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from tests.conftest import IN_CI
from tests.factories import WebhookFactory
from tests.quizzes.helpers import client_for
from tests.sharing.conftest import complete
from tests.webhooks.receiver import http_receiver
from tests.workers import celery_worker, redis_reachable, redis_url, wait_for
from webhooks.models import Delivery, Event
from webhooks.signing import signature_verify

pytestmark = [
    pytest.mark.worker,
    pytest.mark.timeout(240),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles", "private_hosts"),
]
# The worker's settings: a receiver on this machine, and retries 1 s then 2 s apart.
WORKER_ENV = {"WEBHOOK_ALLOW_PRIVATE_HOSTS": "true", "WEBHOOK_RETRY_BASE_SECONDS": "1"}


@pytest.mark.parametrize("broker", ["embedded", "redis"])
def test_a_result_arrives_on_the_third_try_with_the_same_id_signed(broker, quiz, editor):
    if broker == "redis" and not redis_reachable():
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {redis_url()} (required under CI=true)")
        pytest.skip(f"Redis is not reachable at {redis_url()}")
    with http_receiver(fail_first=2) as receiver, celery_worker(broker, env=WORKER_ENV) as w:
        webhook = WebhookFactory(quiz=quiz, url=receiver.url, events=["result.created"])
        result = complete(Client())
        wait_for(
            lambda: Delivery.objects.filter(status_code=200).exists(),
            timeout=60,
            what="the third delivery",
            worker=w,
        )
    assert len(receiver.received) == 3
    event = Event.objects.get()
    ids = {r.headers["Quizbuilder-Event-Id"] for r in receiver.received}
    assert ids == {str(event.id)}
    assert len({r.body for r in receiver.received}) == 1  # the same body every time
    third = receiver.received[2]
    assert signature_verify(
        secret=webhook.secret, header=third.headers["Quizbuilder-Signature"], body=third.body
    )
    body = json.loads(third.body)
    assert (body["id"], body["type"], body["quiz"]) == (str(event.id), "result.created", quiz.slug)
    assert body["data"]["result"]["id"] == result["id"]
    # Growing waits: about 1 s, then about 2 s.
    first_wait = receiver.received[1].at - receiver.received[0].at
    second_wait = receiver.received[2].at - receiver.received[1].at
    assert 0.9 < first_wait < second_wait
    log = list(Delivery.objects.order_by("attempt").values_list("attempt", "status_code"))
    assert log == [(1, 500), (2, 500), (3, 200)]
    page = client_for(editor).get(f"/editor/quizzes/{quiz.slug}/webhooks/").content.decode()
    assert page.count(f'data-event="{event.id}"') == 3


def test_a_slow_receiver_does_not_delay_another_webhook(quiz):
    with (
        http_receiver(sleep=5.0) as slow,
        http_receiver() as quick,
        # Three pool processes: the card render, the slow delivery and the quick one.
        celery_worker("embedded", pool="prefork", concurrency=3, env=WORKER_ENV) as w,
    ):
        WebhookFactory(quiz=quiz, url=slow.url, events=["result.created"])
        WebhookFactory(quiz=quiz, url=quick.url, events=["result.created"])
        started = time.monotonic()
        complete(Client())
        answered = time.monotonic() - started
        wait_for(lambda: quick.received, timeout=30, what="the quick delivery", worker=w)
        wait_for(lambda: slow.received, timeout=30, what="the slow delivery", worker=w)
        quick_at = quick.received[0].at
        # The quick one got its event while the slow one was still sleeping on its own.
        assert slow.received[0].answered_at == 0.0 or quick_at < slow.received[0].answered_at
        assert quick_at - started < 4.0
        wait_for(
            lambda: Delivery.objects.filter(status_code=200).count() == 2,
            timeout=30,
            what="both deliveries logged",
            worker=w,
        )
    assert answered < 4.0  # the visitor never waited for the 5 s receiver
