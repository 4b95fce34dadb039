"""Cards under faults, with real worker processes on the embedded broker and on Redis:
the broker unwritable, a result deleted while its card is drawn, storage unwritable, the
worker SIGKILLed. Each test ends with the card in the state a visitor would expect.

The slow render is the `QB_TEST_CARD_GATE` hook of tests/workers.py (loaded only by test
workers): the worker's card renderer waits until the gate file exists.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from quizzes.models import Result
from sharing.models import ResultCard, VersionCard
from sharing.tasks import rerender_stale_cards
from tests.conftest import IN_CI
from tests.factories import ResultFactory, card_of
from tests.workers import (
    CARD_GATE_ENV,
    CARD_RETRIES_ENV,
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
RENDER_DONE = re.compile(r"render_result_card\[[^\]]+\] succeeded")
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


def take(version, visitor) -> dict:
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
        version = publish(SLUG)
        with broker_unwritable(broker, tmp_path):
            body = take(version, visitor)
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


# --- finding 8: a result deleted while its card is drawn --------------------------------------


def test_a_card_drawn_for_a_result_deleted_meanwhile_is_not_kept(
    broker, publish, visitor, tmp_path
):
    gate = tmp_path / "gate"
    started = Path(f"{gate}.started")
    version = publish(SLUG)  # before the worker starts: its fallback card is not drawn
    before = card_files()
    with celery_worker(broker, env={CARD_GATE_ENV: str(gate)}) as worker:
        body = take(version, visitor)
        wait_for(started.exists, timeout=60, what="the card render to start", worker=worker)
        assert visitor.post(f"/r/{body['id']}/delete/").status_code == 302
        gate.touch()
        wait_for(
            lambda: RENDER_DONE.search(worker.log()),
            timeout=60,
            what="the render task to end",
            worker=worker,
        )
    result = Result.objects.get(pk=body["id"])
    card = card_of(result)
    assert (card.name, card.square_name, result.card_text, card.status) == ("", "", {}, "pending")
    # Neither the square card (name and QR) nor the og card (name) is left in storage.
    assert card_files() == before
    assert visitor.get(f"/api/results/{body['id']}/").status_code == 410


def test_the_hourly_sweep_removes_only_old_card_files_nothing_refers_to(publish):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from sharing.tasks import sweep_orphan_cards

    version = publish(SLUG)
    live = Result.objects.create(
        quiz=version.quiz, version=version, visitor="v-1", take="t-1", outcome_key="latte",
        title="Latte",
    )  # fmt: skip
    ResultCard.objects.create(result=live, name="cards/og.png", square_name="cards/square.png")
    deleted = Result.objects.create(
        quiz=version.quiz, version=version, visitor="v-2", take="t-2", outcome_key="latte",
        title="", deleted_at=timezone.now(),
    )  # fmt: skip
    ResultCard.objects.create(result=deleted, name="cards/deleted.png")
    VersionCard.objects.create(version=version, name="cards/fallback.png")
    names = ["og", "square", "fallback", "deleted", "orphan", "fresh-orphan"]
    for name in names:
        default_storage.save(f"cards/{name}.png", ContentFile(b"png"))
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    for name in names[:-1]:
        path = Path(settings.MEDIA_ROOT) / f"cards/{name}.png"
        os.utime(path, (two_hours_ago, two_hours_ago))

    assert sweep_orphan_cards() == 2

    assert card_files() >= {"og.png", "square.png", "fallback.png", "fresh-orphan.png"}
    assert not card_files() & {"deleted.png", "orphan.png"}
    assert sweep_orphan_cards() == 0


# --- finding 9: storage unwritable; failed cards are retried with backoff ---------------------


@contextmanager
def storage_unwritable() -> Iterator[None]:
    """For the block, no card can be written: the cards folder is a regular file (so even root
    cannot create a file in it), as when the media volume is gone or read-only."""
    folder = Path(settings.MEDIA_ROOT) / "cards"
    aside = folder.with_name("cards-aside")
    if folder.exists():
        folder.rename(aside)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("")
    try:
        yield
    finally:
        folder.unlink()
        if aside.exists():
            aside.rename(folder)


def status_of(visitor, result_id: str) -> str:
    return image_of(visitor, result_id)["status"]


def test_a_card_failed_during_a_storage_outage_is_drawn_by_the_retry_job_once_it_ends(
    broker, publish, visitor
):
    version = publish(SLUG)
    # No quick in-task retries: the run fails at once, as it would after them.
    with celery_worker(broker, env={CARD_RETRIES_ENV: "0"}) as worker:
        with storage_unwritable():
            body = take(version, visitor)
            wait_for(
                lambda: status_of(visitor, body["id"]) == "failed",
                timeout=30, what="the card to fail", worker=worker,
            )  # fmt: skip
            failed = Result.objects.get(pk=body["id"])
            assert card_of(failed).attempts == 1
            assert card_of(failed).error.startswith(("NotADirectoryError", "FileExistsError"))
            delay = card_of(failed).retry_at - timezone.now()
            assert timedelta(seconds=30) < delay <= timedelta(minutes=1)
            assert rerender_stale_cards() == 0  # not before its retry time
        # The storage is back; a minute later the periodic job sends it again, once.
        ResultCard.objects.update_or_create(
            result_id=body["id"], defaults={"retry_at": timezone.now()}
        )
        assert rerender_stale_cards() == 1
        assert rerender_stale_cards() == 0  # claimed: the next run does not send it twice
        image = wait_ready(visitor, body["id"], worker)
    assert image["url"].startswith(f"{settings.SITE_URL}/media/cards/")
    ready = Result.objects.get(pk=body["id"])
    assert (card_of(ready).status, card_of(ready).error, card_of(ready).retry_at) == (
        "ready",
        "",
        None,
    )


def test_a_version_card_failed_during_a_storage_outage_is_drawn_by_the_retry_job_once_it_ends(
    broker, publish, visitor
):
    def version_card(status: str) -> VersionCard | None:
        return VersionCard.objects.filter(version=version, status=status).first()

    with celery_worker(broker, env={CARD_RETRIES_ENV: "0"}) as worker:
        with storage_unwritable():
            version = publish(SLUG)  # its card is sent to the worker once the publish commits
            failed = wait_for(lambda: version_card("failed"), timeout=30,
                              what="the version card to fail", worker=worker)  # fmt: skip
            assert (failed.name, failed.attempts) == ("", 1)
            assert failed.error.startswith(("NotADirectoryError", "FileExistsError"))
            delay = failed.retry_at - timezone.now()
            assert timedelta(seconds=30) < delay <= timedelta(minutes=1)
            page = visitor.get(f"/q/{SLUG}/")
            assert page.status_code == 200
            assert 'content="http://testserver/static/img/share-card.png"' in page.content.decode()
            assert rerender_stale_cards() == 0  # not before its retry time
        # The storage is back; a minute later the periodic job sends it again, once.
        VersionCard.objects.filter(version=version).update(retry_at=timezone.now())
        assert rerender_stale_cards() == 1
        assert rerender_stale_cards() == 0  # claimed: the next run does not send it twice
        drawn = wait_for(lambda: version_card("ready"), timeout=90,
                         what="the version card to be drawn", worker=worker)  # fmt: skip
    assert drawn.name.startswith("cards/") and drawn.name.split("/")[1] in card_files()
    assert (drawn.error, drawn.retry_at) == ("", None)


def test_failed_cards_back_off_and_stay_failed_after_the_last_attempt(publish, settings):
    from sharing.cards.jobs import CARD_RETRY_BACKOFF, result_card_fail

    settings.CARD_RETRY_MAX_ATTEMPTS = 3
    version = publish(SLUG)
    result = ResultFactory(version=version, outcome_key="latte")
    delays = []
    for _ in range(3):
        before = timezone.now()
        assert result_card_fail(result_id=result.pk, error="OSError: [Errno 30] Read-only")
        result.refresh_from_db()
        delays.append(card_of(result).retry_at and (card_of(result).retry_at - before))
    assert [d and round(d.total_seconds() / 60) for d in delays] == [1, 5, None]
    assert CARD_RETRY_BACKOFF[:2] == (timedelta(minutes=1), timedelta(minutes=5))
    assert (card_of(result).status, card_of(result).attempts) == ("failed", 3)
    assert card_of(result).error == "OSError: [Errno 30] Read-only"
    assert rerender_stale_cards() == 0  # no tries left: it stays failed, with its error


# --- finding 9: a whole worker SIGKILLed mid-render ---------------------------------------------

LIMITS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps([settings.CELERY_TASK_TIME_LIMIT, settings.CELERY_TASK_SOFT_TIME_LIMIT,
                  settings.CELERY_BROKER_TRANSPORT_OPTIONS]))
"""


