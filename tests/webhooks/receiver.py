"""A small HTTP receiver on 127.0.0.1 for webhook tests: a thread running http.server on a
free port that records every POST and answers as told (fail the first N, or sleep first)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the request arrived
    answered_at: float = 0.0


@dataclass
class Receiver:
    fail_first: int = 0  # answer 500 to this many requests, then 200
    sleep: float = 0.0  # seconds to wait before answering
    answer: bytes = b"thanks"  # the body of a 200
    received: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def http_receiver(*, fail_first: int = 0, sleep: float = 0.0) -> Iterator[Receiver]:
    state = Receiver(fail_first=fail_first, sleep=sleep)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            item = Received(self.path, dict(self.headers.items()), body, time.monotonic())
            with state.lock:
                state.received.append(item)
                failing = len(state.received) <= state.fail_first
            time.sleep(state.sleep)
            status, text = (500, b"not yet") if failing else (200, state.answer)
            self.send_response(status)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)
            item.answered_at = time.monotonic()

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
