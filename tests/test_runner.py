"""tests/runner.py's second pass leaves out the pure tests, and only those."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# It checks the runner, no service: the second pass need not run it again.
pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parent.parent


def collected(*args: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return {line for line in out.splitlines() if "::" in line}


def test_skip_pure_leaves_out_pure_tests_but_keeps_those_that_use_the_database():
    module, unmarked = "tests/quizzes/format/test_quizfile.py", "tests/test_fsbroker.py"
    every = collected(module, unmarked)
    kept = collected(module, unmarked, "--skip-pure")
    assert kept == {
        f"{module}::test_import_quiz_refuses_a_lone_surrogate_with_its_path",
        f"{module}::test_import_quiz_refuses_a_tiny_step_and_too_many_choices",
        f"{module}::test_import_quiz_refuses_a_file_nested_too_deeply",
        f"{module}::test_a_legacy_version_with_a_tiny_step_still_takes_answers",
        # A module that is not marked pure keeps all its tests, even those without a database.
        f"{unmarked}::test_messages_written_while_a_consumer_polls_all_arrive_whole",
    }
    assert len(every) > 70 and kept < every


def test_the_sqlite_pass_queues_on_the_redis_database_next_to_the_other_pass():
    # The passes run side by side: the PostgreSQL pass clears its Redis database between
    # tests, which must never be the one the SQLite pass's real workers consume from.
    from tests.runner import redis_sibling

    assert redis_sibling("redis://127.0.0.1:6379/15") == "redis://127.0.0.1:6379/14"
    assert redis_sibling("redis://:pw@redis.internal:6380/0") == "redis://:pw@redis.internal:6380/1"
    assert redis_sibling("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379/1"
