"""One HTTP POST to a webhook, connected to an address checked by webhooks.addresses.

http.client with the socket opened to the checked address (TLS still verifies the URL's
host name), so a DNS answer that changes between the check and the connection cannot send
the request inside the network. Only the status and the first KB of the body are read.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .addresses import IPAddress

BODY_KEPT = 1024


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: str
    ms: int
    error: str = ""


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(
    url: str, *, address: IPAddress, body: bytes, headers: dict[str, str], timeout: float
) -> Answer:
    """POST `body` to `url` through `address`; never raises (a failure is an Answer with
    `error`). The status must come within `timeout` seconds; redirects are not followed (a
    3xx is a failure: a redirect could lead inside the network)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    scheme_cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = scheme_cls(host, port, address=str(address), timeout=timeout)
    started = time.monotonic()
    try:
        connection.request("POST", path, body=body, headers={**headers, "Connection": "close"})
        # The answer must come within `timeout` of the start, not of the last byte sent.
        if connection.sock is not None:
            connection.sock.settimeout(max(0.05, timeout - (time.monotonic() - started)))
        response = connection.getresponse()
        raw = response.read(BODY_KEPT)
        ms = round((time.monotonic() - started) * 1000)
        # Text as the log stores it: PostgreSQL refuses NUL in text.
        text = raw.decode("utf-8", "replace").replace("\x00", "\ufffd")
        return Answer(status=response.status, body=text, ms=ms)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        ms = round((time.monotonic() - started) * 1000)
        reason = "timed out" if isinstance(exc, TimeoutError | socket.timeout) else str(exc)
        error = f"{type(exc).__name__}: {reason}".replace("\x00", "\ufffd")[:300]
        return Answer(status=None, body="", ms=ms, error=error)
    finally:
        connection.close()
