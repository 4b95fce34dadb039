"""The rows every completion writes, written out as SQL (issue 14: the response POST).

Django's compiling of `Result.objects.create(...)` and of the answer events' `bulk_create`
cost the response POST more than the database spent on them (the profile of the POST under
load). Here each is one hand-written statement, valid on SQLite and PostgreSQL alike. The
result's values still go through its model fields (`get_db_prep_save`: JSON, dates,
`auto_now_add`), so the row is the one the ORM would write; the answer events are plain
values. No receiver listens to these models' save signals, so none is skipped.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, Model

from core.sql import db_now, quote, table
from quizzes.models import AnswerEvent, Result


def result_insert(result: Result) -> None:
    """INSERT the new `result` (its id, from the model's default, is already set), as
    `result.save(force_insert=True)` would; raises IntegrityError as it would."""
    _insert(result)


def answer_events_insert(*, quiz_id: int, take: str, answered: list[tuple[str, int]]) -> None:
    """The take's answer events, (question key, position) each, in one INSERT; those the take
    already has (counted as the visitor went along) are left as they are."""
    if not answered:
        return
    # Plain values (an id, two strings, a number, the time), as funnel.view_record writes a
    # view: no model instance per row.
    now = db_now()
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(answered))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(AnswerEvent)} (quiz_id, take, question_key, position, created_at) "  # noqa: S608
            f"VALUES {rows} ON CONFLICT (quiz_id, take, question_key) DO NOTHING",
            [v for key, position in answered for v in (quiz_id, take, key, position, now)],
        )


def _values(instance: Model, fields: list[Field[Any, Any]]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]


def _insert(instance: Model) -> None:
    fields: list[Field[Any, Any]] = list(instance._meta.concrete_fields)
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = _values(instance, fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table(type(instance))} ({columns}) VALUES ({marks})", values)  # noqa: S608
    instance._state.adding = False
    instance._state.db = connection.alias