def test_redis_hands_a_dead_workers_task_on_minutes_after_the_longest_task_not_an_hour(tmp_path):
    from tests.test_settings import run_django

    shown = run_django(LIMITS, tmp_path, REDIS_URL="redis://127.0.0.1:6379/0", DJANGO_DEBUG="true")
    assert shown.returncode == 0, shown.stderr
    limit, soft, options = json.loads(shown.stdout)
    assert (limit, soft) == (120, 110)
    # The task limit + the longest retry countdown (60 s) + 2 minutes of margin.
    assert options["visibility_timeout"] == 300
    assert options["unacked_restore_interval"] * options["unacked_restore_throttle"] == 10


def test_a_card_whose_worker_was_sigkilled_mid_render_ends_ready_on_a_new_worker(
    broker, publish, visitor, tmp_path
):
    gate = tmp_path / "gate"
    started = Path(f"{gate}.started")
    version = publish(SLUG)
    # A visibility timeout of seconds, not minutes, so Redis hands the message on quickly.
    fast = {"visibility_timeout": 2, "unacked_restore_interval": 1}
    options = json.dumps(fast) if broker == "redis" else ""
    with celery_worker(broker, env={CARD_GATE_ENV: str(gate)}, transport_options=options) as first:
        body = take(version, visitor)
        wait_for(started.exists, timeout=60, what="the card render to start", worker=first)
        first.kill()  # the whole worker: no warm shutdown, no ack, no requeue
        queue = first.queue
    gate.touch()
    assert status_of(visitor, body["id"]) == "pending"
    with celery_worker(broker, queue=queue, purge=False, transport_options=options) as second:
        if broker == "embedded":
            # The embedded broker drops a message when a worker takes it: the periodic job
            # finds the card still pending after five minutes and sends it again.
            make_stale(body["id"])
            assert rerender_stale_cards() == 1
        image = wait_ready(visitor, body["id"], second)
    assert image["url"].startswith(f"{settings.SITE_URL}/media/cards/")


