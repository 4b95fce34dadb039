"""Two web processes and two Celery workers on one PostgreSQL and Redis keep every count exact.

A small share tree (benchmarks/sharetree.py: takes, drop-outs, double submits, double taps
sent at once, shares on several channels, preview bots, clicks and reloads, the owner's own
click, referred takes several levels deep) is
played by concurrent virtual users against two gunicorn instances (requests round robin), with
two workers drawing the cards; then every figure of the stats API must equal the tree's
ground truth. Only the PostgreSQL + Redis pass of tests/runner.py runs it: SQLite serialises
writers and the embedded broker has no shared queue worth racing on.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from accounts.tokens import token_create
from benchmarks.shareplay import Player
from benchmarks.sharetree import compare, plan_make
from tests.conftest import IN_CI
from tests.sharing.conftest import SLUG
from tests.workers import (
    ROOT,
    celery_worker,
    free_port,
    redis_reachable,
    redis_url,
    wait_for,
    worker_env,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.timeout(240),
    # The servers and workers see committed rows only.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("roles"),
]


@pytest.fixture
def services() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL + Redis pass (tests/runner.py)")
    if not redis_reachable():
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {redis_url()} (required under CI=true)")
        pytest.skip(f"Redis is not reachable at {redis_url()}")


def up(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@contextmanager
def web_processes(n: int) -> Iterator[list[str]]:
    """n gunicorn instances (one sync worker each) on the test's database, Redis and media."""
    env = {**worker_env("redis"), "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING"}
    ports = [free_port() for _ in range(n)]
    servers = [
        subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "quizbuilder.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            wait_for(lambda base=base: up(base), timeout=60, what=f"gunicorn on {base}")
        yield bases
    finally:
        # Before the test's flush: a server's open connection would hold its tables.
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def stats_of(base: str, token: str) -> dict:
    request = urllib.request.Request(
        f"{base}/api/quizzes/{SLUG}/stats/", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as r:
        return json.loads(r.read())


def test_two_web_processes_and_two_workers_keep_every_count_exact(services, publish, editor):
    version = publish(SLUG)
    questions = version.definition["questions"]
    keys = [q["key"] for q in questions]
    plan = plan_make(seed=7, visitors=40, questions=questions, seconds=10)
    _, token = token_create(user=editor)
    with (
        web_processes(2) as bases,
        celery_worker("redis", queue="celery") as first,
        celery_worker("redis", queue="celery", purge=False) as second,
    ):
        player = Player(plan, bases, SLUG, threads=8, poll_every=3)
        player.run(60, drain=60)
        assert player.errors == []
        assert player.played == set(plan.visitors)  # the whole tree, not cut by the deadline
        assert player.card_ready and player.card_failed == 0
        assert first.alive() and second.alive()
        got = stats_of(bases[1], token)
    expected = player.truth.expected([], keys)
    assert expected["referred_completions"] > 0 and expected["max_depth"] >= 2
    assert expected["clicks"] > 0 and expected["previews"] > 0
    mismatches = [row for row in compare(expected, got) if not row[3]]
    assert mismatches == []
