"""The Redis broker's transport (quizbuilder/redisbroker.py) publishes with one Redis client
per channel, not a new one per message (issue 14: a third of a publish's CPU), and a new one
once the channel's pool is replaced. On this test's own redis-server."""

from __future__ import annotations

import pytest
import redis
from kombu import Connection, Exchange, Producer, Queue

from quizbuilder import redisbroker  # noqa: F401  (registers qbredis://)

pytestmark = pytest.mark.redis


def test_messages_are_published_with_one_client_per_pool(own_redis, monkeypatch):
    made: list[object] = []
    init = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        init(self, *args, **kwargs)

    queue = Queue("cards", Exchange("cards", type="direct"), routing_key="cards")
    url = own_redis.url.replace("redis://", "qbredis://")
    with Connection(url) as connection:
        channel = connection.channel()
        producer = Producer(channel)
        producer.publish({"n": 0}, exchange=queue.exchange, routing_key="cards", declare=[queue])
        monkeypatch.setattr(redis.Redis, "__init__", counting)
        for n in range(1, 4):
            producer.publish({"n": n}, exchange=queue.exchange, routing_key="cards")
        assert made == []  # the first publish made the channel's client; these reuse it

        channel._disconnect_pools()  # as a reconnecting channel does
        producer.publish({"n": 4}, exchange=queue.exchange, routing_key="cards")
        assert len(made) == 1

    assert redis.Redis.from_url(own_redis.url).llen("cards") == 5