def test_a_stuck_render_is_stopped_by_the_task_time_limit_and_retried_later(
    publish, visitor, tmp_path, monkeypatch
):
    from sharing.tasks import render_result_card

    gate = tmp_path / "gate"  # never opened: the render hangs, like a hung storage call
    version = publish(SLUG)
    assert (render_result_card.time_limit, render_result_card.soft_time_limit) == (120, 110)
    # The sender puts the task's limits in the message; 3 s (soft 1 s) instead of 120 s.
    monkeypatch.setattr(render_result_card, "time_limit", 3)
    monkeypatch.setattr(render_result_card, "soft_time_limit", 1)
    monkeypatch.setattr(render_result_card, "_exec_options", None)  # Celery caches them
    env = {CARD_GATE_ENV: str(gate), CARD_RETRIES_ENV: "0", "CELERY_TASK_TIME_LIMIT": "3"}
    # Time limits need a pool process to interrupt (prefork, as in production).
    with celery_worker("embedded", pool="prefork", env=env) as worker:
        body = take(version, visitor)
        wait_for(
            lambda: status_of(visitor, body["id"]) == "failed",
            timeout=30, what="the time limit to stop the render", worker=worker,
        )  # fmt: skip
    failed = Result.objects.get(pk=body["id"])
    assert card_of(failed).error.startswith(("SoftTimeLimitExceeded", "TimeLimitExceeded"))
    assert (card_of(failed).attempts, card_of(failed).retry_at is not None) == (1, True)


def test_a_card_drawn_while_the_answers_are_purged_is_drawn_again_without_the_name(
    broker, publish, visitor, tmp_path
):
    from quizzes.tasks import purge_expired_answers
    from sharing.cards.inputs import result_card_spec

    gate = tmp_path / "gate"
    started = Path(f"{gate}.started")
    version = publish(SLUG)  # before the worker starts: its fallback card is not drawn
    with celery_worker(broker, env={CARD_GATE_ENV: str(gate)}) as worker:
        body = take(version, visitor)
        wait_for(started.exists, timeout=60, what="the card render to start", worker=worker)
        Result.objects.filter(pk=body["id"]).update(answers_expire_at=timezone.now())
        assert purge_expired_answers() == 1  # it sends a new render of the kept texts
        gate.touch()
        image = wait_ready(visitor, body["id"], worker)
        # The square card is drawn behind the og card (sharing.tasks.render_square_card).
        wait_for(lambda: card_of(Result.objects.get(pk=body["id"])).square_name, timeout=60,
                 what="the square card", worker=worker)  # fmt: skip
    result = Result.objects.get(pk=body["id"])
    assert "name" not in result.card_text
    assert result_card_spec(result=result).name == ""
    # Only the cards drawn from the kept texts are in storage, none drawn with the name.
    square = card_of(result).square_name
    assert card_files() == {Path(card_of(result).name).name, Path(square).name}
    assert image["url"].endswith(card_of(result).name)
