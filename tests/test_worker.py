"""The card pipeline through a real `celery -A quizbuilder worker` process and a real broker.

The visitor posts a response through the API; the taking flow enqueues render_result_card
on commit; a worker consuming from the embedded filesystem broker (or from Redis) draws the
card; the visitor polls GET /api/results/<id>/ until the image is ready.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import IN_CI
from tests.workers import (
    celery_worker,
    connection_id,
    mark,
    redis_reachable,
    redis_url,
    wait_for,
)

# The worker only sees committed rows, hence transactional tests; `roles` brings back the
# groups the data migration made, which flushing the tables removes.
pytestmark = [
    pytest.mark.worker,
    pytest.mark.timeout(240),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles"),
]


@pytest.fixture
def redis_broker():
    if not redis_reachable():
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {redis_url()} (required under CI=true)")
        pytest.skip(f"Redis is not reachable at {redis_url()}")


def answers_for(definition: dict) -> dict:
    answers: dict = {}
    for q in definition["questions"]:
        answers[q["key"]] = q["choices"][0]["key"] if q.get("choices") else "Ana"
    return answers


def take_and_wait_for_the_card(publish, visitor, worker) -> dict:
    version = publish("which-morning-drink")
    slug = version.quiz.slug
    created = visitor.post(
        f"/api/quizzes/{slug}/responses/",
        {"answers": answers_for(version.definition)},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["image"]["status"] == "pending"

    def ready():
        image = visitor.get(f"/api/results/{body['id']}/").json()["image"]
        return image if image["status"] == "ready" else None

    return wait_for(ready, timeout=60, what="the card to be ready", worker=worker)


def assert_card_file(image: dict) -> None:
    assert image["url"].startswith(f"{settings.SITE_URL}/media/cards/")
    assert (image["width"], image["height"]) == (1200, 630)
    name = image["url"].removeprefix(f"{settings.SITE_URL}/media/")
    assert (Path(settings.MEDIA_ROOT) / name).stat().st_size > 1000


def test_a_worker_on_the_embedded_broker_makes_a_pending_card_ready(publish, visitor):
    with celery_worker("embedded") as worker:
        image = take_and_wait_for_the_card(publish, visitor, worker)
    assert_card_file(image)


def test_a_worker_on_redis_makes_a_pending_card_ready(redis_broker, publish, visitor):
    with celery_worker("redis") as worker:
        image = take_and_wait_for_the_card(publish, visitor, worker)
    assert_card_file(image)


def test_the_task_of_a_killed_worker_is_redelivered_to_a_new_worker_on_redis(
    redis_broker, tmp_path
):
    """acks_late + reject_on_worker_lost: a worker SIGKILLed mid-task never acks, so Redis
    keeps the message in its unacked set; a new worker restores it once the visibility
    timeout (shortened here through CELERY_TRANSPORT_OPTIONS) has passed, and runs it."""
    done = tmp_path / "slow-task"
    started = Path(f"{done}.started")
    # Longer than the task (3 s): a shorter timeout would restore the message again while the
    # second worker runs it, over and over, and starve the worker's readiness check.
    quick_restore = json.dumps(
        {"visibility_timeout": 5, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
    )
    with celery_worker("redis") as first:
        mark.delay(str(done), 3.0)
        wait_for(started.exists, timeout=30, what="the slow task to start", worker=first)
        first.kill()
    assert not done.exists()
    time.sleep(5.5)  # past the visibility timeout
    with celery_worker(
        "redis", queue=first.queue, purge=False, transport_options=quick_restore
    ) as second:
        wait_for(done.exists, timeout=60, what="the redelivered task", worker=second)
    pids = started.read_text().split()
    assert pids == [str(first.pid), str(second.pid)]
    assert done.read_text().split() == [str(second.pid)]
    assert os.path.exists(done)


def test_a_worker_keeps_its_database_connection_from_task_to_task(tmp_path):
    # Celery closes it around every task unless CELERY_DB_REUSE_MAX is set: on PostgreSQL a
    # new server process for every card (issue 14).
    path = tmp_path / "connections"
    with celery_worker("embedded") as worker:
        for _ in range(3):
            connection_id.delay(str(path))
        lines = lambda: path.exists() and len(path.read_text().split()) == 3  # noqa: E731
        wait_for(lines, timeout=60, what="three tasks", worker=worker)
    assert len(set(path.read_text().split())) == 1
