"""Real Celery workers for tests and benchmarks.

`celery_worker(broker=...)` starts `celery -A quizbuilder worker` as a subprocess with the
test process' database (the pytest test database, which must hold committed data: use
`transactional_db`), DATA_DIR and MEDIA_ROOT, waits until a task sent through the broker has
run in it, and stops it (SIGTERM, then SIGKILL of its process group). `app_broker(url)`
points this process' Celery app at the same broker, so what the code under test enqueues
reaches that worker whatever REDIS_URL the test run has.

The worker also imports this module (`--include tests.workers`) for the `mark` task below,
which the round-trip check and the redelivery test use.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from celery import shared_task
from celery.signals import worker_init, worker_process_init

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


@shared_task(name="tests.workers.mark", acks_late=True, reject_on_worker_lost=True)
def mark(path: str, seconds: float = 0.0) -> None:
    """Append this process' pid to `path`.started, sleep, then append it to `path`."""
    with open(path + ".started", "a") as f:
        f.write(f"{os.getpid()}\n")
    time.sleep(seconds)
    with open(path, "a") as f:
        f.write(f"{os.getpid()}\n")


@shared_task(name="tests.workers.connection_id", acks_late=True)
def connection_id(path: str) -> None:
    """Append which database connection this task ran on (the server process on PostgreSQL,
    the connection object on SQLite) to `path`."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_backend_pid()")
            ident = str(cursor.fetchone()[0])
        else:
            ident = f"{os.getpid()}:{id(connection.connection)}"
    with open(path, "a") as f:
        f.write(f"{ident}\n")


# --- a slow card render, for tests only -------------------------------------------------------
# With CARD_GATE_ENV set to a path, a test worker's card renderer appends its pid to
# `<path>.started` and then waits until `<path>` exists, so a test can act (delete the result,
# break the storage, kill the worker) while a card is being drawn.
CARD_GATE_ENV = "QB_TEST_CARD_GATE"


@worker_init.connect
@worker_process_init.connect
def _card_gate_install(**_kwargs: Any) -> None:
    gate = os.environ.get(CARD_GATE_ENV)
    if not gate:
        return
    from sharing.cards import jobs as card_jobs

    original = card_jobs.card_render
    if getattr(original, "gated", False):
        return

    def gated(spec: Any, **kwargs: Any) -> Any:
        with open(gate + ".started", "a") as f:
            f.write(f"{os.getpid()}\n")
        while not os.path.exists(gate):
            time.sleep(0.02)
        return original(spec, **kwargs)

    gated.gated = True  # type: ignore[attr-defined]
    card_jobs.card_render = gated  # type: ignore[assignment]


# With CARD_RETRIES_ENV set to a number, a test worker's render tasks retry that many times
# (Celery's quick in-task retries, 5 by default, up to ~30 s) before it fails for good, so a
# fault test sees a card marked failed in a second.
CARD_RETRIES_ENV = "QB_TEST_CARD_RETRIES"


@worker_init.connect
@worker_process_init.connect
def _card_retries_install(**_kwargs: Any) -> None:
    retries = os.environ.get(CARD_RETRIES_ENV)
    if retries is None:
        return
    from sharing.tasks import render_fallback_card, render_result_card, render_square_card

    render_result_card.max_retries = int(retries)
    render_square_card.max_retries = int(retries)
    render_fallback_card.max_retries = int(retries)


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def redis_reachable(url: str | None = None) -> bool:
    parsed = urlparse(url or redis_url())
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 1):
            return True
    except OSError:
        return False


def database_url() -> str:
    """The URL of the database this process uses now (the test database under pytest)."""
    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}{port}/{s['NAME']}"


def embedded_transport_options() -> dict[str, Any]:
    """The filesystem broker's options, as settings.py builds them without REDIS_URL."""
    from django.conf import settings

    folder = Path(settings.BROKER_DIR)
    for sub in ("in", "processed"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "in"),
        "data_folder_out": str(folder / "in"),
        "processed_folder": str(folder / "processed"),
        "store_processed": False,
        "polling_interval": 0.05,
    }


