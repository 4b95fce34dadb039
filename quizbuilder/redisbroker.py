"""kombu's Redis transport, made to survive a Redis outage with a task in flight.

When the worker loses Redis, Celery closes the broker connection to reconnect. kombu first
forgets the transport's connection details (`transport.client = None`) and then closes the
channel, whose close restores the unacknowledged messages (a card being drawn), which opens a
new Redis pool from... the forgotten details: `AttributeError: 'NoneType' object has no
attribute 'hostname'` in `_connparams`, an "Unrecoverable error" that stops the worker (the
same happens to the late ack of that task). It is kombu's old bug (celery/kombu#582, #970),
still in kombu 5.7.

Here each channel keeps the connection details it was opened with and uses them when the
transport has dropped its own. The restore then fails as it should while Redis is down; the
channel logs it and finishes closing, the message stays in Redis' unacked set, the worker
keeps reconnecting (CELERY_BROKER_CONNECTION_MAX_RETRIES = None), and the task's ack, or the
visibility timeout's redelivery, finishes the job once Redis is back.

settings.py selects it with the `qbredis://` scheme in CELERY_BROKER_URL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.transport import TRANSPORT_ALIASES, redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

ALIAS = "qbredis"
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client: Any = None) -> None:
        try:
            super().restore_unacked(client)
        except UNAVAILABLE as error:
            delivered: Any = self._delivered
            # They are still in Redis' unacked set (kombu writes them there on delivery):
            # their ack, or the visibility timeout's redelivery, deals with them. Forgetting
            # them here lets the channel finish closing (kombu would stop half way, and assert
            # on the next close that nothing is left).
            logger.warning(
                "Redis unavailable (%s): %d unacknowledged message(s) left in Redis, "
                "redelivered after the visibility timeout unless acknowledged first",
                error,
                len(delivered),
            )
            delivered.clear()


class Channel(redis.Channel):
    QoS = QoS

    def __init__(self, connection: Any, *args: Any, **kwargs: Any) -> None:
        self._conninfo = connection.client  # the kombu Connection, while it is still known
        self._publisher: Any = None
        super().__init__(connection, *args, **kwargs)

    @contextmanager
    def conn_or_acquire(self, client: Any = None) -> Iterator[Any]:
        # kombu builds a new redis client (its table of ~170 reply callbacks) for every
        # publish: a third of a millisecond of each response POST and each card's square. One
        # client per channel and connection pool does the same (a client takes a pooled
        # connection per command, and is safe to share); a new pool gets a new client.
        if client:
            yield client
            return
        pool = self.pool
        if self._publisher is None or self._publisher.connection_pool is not pool:
            self._publisher = self._create_client()
        yield self._publisher

    def _connparams(self, asynchronous: bool = False) -> Any:
        transport = self.connection
        if transport.client is not None or self._conninfo is None:
            return super()._connparams(asynchronous=asynchronous)
        transport.client = self._conninfo
        try:
            return super()._connparams(asynchronous=asynchronous)
        finally:
            transport.client = None

    def queue_delete(self, queue: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._closing:
            return super().queue_delete(queue, *args, **kwargs)
        # Closing with Redis gone (gossip's auto-delete queue): there is nothing to delete
        # from, and Celery's clean-up would trip on the error (it has dropped the connection
        # whose error classes it means to ignore).
        try:
            return super().queue_delete(queue, *args, **kwargs)
        except UNAVAILABLE:
            logger.info("Redis unavailable: queue %s left for Redis to expire", queue)
            return None


class Transport(redis.Transport):
    Channel = Channel


TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"
