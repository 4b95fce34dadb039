"""Run the web server and a Celery worker (with beat) together, in the foreground.

Ctrl-C or SIGTERM to the process group stops both; if either exits, the other is stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and a Celery worker together (development)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, port: int, host: str, **options: Any) -> None:
        python = sys.executable
        broker = "Redis" if settings.REDIS_URL else f"the embedded broker in {settings.BROKER_DIR}"
        self.stdout.write(f"Quizbuilder on http://{host}:{port}/  (worker on {broker})")
        children = [
            subprocess.Popen(
                [python, "-m", "celery", "-A", "quizbuilder", "worker", "--beat",
                 "--loglevel", "INFO", "--concurrency", "2",
                 "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
            ),
            subprocess.Popen(
                [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"]
            ),
        ]
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.3)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