def broker_config(broker: str) -> tuple[str, dict[str, Any]]:
    """(broker URL, transport options) for "embedded" or "redis"."""
    if broker == "embedded":
        return "qbfs://localhost/", embedded_transport_options()
    if broker == "redis":
        return redis_url(), {"visibility_timeout": 3600}
    raise ValueError(broker)


def _reset_app(app: Any) -> None:
    # Drop the app's pools (kombu keeps them in global registries) and its AMQP helper
    # (queues, router and task sender are cached there), so that the next publish uses
    # the broker and queue configured now.
    from kombu import pools

    app._pool = None
    app.__dict__.pop("amqp", None)
    pools.reset()


@contextmanager
def app_broker(broker: str, queue: str = "celery") -> Iterator[None]:
    """Point this process' Celery app at the embedded broker or Redis, and its tasks at
    `queue`, for the block."""
    from quizbuilder.celery import app

    url, options = broker_config(broker)
    keys = ("broker_url", "broker_transport_options", "task_default_queue", "task_routes")
    saved = {key: app.conf[key] for key in keys}
    _reset_app(app)
    app.conf.update(
        broker_url=url,
        broker_transport_options=options,
        task_default_queue=queue,
        task_routes={"webhooks.tasks.*": {"queue": webhooks_queue(queue)}},
    )
    try:
        yield
    finally:
        _reset_app(app)
        app.conf.update(saved)


def webhooks_queue(queue: str) -> str:
    """The webhook deliveries' queue that goes with a test worker's own `queue`."""
    return "webhooks" if queue == "celery" else f"{queue}-webhooks"


def queue_purge(broker: str, queue: str) -> int:
    """Drop waiting messages (earlier test runs leave enqueued tasks nobody consumed)."""
    from quizbuilder.celery import app

    url, options = broker_config(broker)
    with app.connection_for_write(url, transport_options=options) as conn:
        try:
            return conn.default_channel.queue_purge(queue) or 0
        except Exception:  # the queue was never declared
            return 0


@dataclass
class Worker:
    broker: str
    queue: str
    process: subprocess.Popen
    log_path: Path
    marks: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="qb-marks-")))

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker and its children at once: no warm shutdown, no ack, no requeue."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def round_trip(self, timeout: float = 30.0) -> None:
        """Send `mark` through the broker and wait until this worker has run it."""
        path = self.marks / f"ping-{uuid.uuid4().hex}"
        mark.delay(str(path))
        wait_for(
            path.exists, timeout=timeout, what=f"a round trip through {self.broker}", worker=self
        )


def wait_for(
    check: Any, *, timeout: float, what: str, worker: Worker | None = None, interval: float = 0.02
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if worker is not None and not worker.alive():
            raise RuntimeError(f"the worker died waiting for {what}:\n{worker.log()[-4000:]}")
        time.sleep(interval)
    tail = f"\n--- worker log ---\n{worker.log()[-4000:]}" if worker is not None else ""
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}{tail}")


def worker_env(broker: str, transport_options: str = "") -> dict[str, str]:
    """The worker's environment: the same data, database and media as this process."""
    from django.conf import settings

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TRANSPORT_OPTIONS")
    }
    env.update(
        DATA_DIR=str(settings.DATA_DIR),
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        SITE_URL=settings.SITE_URL,
        DJANGO_SETTINGS_MODULE="quizbuilder.settings",
        PYTHONUNBUFFERED="1",
    )
    if broker == "redis":
        env["REDIS_URL"] = redis_url()
    if transport_options:
        env["CELERY_TRANSPORT_OPTIONS"] = transport_options
    return env


