"""A Redis outage degrades the site, never breaks it (issue 9, finding 2).

Each test runs its own `redis-server` on a free port (tests/conftest.py `own_redis`), stops it
with SIGKILL in the middle of the flow and starts it again on the same port, so both suite runs
(SQLite + embedded broker, PostgreSQL + Redis) exercise the real failure, never the shared Redis.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache, caches

from quizzes.authoring.services import quiz_archive
from quizzes.models import Result
from quizzes.selectors import CACHE_PREFIX
from sharing.models import CardStatus
from tests.factories import card_of
from tests.quizzes.takehelp import TAKES
from tests.quizzes.taking.test_pages import take_without_js
from tests.workers import (
    CARD_GATE_ENV,
    ROOT,
    celery_worker_as_served,
    free_port,
    wait_for,
    worker_env,
)

SLUG = "which-morning-drink"


def answers_json() -> dict:
    return {k: v for k, v in TAKES[SLUG]["answers"].items() if v not in (None, "", [])}


def visit_everything(visitor) -> dict[str, int]:
    """The core flow of a visitor: quiz page, quiz API, the take without JavaScript, the
    response POST. Status of each."""
    statuses = {
        "page": visitor.get(f"/q/{SLUG}/").status_code,
        "api": visitor.get(f"/api/quizzes/{SLUG}/").status_code,
        "take": visitor.get(f"/q/{SLUG}/take/").status_code,
    }
    taken = take_without_js(visitor, SLUG, TAKES[SLUG]["answers"])
    statuses["take-submit"] = taken.status_code
    statuses["response-post"] = visitor.post(
        f"/api/quizzes/{SLUG}/responses/",
        {"answers": answers_json()},
        content_type="application/json",
    ).status_code
    return statuses


EVERYTHING_WORKS = {"page": 200, "api": 200, "take": 200, "take-submit": 302, "response-post": 201}


@pytest.mark.redis
@pytest.mark.django_db
def test_visitors_finish_quizzes_while_redis_is_down(redis_cache, publish, visitor, caplog):
    publish(SLUG)
    assert visit_everything(visitor) == EVERYTHING_WORKS  # Redis up: the cache is warm
    started = time.monotonic()
    assert visit_everything(visitor) == EVERYTHING_WORKS
    warm = time.monotonic() - started
    assert cache.get(CACHE_PREFIX + SLUG) is not None

    redis_cache.stop()
    caplog.set_level(logging.WARNING, logger="quizbuilder.cache")
    started = time.monotonic()
    assert visit_everything(visitor) == EVERYTHING_WORKS
    assert visit_everything(visitor) == EVERYTHING_WORKS
    seconds = (time.monotonic() - started) / 2
    print(f"the core flow (9 requests): {warm:.2f} s with Redis, {seconds:.2f} s without")
    assert Result.objects.count() == 8
    # One warning for the outage, not one per cache call (dozens were made).
    warnings = [r for r in caplog.records if r.name == "quizbuilder.cache"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "Redis cache unavailable" in warnings[0].getMessage()
    assert seconds < 5, seconds  # a refused connection is quick; no retries pile up

    redis_cache.start()
    time.sleep(0.4)  # past RETRY_SECONDS
    assert visit_everything(visitor) == EVERYTHING_WORKS
    assert "Redis cache available again" in caplog.text


@pytest.mark.redis
def test_an_outage_is_logged_once_whatever_the_threads(redis_cache, caplog):
    """A threaded server (runserver, gunicorn gthread) serves each request in a new thread, and
    Django makes a cache object per thread: the outage is still said once per process."""
    redis_cache.stop()
    caplog.set_level(logging.WARNING, logger="quizbuilder.cache")
    objects = []

    def request() -> None:
        objects.append(caches["default"])
        assert cache.get("anything", "miss") == "miss"

    for _ in range(5):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
    assert len({id(o) for o in objects}) == 5  # five cache objects...
    warnings = [r for r in caplog.records if r.name == "quizbuilder.cache"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]  # ...one warning


@pytest.mark.redis
@pytest.mark.django_db
def test_a_quiz_archived_during_the_outage_is_not_served_from_the_cache_after_it(
    redis_cache, publish, visitor, editor
):
    version = publish(SLUG)
    assert visitor.get(f"/api/quizzes/{SLUG}/").status_code == 200  # cached in Redis
    redis_cache.stop()
    quiz_archive(quiz=version.quiz, user=editor)  # the cache's delete cannot reach Redis
    assert visitor.get(f"/api/quizzes/{SLUG}/").status_code == 404  # the database says so
    redis_cache.start()  # with the stale entry, from its append-only file
    time.sleep(0.4)
    assert visitor.get(f"/api/quizzes/{SLUG}/").status_code == 404
    assert visitor.get(f"/q/{SLUG}/").status_code == 404


@pytest.mark.redis
@pytest.mark.django_db
def test_rate_limits_count_per_process_while_redis_is_down(
    redis_cache, publish, visitor, settings, caplog
):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_SUBMISSIONS_PER_VISITOR = "2/h"
    publish(SLUG)
    redis_cache.stop()
    caplog.set_level(logging.WARNING, logger="quizzes.taking.ratelimit")

    def post() -> int:
        return visitor.post(
            f"/api/quizzes/{SLUG}/responses/",
            {"answers": answers_json()},
            content_type="application/json",
        ).status_code

    assert [post(), post(), post()] == [201, 201, 429]
    assert [r.getMessage() for r in caplog.records if r.name == "quizzes.taking.ratelimit"] == [
        "Rate limits: the shared cache is unavailable, counting per process"
    ]


@pytest.mark.redis
def test_a_redis_that_never_answers_costs_a_cache_call_the_socket_timeout_once(settings):
    """A server that accepts the connection and then says nothing (a hung Redis): the first
    call waits CACHE_SOCKET_TIMEOUT, the next ones within RETRY_SECONDS do not wait at all."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes the handshake; nobody ever reads or writes
        settings.CACHES = {
            "default": {
                "BACKEND": "quizbuilder.cache.ResilientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
                "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
            }
        }
        started = time.monotonic()
        assert cache.get("anything", "default") == "default"
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(50):
            assert cache.get("anything") is None
            assert cache.add("anything", 1) is True
        rest = time.monotonic() - started
    assert 0.25 <= first < 1.0, first
    assert rest < 0.1, rest


