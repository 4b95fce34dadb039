"""Django's PostgreSQL backend, with the connection health check run after an idle spell only.

With CONN_HEALTH_CHECKS, Django asks a persistent connection `SELECT 1` before the first query
of every request: one more round trip on every page, the most expensive part of a share page
after its own statements (issue 14's profile). A connection that served a query a moment ago
is as alive as a `SELECT 1` would prove; one that sat idle (the server may have restarted, a
proxy may have dropped it) is still checked as before. A connection psycopg already knows to
be closed or broken is replaced without asking the server.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base

# Seconds since its last query within which a connection is trusted without a check.
TRUST_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):  # type: ignore[misc]
    used_at = 0.0

    def close_if_health_check_failed(self) -> None:
        conn = self.connection
        # django-stubs does not know these attributes (Django 4.1+).
        due = self.health_check_enabled and not self.health_check_done  # type: ignore[attr-defined,has-type]
        if (
            conn is not None
            and due
            and not getattr(self, "pool", None)
            and time.monotonic() - self.used_at < TRUST_SECONDS
        ):
            if conn.closed or conn.broken:
                self.close()
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _cursor(self, name: str | None = None) -> Any:
        cursor = super()._cursor(name)  # type: ignore[misc]
        self.used_at = time.monotonic()
        return cursor
