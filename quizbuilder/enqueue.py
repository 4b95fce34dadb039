"""Enqueueing from a request path: never lets a broker outage fail what was already done.

A response POST saves the result and then enqueues its card. If the broker is unreachable
(Redis down, the embedded broker's folder unwritable) the visitor must still get the 201
with the result id: a 500 there hides the id, and a retried POST makes a duplicate
completion. Every job enqueued through these helpers has a catch-up path that does not need
this message (a pending result card, and a version's card still missing a few minutes after
its publish, are sent again by `sharing.tasks.rerender_stale_cards`), so a lost message is
logged, not raised.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# kombu retries a publish on a connection error (by default 3 times, up to 1 s apart): two
# quick tries are enough for a blip and keep a visitor's request short when Redis is down.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# During an outage every response POST fails to enqueue: one traceback a minute tells the
# operator why, the other failures are one line each.
TRACEBACK_EVERY = 60.0
_last_traceback = -TRACEBACK_EVERY


def task_enqueue(
    task: Any, *args: Any, options: dict[str, Any] | None = None, **kwargs: Any
) -> bool:
    """Send `task(*args, **kwargs)` to the broker now; returns whether it was sent.

    `options` go to `apply_async` (`priority`: on Redis 0, the default, is served first and 9
    last, so work that can wait steps aside for the work a visitor waits for; `queue`).
    Never raises: a broker error is logged (with the task and its arguments) and False is
    returned, so the caller's work stands and the periodic catch-up job sends it later.
    """
    global _last_traceback
    options = {key: value for key, value in (options or {}).items() if value is not None}
    try:
        task.apply_async(
            args=args, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY, **options
        )
    except Exception as error:
        now = time.monotonic()
        if now - _last_traceback >= TRACEBACK_EVERY:
            _last_traceback = now
            logger.exception(
                "could not enqueue %s%r; the periodic job will catch up", task.name, args
            )
        else:
            logger.warning(
                "could not enqueue %s%r (%s); the periodic job will catch up",
                task.name,
                args,
                error,
            )
        return False
    return True


def task_enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits (never, if it rolls
    back), so a worker never looks for a row that is not there yet. Never raises."""
    transaction.on_commit(lambda: task_enqueue(task, *args, **kwargs))
