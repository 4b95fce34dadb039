"""core/sql.py: the names and values of hand-written statements, on the backend in use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import connection

from core.sql import Param, column, db_date, db_datetime, db_now, table
from quizzes.models import Quiz, QuizView
from tests.factories import QuizFactory

pytestmark = pytest.mark.django_db


def test_it_quotes_the_table_and_column_names_of_a_model():
    # SQLite and PostgreSQL both quote identifiers with double quotes.
    assert table(QuizView) == '"quizzes_quizview"'
    assert column(QuizView, "day") == '"day"'
    assert column(QuizView, "quiz") == '"quiz_id"'  # a foreign key's column, not its name


def test_it_refuses_a_field_with_no_column_in_the_table():
    with pytest.raises(FieldDoesNotExist):
        column(QuizView, "nope")
    with pytest.raises(ValueError, match=r"Quiz\.versions has no column in its table"):
        column(Quiz, "versions")  # a reverse relation
    with pytest.raises(ValueError, match="groups has no column in its table"):
        column(get_user_model(), "groups")  # a many-to-many: a table of its own


def _view_insert(*, quiz_id: int, day: Param, created: Param) -> QuizView:
    names = ", ".join(column(QuizView, f) for f in ("quiz", "visitor", "day", "created_at"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(QuizView)} ({names}) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [quiz_id, "v1", day, created],
        )
    return QuizView.objects.get(quiz_id=quiz_id, visitor="v1")


def test_a_written_date_and_datetime_read_back_as_the_same_values():
    quiz = QuizFactory()
    # Not in UTC and with microseconds: SQLite stores text, so both must survive adapting.
    moment = dt.datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    view = _view_insert(
        quiz_id=quiz.pk, day=db_date(dt.date(2026, 2, 28)), created=db_datetime(moment)
    )
    assert view.day == dt.date(2026, 2, 28)
    assert view.created_at == moment


def test_db_now_is_the_current_time():
    quiz = QuizFactory()
    before = dt.datetime.now(dt.UTC)
    view = _view_insert(quiz_id=quiz.pk, day=db_date(before.date()), created=db_now())
    assert before <= view.created_at <= dt.datetime.now(dt.UTC)
