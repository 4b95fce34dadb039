"""A result's card row on the worker's hot path: the reads and writes every card makes.

Under a viral burst the worker draws one card per completion, and Django's query compiler
cost each card more than drawing it did (four ORM statements: about 4 ms of CPU against a
6 ms render, benchmarks/card_worker.py). So the statements every card makes are written out
here as SQL, valid on SQLite and PostgreSQL alike, each one round trip:

- the result with its card row (a LEFT JOIN, as a raw query of `Result`: its JSON columns go
  through the model's converters), the version from a per-process copy (a published version
  never changes, quizzes' rule);
- the card recorded under the result's row lock (see `result_lock_live`) with one upsert.

The rest of the card's life (purges, deletes, failures, the periodic jobs) is rare and stays
in the ORM (`sharing.cards.jobs`).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any, cast

from django.db import connection

from core.sql import table
from quizzes.models import QuizVersion, Result

from ..models import CardStatus, ResultCard

VERSIONS_KEPT = 32
_versions: OrderedDict[int, QuizVersion] = OrderedDict()
# What a card reads of its version (sharing.cards.inputs); the studio's document and the
# compiled programs are never read here and are the largest columns.
VERSION_FIELDS = ("quiz_id", "status", "published_at", "title", "description", "language",
                  "cover", "definition")  # fmt: skip


def result_card_of(result: Result) -> ResultCard | None:
    """The result's card row, None before its first render: read once per instance (a
    `select_related("card")`, `result_card_remember` or `card_result_get` saves the query)."""
    # Django's own cache of the reverse one-to-one, so `result.card` agrees with it.
    cache = result._state.fields_cache
    if "card" not in cache:
        cache["card"] = ResultCard.objects.filter(result_id=result.pk).first()
    return cast(ResultCard | None, cache["card"])


def result_card_remember(*, result: Result, card: ResultCard | None) -> None:
    """Tell `result` its card row (read with another query, or none yet for a new result)."""
    result._state.fields_cache["card"] = card


def version_for_cards(*, version_id: int) -> QuizVersion:
    """The version a card is drawn from. A published (or retired) version is frozen, so the
    process keeps the last few it read; a draft (a studio preview's result) is read each time."""
    version = _versions.get(version_id)
    if version is not None:
        _versions.move_to_end(version_id)
        return version
    version = QuizVersion.objects.only(*VERSION_FIELDS).get(pk=version_id)
    if version.published_at is not None:
        _versions[version_id] = version
        while len(_versions) > VERSIONS_KEPT:
            _versions.popitem(last=False)
    return version


def card_result_get(*, result_id: str) -> Result | None:
    """A live (not deleted) result with what its card needs and its card row (remembered, so
    `result_card_of` makes no query), or None. One statement, and the version from the
    process' copy."""
    sql = (
        "SELECT r.id, r.quiz_id, r.version_id, r.visitor, r.outcome_key, r.title, r.card_text, "  # noqa: S608
        "c.status AS qb_card_status, c.name AS qb_card_name, c.square_name AS qb_card_square "
        f"FROM {table(Result)} r LEFT JOIN {table(ResultCard)} c ON c.result_id = r.id "
        "WHERE r.id = %s AND r.deleted_at IS NULL"
    )  # fmt: skip
    result = next(iter(Result.objects.raw(sql, [result_id])), None)
    if result is None:
        return None
    status = result.qb_card_status  # type: ignore[attr-defined]
    card = None
    if status is not None:
        card = ResultCard(result_id=result.pk, status=status,
                          name=result.qb_card_name, square_name=result.qb_card_square)  # type: ignore[attr-defined] # fmt: skip
        card._state.adding = False
    result_card_remember(result=result, card=card)
    result.version = version_for_cards(version_id=result.version_id)
    return result


def result_lock_live(*, result_id: str, texts: dict[str, Any] | None) -> bool:
    """Lock the result's row until the end of the transaction; whether it is not deleted and
    its card texts are still `texts` (the ones the card was drawn from).

    A card is recorded only under this lock, and `result_delete` and the answers purge take
    the same lock, so either they see the card's name (and remove the file after their commit)
    or the render sees the deletion or the purged texts (and removes the file it wrote): a
    deleted or purged visitor's name and QR code never stay in storage (on SQLite the write
    transaction itself serialises them: settings' IMMEDIATE transactions). Call it inside
    `transaction.atomic()`.
    """
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT card_text FROM {table(Result)} WHERE id = %s AND deleted_at IS NULL{lock}",  # noqa: S608
            [result_id],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    stored = row[0]
    if isinstance(stored, str):  # PostgreSQL's jsonb and SQLite's text both come back as text
        stored = json.loads(stored)
    return (stored or {}) == (texts or {})


def card_ready_record(*, result_id: str, name: str) -> bool:
    """Mark the result's card ready with `name` unless it is ready already (a first render
    makes the row); whether it changed. One upsert; call it under `result_lock_live`."""
    sql = _card_upsert(
        "ON CONFLICT (result_id) DO UPDATE SET status = excluded.status, name = excluded.name, "
        "error = '', retry_at = NULL WHERE c.status <> excluded.status RETURNING result_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [result_id, CardStatus.READY.value, name, "", CardStatus.PENDING.value])
        return cursor.fetchone() is not None


def card_square_record(*, result_id: str, name: str) -> None:
    """Keep the result's square card name and mark the square ready, clearing a failure (a
    square drawn before the og card makes the row, pending). One upsert; call it under
    `result_lock_live`."""
    sql = _card_upsert(
        "ON CONFLICT (result_id) DO UPDATE SET square_name = excluded.square_name, "
        "square_status = excluded.square_status, square_error = '', square_retry_at = NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [result_id, CardStatus.PENDING.value, "", name, CardStatus.READY.value])


def _card_upsert(conflict: str) -> str:
    """A new card row (result id, status, og name, square name, square status as
    parameters), or `conflict` on the one the result has."""
    return (
        f"INSERT INTO {table(ResultCard)} AS c "  # noqa: S608
        "(result_id, status, name, square_name, error, attempts, retry_at, "
        "square_status, square_error, square_attempts, square_retry_at) "
        f"VALUES (%s, %s, %s, %s, '', 0, NULL, %s, '', 0, NULL) {conflict}"
    )
