"""Run the web server and a Celery worker (with beat) together, in the foreground.

Ctrl-C or SIGTERM to the process group stops both. Either one that exits on its own (the
worker killed, or stopped by a broker it could not survive) is started again after a pause
that doubles on each quick failure (1 s, 2 s, 4 s... at most 30 s), and it is logged: the site
stays up while the worker comes back, and the cards it missed are drawn then.

The worker runs in a process group of its own, so that a signal to the terminal's group
reaches only its main process (through this command), never its pool children directly:
killed pool children would be respawned in the middle of a warm shutdown. Should this
command die without cleaning up, the kernel sends the worker SIGTERM (Linux parent-death
signal), so nothing outlives it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_SECONDS = 12  # a warm worker shutdown on the filesystem transport takes 3-6 s
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
STABLE_SECONDS = 60  # a child that ran this long before exiting starts again after 1 s
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Not on Linux: no prctl, and the stop path below still cleans up.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """One supervised process: how to start it, and when to start it again."""

    name: str
    argv: list[str]
    own_group: bool
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0  # quick exits in a row, for the backoff
    restart_at: float | None = None

    def start(self) -> int:
        """Start it; its pid."""
        if self.own_group:
            self.process = subprocess.Popen(
                self.argv,
                process_group=0,
                preexec_fn=_die_with_parent,  # safe: this process has started no threads
            )
        else:
            self.process = subprocess.Popen(self.argv)
        self.started_at = time.monotonic()
        self.restart_at = None
        return self.process.pid

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def schedule_restart(self) -> float:
        """Seconds until the restart: doubling while it keeps exiting soon after a start."""
        if time.monotonic() - self.started_at > STABLE_SECONDS:
            self.failures = 0
        delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2**self.failures)
        self.failures += 1
        self.restart_at = time.monotonic() + delay
        self.process = None
        return delay


def _describe(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def _kill_group(pid: int) -> None:
    # Whatever the worker left in its group (a pool child, beat) goes with it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def worker_queues() -> str:
    """The queues the one development worker consumes: the default one (cards) and webhook
    deliveries' own (settings.CELERY_TASK_ROUTES)."""
    return f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.WEBHOOKS_QUEUE}"


class Command(BaseCommand):
    help = "Run the web server and a Celery worker together, restarting either if it exits."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def handle(self, *args: Any, port: int, host: str, **options: Any) -> None:
        python = sys.executable
        broker = "Redis" if settings.REDIS_URL else f"the embedded broker in {settings.BROKER_DIR}"
        self.say(f"Quizbuilder on http://{host}:{port}/  (worker on {broker})")
        worker = Child(
            "worker",
            [python, "-m", "celery", "-A", "quizbuilder", "worker", "--beat",
             "--loglevel", "INFO", "--concurrency", "2", "--queues", worker_queues(),
             "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
            own_group=True,
        )  # fmt: skip
        web = Child(
            "web server",
            # `make run` ran the system checks already (migrate).
            [python, "manage.py", "runserver", f"{host}:{port}", "--noreload", "--skip-checks"],
            own_group=False,
        )
        children = [worker, web]
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            for child in children:
                self.say(f"Started the {child.name} (pid {child.start()})")
            while not stopping:
                self.supervise(children)
                time.sleep(0.2)
        finally:
            self.stop_all(children)

    def supervise(self, children: list[Child]) -> None:
        now = time.monotonic()
        for child in children:
            if child.process is not None:
                code = child.exited()
                if code is None:
                    continue
                pid = child.process.pid
                if child.own_group:
                    _kill_group(pid)
                delay = child.schedule_restart()
                self.say(
                    f"The {child.name} (pid {pid}) stopped ({_describe(code)}); "
                    f"starting it again in {delay:.0f} s"
                )
            elif child.restart_at is not None and now >= child.restart_at:
                self.say(f"Started the {child.name} again (pid {child.start()})")

    def stop_all(self, children: list[Child]) -> None:
        running = [(c, c.process) for c in children if c.process is not None]
        for _, process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for child, process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if child.own_group:
                _kill_group(process.pid)
