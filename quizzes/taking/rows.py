"""The rows every completion writes, written out as SQL (issue 14: the response POST).

Django's compiling of `Result.objects.create(...)` and of the answer events' `bulk_create`
cost the response POST more than the database spent on them (the profile of the POST under
load). Here each is one hand-written statement, valid on SQLite and PostgreSQL alike; every
value still goes through its model field (`get_db_prep_save`: JSON, dates, defaults,
`auto_now_add`), so the rows are the ones the ORM would write. No model signal is sent for
these models, so none is skipped.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, Model

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
    events = [
        AnswerEvent(quiz_id=quiz_id, take=take, question_key=k, position=p) for k, p in answered
    ]
    fields: list[Field[Any, Any]] = [
        f for f in AnswerEvent._meta.concrete_fields if not f.primary_key
    ]
    rows = [_values(event, fields) for event in events]
    table = connection.ops.quote_name(AnswerEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(rows))} "  # noqa: S608
            "ON CONFLICT (quiz_id, take, question_key) DO NOTHING",
            [value for row in rows for value in row],
        )


def _values(instance: Model, fields: list[Field[Any, Any]]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]


def _insert(instance: Model) -> None:
    meta = instance._meta
    fields: list[Field[Any, Any]] = list(meta.concrete_fields)
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = _values(instance, fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608
    instance._state.adding = False
    instance._state.db = connection.alias
