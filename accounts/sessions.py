"""The session engine: Django's database sessions, refusing cookies that cannot be a key.

Django makes session keys of 32 lowercase letters and digits but looks up whatever the
cookie holds; PostgreSQL answers a NUL in that lookup with an error, so a garbage `sessionid`
cookie turned every page into a 500. A key Django cannot have made is treated as no session.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        # Not in django-stubs: the hook SessionBase calls on every key it is given.
        valid = super()._validate_session_key(key)  # type: ignore[misc]
        return bool(valid) and set(key or "") <= set(VALID_KEY_CHARS)