@contextmanager
def celery_worker(
    broker: str = "embedded",
    *,
    pool: str = "solo",
    concurrency: int = 1,
    queue: str | None = None,
    purge: bool = True,
    transport_options: str = "",
    ready_timeout: float = 60.0,
    env: dict[str, str] | None = None,
) -> Iterator[Worker]:
    """A running `celery -A quizbuilder worker` on `broker` ("embedded" or "redis").

    It consumes its own queue (a new one unless `queue` is given), and for the block this
    process' Celery app sends its tasks there: workers of other test runs or of `make run`
    on the same broker neither steal these tasks nor feed this worker theirs. Yields once a
    task sent through the broker has run in the worker; stops it on exit.
    `transport_options` is JSON for CELERY_TRANSPORT_OPTIONS (e.g. a short visibility_timeout);
    `env` adds variables to the worker's environment (e.g. CARD_GATE_ENV).
    """
    queue = queue or f"test-{uuid.uuid4().hex[:12]}"
    with app_broker(broker, queue):
        if purge:
            queue_purge(broker, queue)
            queue_purge(broker, webhooks_queue(queue))
        queues = f"{queue},{webhooks_queue(queue)}"
        cmd = [sys.executable, "-m", "celery", "-A", "quizbuilder", "worker", "--pool", pool,
               "--concurrency", str(concurrency), "--queues", queues, "--loglevel", "INFO",
               "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip",
               "--without-mingle", "--without-heartbeat", "--include", "tests.workers"]  # fmt: skip
        # The worker sends what it enqueues itself (retries, the beat's sweep) to these too.
        env = {"CELERY_WEBHOOKS_QUEUE": webhooks_queue(queue), **(env or {})}
        with _running(cmd, broker, queue, transport_options, ready_timeout, env) as worker:
            yield worker


@contextmanager
def _running(
    cmd: list[str],
    broker: str,
    queue: str,
    transport_options: str,
    ready_timeout: float,
    env: dict[str, str] | None = None,
) -> Iterator[Worker]:
    log = Path(tempfile.mkstemp(prefix=f"qb-worker-{broker}-", suffix=".log")[1])
    with open(log, "wb") as out:
        process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**worker_env(broker, transport_options), **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = Worker(broker=broker, queue=queue, process=process, log_path=log)
    try:
        wait_for(
            lambda: " ready." in worker.log(),
            timeout=ready_timeout,
            what="the worker's 'ready.' line",
            worker=worker,
            interval=0.05,
        )
        worker.round_trip(timeout=ready_timeout)
        yield worker
    finally:
        # The test is over: a warm shutdown (1.5 to 3 s of a worker's life, tested where it
        # matters: serve and make run) would only make it slower. The worker runs in a queue
        # of its own, so a message it held is nobody else's.
        worker.kill()


# --- a Redis server of the test's own, to stop and restart (tests/test_faults_redis.py) -------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """`redis-server` on a free port, with an append-only file so that what it held (queued
    and unacknowledged messages, cached values) survives `stop()` and `start()`, as a
    production Redis' persistence would."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "redis.log", "ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--dir", str(self.folder), "--save", "", "--appendonly", "yes",
                 "--appendfsync", "always", "--protected-mode", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_for(lambda: redis_reachable(self.url), timeout=timeout, what="redis-server")

    def stop(self) -> None:
        """SIGKILL: the abrupt end of an outage (no goodbye to connected clients)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def celery_worker_as_served(
    broker: str = "redis", *, env: dict[str, str] | None = None, ready_timeout: float = 60.0
) -> Iterator[Worker]:
    """`celery_worker`, but started as `make run` and the README's unit start it: a prefork
    pool of 2, with gossip, mingle and heartbeat (whose channels go through the broker too)."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with app_broker(broker, queue):
        queue_purge(broker, queue)
        queue_purge(broker, webhooks_queue(queue))
        env = {"CELERY_WEBHOOKS_QUEUE": webhooks_queue(queue), **(env or {})}
        queues = f"{queue},{webhooks_queue(queue)}"
        cmd = [sys.executable, "-m", "celery", "-A", "quizbuilder", "worker", "--pool", "prefork",
               "--concurrency", "2", "--queues", queues, "--loglevel", "INFO",
               "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
               "--include", "tests.workers"]  # fmt: skip
        with _running(cmd, broker, queue, "", ready_timeout, env) as worker:
            yield worker
