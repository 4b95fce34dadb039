"""Which webhooks want a completion is kept in the shared cache (webhooks.selectors), and a
change to a quiz's webhooks takes effect at once: the very next completion is told to the
webhooks as they are now, whichever way they were changed. On this test's own Redis in both
suite runs (SQLite and PostgreSQL), as production keeps it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import own_redis_server
from tests.factories import WebhookFactory
from tests.quizzes.helpers import client_for
from tests.sharing.conftest import complete
from tests.workers import RedisServer
from webhooks import selectors
from webhooks.models import Dispatch, Event, Webhook
from webhooks.services import webhook_disable_failing

from .test_api import URL as API_URL
from .test_api import call, create
from .test_studio import action

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory) -> Iterator[RedisServer]:
    """One redis-server for the module (tests/conftest.py's `own_redis` is one a test)."""
    with own_redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(autouse=True)
def shared_cache(redis_cache: RedisServer, resolver) -> RedisServer:
    """settings.py's cache on this module's own Redis; hooks.example.com resolves."""
    resolver({"hooks.example.com": "93.184.215.14", "127.0.0.1": "127.0.0.1"})  # and Redis
    cache.clear()  # the module's Redis outlives each test
    return redis_cache


def told(webhook_id: int) -> int:
    """How many result.created events the webhook was given."""
    return Dispatch.objects.filter(webhook_id=webhook_id, event__type="result.created").count()


def webhook_reads(client: Client) -> int:
    """Complete the quiz; how many times the completion read the webhooks table."""
    with CaptureQueriesContext(connection) as queries:
        complete(client)
    return sum("webhooks_webhook" in q["sql"] for q in queries.captured_queries)


def test_a_completion_reads_no_webhook_once_the_answer_is_kept(quiz):
    assert webhook_reads(Client()) == 1
    assert webhook_reads(Client()) == 0
    assert webhook_reads(Client()) == 0
    assert Event.objects.count() == 0  # nobody asked for them


def test_a_webhook_added_through_the_api_hears_of_the_very_next_completion(
    quiz, token, enqueued, django_capture_on_commit_callbacks
):
    complete(Client())  # the quiz has no webhook: that answer is kept
    with django_capture_on_commit_callbacks(execute=True):
        assert create(token).status_code == 201
    webhook = Webhook.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        body = complete(Client())
    assert told(webhook.pk) == 1
    assert Event.objects.get().data["result"]["id"] == body["id"]
    assert webhook_reads(Client()) == 1  # the change's mark: read until it expires
    assert told(webhook.pk) == 2


def test_a_webhook_turned_off_and_on_in_the_studio_takes_effect_at_once(quiz, editor, enqueued):
    webhook = WebhookFactory(quiz=quiz, events=["result.created"])
    other = WebhookFactory(quiz=quiz, events=["result.created"])
    complete(Client())
    assert (told(webhook.pk), told(other.pk)) == (1, 1)
    studio = client_for(editor)

    assert studio.post(action(webhook, "disable")).status_code == 302
    complete(Client())
    assert (told(webhook.pk), told(other.pk)) == (1, 2)

    assert studio.post(action(webhook, "enable")).status_code == 302
    complete(Client())
    assert (told(webhook.pk), told(other.pk)) == (2, 3)


def test_a_webhook_deleted_through_the_api_hears_of_no_more_completions(quiz, token, enqueued):
    webhook = WebhookFactory(quiz=quiz, events=["result.created"])
    complete(Client())
    assert told(webhook.pk) == 1
    assert call("delete", f"/api/webhooks/{webhook.pk}/", token).status_code == 204
    complete(Client())
    assert Event.objects.count() == 1
    assert call("get", API_URL, token).json() == {"webhooks": []}


def test_a_webhook_turned_off_for_failing_hears_of_no_more_completions(quiz, enqueued):
    webhook = WebhookFactory(quiz=quiz, events=["result.created"])
    complete(Client())
    assert webhook_disable_failing(webhook=webhook, now=timezone.now())
    complete(Client())
    assert told(webhook.pk) == 1


def test_another_event_type_or_quiz_does_not_count(quiz, publish, enqueued):
    WebhookFactory(quiz=quiz, events=["share.created"])
    WebhookFactory(quiz=publish("solar-system-trivia").quiz, events=["result.created"])
    complete(Client())
    assert Event.objects.count() == 0


def test_what_a_completion_read_before_a_change_is_not_kept_after_it(quiz, monkeypatch):
    # A completion reads the rows (none yet), a webhook is made and commits, and only then
    # does the completion try to keep what it read: the change's mark wins.
    read = selectors._active_rows

    def read_then_change(quiz_id):
        rows = read(quiz_id)
        WebhookFactory(quiz=quiz, events=["result.created"])
        return rows

    monkeypatch.setattr(selectors, "_active_rows", read_then_change)
    assert selectors.webhooks_wanting(quiz_id=quiz.pk, type="result.created") == []
    monkeypatch.setattr(selectors, "_active_rows", read)
    webhook = Webhook.objects.get()
    assert selectors.webhooks_wanting(quiz_id=quiz.pk, type="result.created") == [webhook.pk]


def test_with_redis_down_completions_still_reach_the_webhooks(quiz, enqueued, shared_cache):
    complete(Client())  # no webhook: kept in Redis, which keeps it across a restart
    shared_cache.stop()
    webhook = WebhookFactory(quiz=quiz, events=["result.created"])
    complete(Client())
    assert told(webhook.pk) == 1
    shared_cache.start()
    time.sleep(0.4)  # past RETRY_SECONDS (0.3, redis_cache): the cache tries Redis again
    # The delete missed during the outage is sent before anything is read again.
    complete(Client())
    assert told(webhook.pk) == 2
