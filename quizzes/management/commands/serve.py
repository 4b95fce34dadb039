"""Run the web server and a Celery worker (with beat) together, in the foreground.

Ctrl-C or SIGTERM to the process group stops both; if either exits, the other is stopped.

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
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_SECONDS = 12  # a warm worker shutdown on the filesystem transport takes 3-6 s
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Not on Linux: no prctl, and the stop path below still cleans up.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Run the web server and a Celery worker together (development)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, port: int, host: str, **options: Any) -> None:
        python = sys.executable
        broker = "Redis" if settings.REDIS_URL else f"the embedded broker in {settings.BROKER_DIR}"
        self.stdout.write(f"Quizbuilder on http://{host}:{port}/  (worker on {broker})")
        self.stdout.flush()
        worker = subprocess.Popen(
            [python, "-m", "celery", "-A", "quizbuilder", "worker", "--beat",
             "--loglevel", "INFO", "--concurrency", "2",
             "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
            process_group=0,
            preexec_fn=_die_with_parent,  # safe: this process has started no threads
        )  # fmt: skip
        web = subprocess.Popen(
            # `make run` ran the system checks already (migrate).
            [python, "manage.py", "runserver", f"{host}:{port}", "--noreload", "--skip-checks"]
        )
        children = [worker, web]
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.2)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            # Whatever the worker left in its group (a pool child, beat) goes with it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(worker.pid, signal.SIGKILL)
