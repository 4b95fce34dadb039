"""benchmarks/profile_paths.py sorts py-spy's samples into layers: the issue-14 explanations
rest on that sorting, so it is checked on stacks written the way py-spy writes them."""

from __future__ import annotations

import pytest

from benchmarks.profile_paths import CLOSE, IDLE, OTHER, layer_of, samples

pytestmark = pytest.mark.pure

MASTER = 'process 10:"gunicorn quizbuilder.wsgi"'
WORKER = 'process 11:"gunicorn quizbuilder.wsgi"'
HANDLE = [
    "<module> (gunicorn:6)",
    "SyncWorker.accept (gunicorn/workers/sync.py:30)",
    "SyncWorker.handle (gunicorn/workers/sync.py:141)",
    "WSGIHandler.__call__ (django/core/handlers/wsgi.py:124)",
]


@pytest.mark.parametrize(
    ("inner", "layer"),
    [
        # The standard library is skipped: json under our view is our view's time.
        (["share_page (sharing/views.py:40)", "dumps (json/__init__.py:231)"], "our code"),
        (
            ["clicks_record (sharing/visits.py:35)", "execute (django/db/backends/utils.py:9)"],
            "database: driver, execute, commit",
        ),
        (["QuerySet.get (django/db/models/query.py:6)"], "ORM: building queries and objects"),
        (
            ["Celery.send_task (celery/app/base.py:7)", "write (socket.py:1)"],
            "Celery + kombu: enqueue",
        ),
        (["Redis.execute_command (redis/client.py:5)"], "Redis + cache"),
        (["close_graceful (gunicorn/util.py:312)"], CLOSE),
        (["Template.render (django/template/base.py:1)"], "templates"),
        (["JsonResponse.__init__ (django/http/response.py:3)"], "Django + middleware libraries"),
        (["Thing.do (somelib/mod.py:3)"], OTHER),
    ],
)
def test_a_sample_belongs_to_its_innermost_layer_outside_the_standard_library(inner, layer):
    assert layer_of([*HANDLE, *inner]) == layer


def test_a_worker_waiting_for_a_connection_is_idle_and_the_master_is_left_out(tmp_path):
    wait = "SyncWorker.wait (gunicorn/workers/sync.py:40);select (selectors.py:468)"
    raw = tmp_path / "stacks.txt"
    raw.write_text(
        f"{MASTER};Arbiter.wait_for_signals (gunicorn/arbiter.py:425) 50\n"
        f"{MASTER};{WORKER};{';'.join(HANDLE)};view (core/views.py:3) 7\n"
        f"{MASTER};{WORKER};<module> (gunicorn:6);{wait} 3\n"
    )
    assert samples(raw) == {"our code": 7, IDLE: 3}
