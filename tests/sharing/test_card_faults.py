"""Cards under faults, with real worker processes on the embedded broker and on Redis:
the broker unwritable, a result deleted while its card is drawn, storage unwritable, the
worker SIGKILLed. Each test ends with the card in the state a visitor would expect.

The slow render is the `QB_TEST_CARD_GATE` hook of tests/workers.py (loaded only by test
workers): the worker's card renderer waits until the gate file exists.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from quizzes.models import Result
from sharing.tasks import rerender_stale_cards
from tests.conftest import IN_CI
from tests.workers import (
    _reset_app,
    celery_worker,
    redis_reachable,
    redis_url,
    wait_for,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.timeout(240),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles"),
]

SLUG = "which-morning-drink"
BROKERS = ["embedded", "redis"]


@pytest.fixture(params=BROKERS)
def broker(request) -> str:
    if request.param == "redis" and not redis_reachable():
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {redis_url()} (required under CI=true)")
        pytest.skip(f"Redis is not reachable at {redis_url()}")
    return request.param


def answers_for(definition: dict, name: str = "Ana") -> dict:
    answers: dict = {}
    for q in definition["questions"]:
        answers[q["key"]] = q["choices"][0]["key"] if q.get("choices") else name
    return answers


def take(publish, visitor) -> dict:
    version = publish(SLUG)
    created = visitor.post(
        f"/api/quizzes/{SLUG}/responses/",
        {"answers": answers_for(version.definition)},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    return created.json()


def image_of(visitor, result_id: str) -> dict:
    return visitor.get(f"/api/results/{result_id}/").json()["image"]


def wait_ready(visitor, result_id: str, worker) -> dict:
    def ready():
        image = image_of(visitor, result_id)
        return image if image["status"] == "ready" else None

    return wait_for(ready, timeout=90, what="the card to be ready", worker=worker)


def make_stale(result_id: str) -> None:
    """Age the result past the stale job's threshold, as if minutes had passed."""
    Result.objects.filter(pk=result_id).update(created_at=timezone.now() - timedelta(minutes=6))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def broker_unwritable(broker: str, tmp_path: Path) -> Iterator[None]:
    """For the block, this process' Celery app cannot publish: the embedded broker's folders
    lie under a regular file (so even root cannot write there), or Redis is a closed port."""
    from quizbuilder.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "broker_transport_options")}
    _reset_app(app)
    if broker == "embedded":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        options = dict(saved["broker_transport_options"])
        for key in ("data_folder_in", "data_folder_out", "processed_folder"):
            options[key] = str(blocker / "in")
        app.conf.update(broker_transport_options=options)
    else:
        app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0")
    try:
        yield
    finally:
        _reset_app(app)
        app.conf.update(saved)


def card_files() -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "cards"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


# --- finding 4: the broker unwritable ---------------------------------------------------------


def test_a_response_is_saved_and_answered_201_when_the_broker_is_unwritable(
    broker, publish, visitor, tmp_path
):
    with celery_worker(broker) as worker:
        publish(SLUG)
        with broker_unwritable(broker, tmp_path):
            body = take(publish, visitor)
        assert body["image"]["status"] == "pending"
        assert Result.objects.filter(quiz__slug=SLUG).count() == 1
        # The broker is back; the periodic job finds the pending card and a worker draws it.
        make_stale(body["id"])
        assert rerender_stale_cards() == 1
        image = wait_ready(visitor, body["id"], worker)
    assert image["url"].startswith(f"{settings.SITE_URL}/media/cards/")
    assert Result.objects.filter(quiz__slug=SLUG).count() == 1


def test_publishing_is_not_refused_when_the_broker_is_unwritable(broker, publish, tmp_path):
    with broker_unwritable(broker, tmp_path):
        version = publish(SLUG)
    assert version.status == "published"
    json.dumps(version.definition)  # the version is whole