# --- the worker: a card in flight when Redis goes away --------------------------------------


@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("roles")
def test_a_card_in_flight_when_redis_goes_is_drawn_once_it_returns(
    own_redis, monkeypatch, publish, visitor, tmp_path
):
    """The worker loses its broker while it draws a card: it must not die, must reconnect
    when Redis is back, and the card must end ready without anyone doing anything."""
    monkeypatch.setenv("TEST_REDIS_URL", own_redis.url)  # the worker and this process' app
    gate = tmp_path / "gate"
    started = tmp_path / "gate.started"
    publish(SLUG)
    with celery_worker_as_served("redis", env={CARD_GATE_ENV: str(gate)}) as worker:
        created = visitor.post(
            f"/api/quizzes/{SLUG}/responses/",
            {"answers": answers_json()},
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        result_id = created.json()["id"]
        wait_for(started.exists, timeout=30, what="the card render to start", worker=worker)

        own_redis.stop()
        wait_for(
            lambda: "Connection to broker lost" in worker.log() or not worker.alive(),
            timeout=20,
            what="the worker to notice",
        )
        time.sleep(2)  # a worker that would die of it has died by now
        assert worker.alive(), worker.log()[-4000:]

        own_redis.start()
        gate.touch()

        def ready() -> bool:
            return card_of(Result.objects.get(id=result_id)).status == CardStatus.READY

        wait_for(ready, timeout=60, what="the card to be ready", worker=worker)
        assert worker.alive()
        # The worker consumes again: a new task goes through the restarted Redis.
        worker.round_trip(timeout=30)
    assert "AttributeError" not in worker.log()


# --- make run supervises: a dead worker or web server is started again -----------------------


def healthz(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status
    except (urllib.error.URLError, OSError):
        return 0


def children_of(parent: int, word: str) -> list[int]:
    """Live child processes of `parent` whose command line has `word`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == parent and word in cmdline:
            found.append(int(entry.name))
    return found


def one_child(parent: int, word: str, other_than: int = 0) -> int | None:
    pids = [pid for pid in children_of(parent, word) if pid != other_than]
    return pids[0] if len(pids) == 1 else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


@pytest.mark.worker
@pytest.mark.timeout(180)
@pytest.mark.django_db
def test_serve_starts_a_killed_worker_and_web_server_again_and_stops_cleanly(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **worker_env("redis" if os.environ.get("REDIS_URL") else "embedded"),
        "DATA_DIR": str(tmp_path / "data"),
    }
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    children: list[int] = []
    try:
        wait_for(lambda: healthz(port) == 200, timeout=60, what="the site")
        wait_for(lambda: " ready." in log.read_text(), timeout=60, what="the worker")
        worker = wait_for(lambda: one_child(serve.pid, "celery"), timeout=10, what="worker")
        os.killpg(worker, signal.SIGKILL)  # the worker and its pool, as the OOM killer would

        new_worker = wait_for(
            lambda: one_child(serve.pid, "celery", other_than=worker), timeout=30, what="a worker"
        )
        wait_for(
            lambda: f"Started the worker again (pid {new_worker})" in log.read_text(),
            timeout=5,
            what="the restart in the log",
        )
        assert f"The worker (pid {worker}) stopped (killed by SIGKILL)" in log.read_text()
        assert healthz(port) == 200  # the site never went with it
        assert serve.poll() is None
        wait_for(
            lambda: log.read_text().count(" ready.") == 2, timeout=60, what="the new worker ready"
        )

        web = wait_for(lambda: one_child(serve.pid, "runserver"), timeout=10, what="web")
        os.kill(web, signal.SIGKILL)
        new_web = wait_for(
            lambda: one_child(serve.pid, "runserver", other_than=web), timeout=30, what="a web"
        )
        wait_for(lambda: healthz(port) == 200, timeout=60, what="the site again")
        children = [new_worker, new_web]
    finally:
        os.killpg(serve.pid, signal.SIGTERM)  # as Ctrl-C in a terminal, to the whole group
        try:
            code = serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            raise
    assert code == 0, log.read_text()
    assert [pid for pid in children if alive(pid)] == []
    assert healthz(port) == 0


@pytest.mark.redis
def test_publishes_share_one_redis_client_and_reconnect_after_an_outage(own_redis, monkeypatch):
    """The broker keeps one Redis client per channel for its publishes (kombu made one per
    message: quizbuilder/redisbroker.py); after an outage the next publish reaches Redis."""
    import redis as redis_lib

    from quizbuilder import redisbroker
    from quizbuilder.celery import app
    from quizbuilder.enqueue import task_enqueue
    from sharing.tasks import ping
    from tests.workers import _reset_app

    made = []
    create = redisbroker.Channel._create_client
    monkeypatch.setattr(redisbroker.Channel, "_create_client",
                        lambda self, *a, **k: made.append(1) or create(self, *a, **k))  # fmt: skip
    keys = ("broker_url", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    _reset_app(app)
    queue = "fault-publish"
    app.conf.update(broker_url=own_redis.url.replace("redis://", "qbredis://"),
                    task_default_queue=queue)  # fmt: skip
    try:
        assert task_enqueue(ping)  # the channel is set up (its own clients made)
        clients = len(made)
        assert all(task_enqueue(ping) for _ in range(5))
        assert redis_lib.Redis.from_url(own_redis.url).llen(queue) == 6
        assert len(made) == clients  # no new client for the next five

        own_redis.stop()
        assert not task_enqueue(ping)  # logged, not raised (quizbuilder/enqueue.py)
        own_redis.start()
        restarted = redis_lib.Redis.from_url(own_redis.url)
        restarted.delete(queue)
        assert task_enqueue(ping)
        assert restarted.llen(queue) == 1
    finally:
        _reset_app(app)
        app.conf.update(saved)
