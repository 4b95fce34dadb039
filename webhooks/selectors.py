"""Which webhooks want an event: asked on every completion, so kept in the shared cache.

Every response POST asks which of its quiz's webhooks want `result.created`; almost always
none do. With a cache that every process shares (Redis), the answer for a quiz is kept there
and the completion sends no query for it (issue 14's profile: this SELECT, compiled by the
ORM, was a tenth of the POST). A change to a quiz's webhooks (made, deleted, turned off or
on, by any path: `webhook_changed`) takes effect at once for the next completion:

- the change replaces the kept answer with a *changed* mark (CHANGED_SECONDS), once when it
  is written and again when it commits; while the mark is there every completion of the quiz
  reads the database and keeps nothing;
- a completion that found nothing kept stores its answer with `add`, which never replaces a
  mark, so a completion that read the rows just before a change commits cannot put the old
  answer back after it (it could only if it stalled for CHANGED_SECONDS between its read and
  its `add`; the kept answer expires after KEPT_SECONDS anyway);
- with Redis down every completion reads the database; the cache retries a failed delete
  when Redis answers again (quizbuilder/cache.py), so no old answer survives the outage.

A cache kept per process (locmem, the embedded default without Redis) cannot hear of a change
made in another process: there the answer is read from the database every time, with one
small query.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache, caches
from django.db import connection, transaction

from core.sql import table

from .models import Webhook

KEY = "webhooks-wanting:{}"
CHANGED = "changed"
CHANGED_SECONDS = 60
KEPT_SECONDS = 3600

# (id, subscribed event types) of each active webhook of a quiz, in the order the
# deliveries are made (the webhooks' own order).
Wanting = tuple[tuple[int, tuple[str, ...]], ...]


def webhooks_wanting(*, quiz_id: int, type: str) -> list[int]:
    """The ids of the quiz's active webhooks subscribed to `type`, oldest first."""
    shared = _cache_shared()
    key = KEY.format(quiz_id)
    hit = cache.get(key) if shared else None
    if isinstance(hit, tuple):
        rows: Wanting = hit
    else:
        rows = _active_rows(quiz_id)
        if shared and hit is None:  # never over a change's mark
            cache.add(key, rows, timeout=KEPT_SECONDS)
    return [pk for pk, events in rows if type in events]


def webhook_changed(*, quiz_id: int) -> None:
    """A webhook of `quiz_id` was made, deleted, or changed: the next completion reads them
    again. Call it in the transaction of the change (it marks again once that commits)."""
    if not _cache_shared():
        return
    _mark(quiz_id)
    transaction.on_commit(lambda: _mark(quiz_id))


def _mark(quiz_id: int) -> None:
    key = KEY.format(quiz_id)
    # The delete is retried when Redis answers again should Redis be away now; the mark is
    # what keeps a completion in flight from storing what it read before the change.
    cache.delete(key)
    cache.set(key, CHANGED, timeout=CHANGED_SECONDS)


def _cache_shared() -> bool:
    # A per-process cache cannot be told of a change made in another process
    # (quizbuilder.cache: Redis is shared, the in-process default is not).
    return bool(getattr(caches["default"], "shared", False))


def _active_rows(quiz_id: int) -> Wanting:
    # Raw SQL on the hot path of every completion: the ORM's compiling of this filter (with
    # the model's ordering) cost ten times what the query costs the database.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, events FROM {table(Webhook)} WHERE quiz_id = %s AND active = %s"  # noqa: S608
            " ORDER BY created_at, id",
            [quiz_id, True],
        )
        return tuple((int(pk), _events(events)) for pk, events in cursor.fetchall())


def _events(value: Any) -> tuple[str, ...]:
    # JSON comes back as text (Django decodes JSONField itself), or decoded by a driver.
    decoded = json.loads(value) if isinstance(value, str | bytes) else value
    return tuple(str(v) for v in decoded or ())
