"""The embedded broker never hands out a half-written message."""

from __future__ import annotations

import os
import threading

from kombu import Connection


def options(tmp_path):
    for sub in ("in", "processed"):
        (tmp_path / sub).mkdir()
    return {
        "data_folder_in": str(tmp_path / "in"),
        "data_folder_out": str(tmp_path / "in"),
        "processed_folder": str(tmp_path / "processed"),
        "polling_interval": 0.01,
    }


def test_messages_written_while_a_consumer_polls_all_arrive_whole(tmp_path):
    import quizbuilder.fsbroker  # noqa: F401  (registers qbfs://)

    transport_options = options(tmp_path)
    sent = [{"n": i, "pad": "x" * 50_000} for i in range(200)]
    received = []

    def produce():
        with Connection("qbfs://", transport_options=transport_options) as conn:
            queue = conn.SimpleQueue("cards")
            for body in sent:
                queue.put(body)

    with Connection("qbfs://", transport_options=transport_options) as conn:
        queue = conn.SimpleQueue("cards")
        producer = threading.Thread(target=produce)
        producer.start()
        while len(received) < len(sent):
            message = queue.get(timeout=10)
            received.append(message.payload["n"])
            message.ack()
        producer.join()

    assert sorted(received) == list(range(200))
    assert os.listdir(tmp_path / "in") == []
    assert [n for n in os.listdir(tmp_path / "processed") if not n.startswith(".")] == []
