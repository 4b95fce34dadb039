"""`make run` for real: install (already done), migrate, the demo quizzes and editor, then the
web server and a Celery worker in the foreground; SIGTERM to the process group stops both and
leaves nothing behind; a second start keeps the data.

It uses the services of the test run: SQLite and the embedded broker in a fresh DATA_DIR, or
PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set (tests/runner.py's second pass).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.utils.html import escape

ROOT = Path(__file__).resolve().parent.parent
DEMO_TITLES = [
    json.loads(p.read_text(encoding="utf-8"))["title"]
    for p in sorted((ROOT / "quizzes" / "demo").glob("*.json"))
]
STARTUP_TIMEOUT = 240  # a first start migrates and imports every demo quiz
STOP_TIMEOUT = 15

pytestmark = [pytest.mark.worker, pytest.mark.timeout(900)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError):
        return 0, ""


def processes_of(data_dir: Path) -> list[str]:
    """Live processes started for this DATA_DIR (make, serve, runserver, the worker, its pool
    and beat, whatever their process group), as "pid command" lines."""
    marker = f"DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or entry.name == str(os.getpid()):
            continue
        try:
            stat = (entry / "stat").read_text()
            if stat[stat.rindex(")") + 2] == "Z":
                continue
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found.append(f"{entry.name} {cmd.strip()}")
        except (OSError, ValueError):
            continue
    return found


@dataclass
class Started:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    seconds_to_first_200: float

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def make_run(data_dir: Path, log: Path) -> Iterator[Started]:
    port = free_port()
    env = dict(os.environ, PORT=str(port), DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    started_at = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal would give it
        )
    try:
        deadline = started_at + STARTUP_TIMEOUT
        while fetch(f"http://127.0.0.1:{port}/")[0] != 200:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield Started(process, port, log, time.monotonic() - started_at)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                raise


def wait_for(predicate, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"no {what} in:\n{log.read_text()}"
        time.sleep(0.2)


def enqueue_ping(data_dir: Path) -> None:
    env = dict(os.environ, DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="quizbuilder.settings")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from sharing.tasks import ping; ping.delay()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )


def stop_and_check_nothing_is_left(started: Started, data_dir: Path) -> None:
    assert len(processes_of(data_dir)) >= 4  # make, serve, runserver, the worker (+ pool, beat)
    stop_at = time.monotonic()
    os.killpg(started.process.pid, signal.SIGTERM)
    started.process.wait(timeout=STOP_TIMEOUT)
    while processes_of(data_dir) and time.monotonic() - stop_at < STOP_TIMEOUT:
        time.sleep(0.2)
    assert processes_of(data_dir) == [], started.output()
    assert "Traceback" not in started.output()


@pytest.fixture
def fresh_services(monkeypatch) -> Iterator[None]:
    """With DATABASE_URL, a database of its own (created, then dropped) so that the first start
    is a fresh one; with REDIS_URL, Redis database 14, away from the suite's own workers."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis = os.environ.get("REDIS_URL", "")
    if redis:
        parts = urlsplit(redis)
        monkeypatch.setenv("REDIS_URL", urlunsplit(parts._replace(path="/14")))
    if not database_url.startswith("postgres"):
        yield
        return
    import psycopg

    name = f"qb_make_run_{uuid.uuid4().hex[:8]}"
    server = urlsplit(database_url)
    admin_url = urlunsplit(server._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    monkeypatch.setenv("DATABASE_URL", urlunsplit(server._replace(path=f"/{name}")))
    yield
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_make_run_serves_the_demo_and_a_worker_then_stops_cleanly(tmp_path, fresh_services):
    data_dir = tmp_path / "data"

    with make_run(data_dir, tmp_path / "first.log") as first:
        base = f"http://127.0.0.1:{first.port}"
        status, home = fetch(f"{base}/")
        assert status == 200
        for title in DEMO_TITLES:
            assert escape(title) in home, title
        assert fetch(f"{base}/admin/login/")[0] == 200
        assert fetch(f"{base}/accounts/login/")[0] == 200
        wait_for(lambda: " ready." in first.output(), 60, "worker ready", first.log)
        enqueue_ping(data_dir)
        wait_for(
            lambda: "sharing.tasks.ping" in first.output() and "succeeded" in first.output(),
            60,
            "ping task received and run",
            first.log,
        )
        output = first.output()
        assert "Demo editor login: editor@example.com / quizbuilder-demo" in output
        assert "Imported demo quizzes: " in output
        stop_and_check_nothing_is_left(first, data_dir)
    print(f"make run, first start to first 200: {first.seconds_to_first_200:.1f} s")

    with make_run(data_dir, tmp_path / "second.log") as second:
        status, home = fetch(f"http://127.0.0.1:{second.port}/")
        assert status == 200
        for title in DEMO_TITLES:
            assert escape(title) in home, title
        output = second.output()
        assert "Imported demo quizzes" not in output  # the data was kept
        assert "Demo editor login: editor@example.com" in output
        stop_and_check_nothing_is_left(second, data_dir)
    print(f"make run, second start to first 200: {second.seconds_to_first_200:.1f} s")
    # The times are printed, not asserted (a loaded machine makes them noisy); what makes the
    # second start quicker is checked above: no migration or import work is left to do.
