"""Webhook deliveries have a Celery queue of their own (settings.CELERY_TASK_ROUTES), so a
backlog of slow receivers never delays card rendering; every worker we start consumes both
queues (tests/webhooks/test_worker.py delivers through one)."""

from __future__ import annotations

from celery import Celery

from quizzes.management.commands.serve import worker_queues
from tests.workers import app_broker, webhooks_queue


def _queue_of(app: Celery, task: str) -> str:
    return str(app.amqp.router.route({}, task)["queue"].name)


def test_webhook_tasks_go_to_the_webhooks_queue_and_cards_to_the_default_one():
    # Not set as the current app: shared tasks (ping, the cards) would otherwise publish
    # through this one, on the settings' broker, in every test after this one.
    app = Celery("routing-check", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")

    assert _queue_of(app, "webhooks.tasks.deliver_webhook") == "webhooks"
    assert _queue_of(app, "webhooks.tasks.send_due_webhooks") == "webhooks"
    assert _queue_of(app, "sharing.tasks.render_result_card") == "celery"
    # A worker started without --queues consumes both.
    assert [q.name for q in app.amqp.queues.consume_from.values()] == ["celery", "webhooks"]


def test_the_development_worker_consumes_both_queues():
    assert worker_queues() == "celery,webhooks"


def test_a_test_worker_s_webhooks_go_to_its_own_webhooks_queue():
    from quizbuilder.celery import app

    with app_broker("embedded", "test-routing"):
        assert _queue_of(app, "webhooks.tasks.deliver_webhook") == "test-routing-webhooks"
        assert _queue_of(app, "sharing.tasks.render_result_card") == "test-routing"
    assert webhooks_queue("celery") == "webhooks"
