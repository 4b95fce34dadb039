"""quizbuilder/postgres: a persistent connection is asked `SELECT 1` only after sitting idle."""

from __future__ import annotations

import time

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the PostgreSQL backend (DATABASE_URL)"
    ),
]


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    connection.ensure_connection()
    calls: list[int] = []

    def usable() -> bool:
        calls.append(1)
        return True

    monkeypatch.setattr(connection, "is_usable", usable)
    connection.health_check_done = False  # what the start of every request does
    return calls


def test_a_connection_that_just_served_a_query_is_not_asked(asked: list[int]) -> None:
    connection.used_at = time.monotonic()
    connection.close_if_health_check_failed()
    assert asked == []
    assert connection.health_check_done


def test_an_idle_connection_is_asked_before_its_next_query(asked: list[int]) -> None:
    connection.used_at = time.monotonic() - 60
    connection.close_if_health_check_failed()
    assert asked == [1]


def test_a_query_marks_the_connection_used() -> None:
    connection.used_at = 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert time.monotonic() - connection.used_at < 5
