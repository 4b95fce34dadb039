"""A Redis cache that degrades to misses when Redis is away, instead of failing the request.

Every page, the quiz API and the response POST read the published quiz through the cache; with
Django's RedisCache a stopped Redis turns each of them into a 500. Here a connection error or a
timeout is logged (once per outage and process, not once per call) and answered as a miss:
`get` returns the default, `add` claims the key (True, so callers that skip work when a key
exists do the work), `incr` finds no key (ValueError, as for any missing key), writes do
nothing. The caller then reads the database, as on any miss.

While Redis is known to be down the cache does not try it again for `RETRY_SECONDS`, so one
outage costs each process one connection timeout every few seconds rather than one per call
(the state is per process and server, not per cache object: see `Health`).
Deletes that fail are kept (up to `PENDING_MAX` keys) and sent again when Redis answers, so a
quiz published during the outage does not find its old cached version waiting afterwards.

django-redis has an IGNORE_EXCEPTIONS option for the first part, but it logs on every call,
answers `incr` with None, and would replace Django's own backend; this subclass is smaller.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 2.0
PENDING_MAX = 10_000


@dataclass
class Health:
    """What this process knows of one Redis server. Shared by every cache object on it:
    Django makes one per thread, and a threaded server (runserver, gunicorn's gthread) a new
    thread per request, so state kept on the object would forget the outage at each request."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    down_until: float = 0.0  # monotonic time before which Redis is not tried
    down_since: float | None = None  # wall time of the outage's first failure
    pending_deletes: set[str] = field(default_factory=set)
    pending_clear: bool = False


_health: dict[str, Health] = {}
_health_lock = threading.Lock()


def health_for(servers: list[str]) -> Health:
    with _health_lock:
        return _health.setdefault(",".join(servers), Health())


class LocalCopies:
    """Copies, in this process and for a few seconds, of values also kept in Redis: a hot
    page read on every request then costs no round trip. Only where a value may be that
    stale in other processes; the process that changes it calls `clear`, and so does the
    cache's own `clear` (the tests' clean slate)."""

    def __init__(self, max_entries: int = 2000) -> None:
        self._items: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: str) -> Any:
        hit = self._items.get(key)
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def put(self, key: str, value: Any, seconds: float) -> None:
        with self._lock:
            if len(self._items) >= self._max:  # many keys at once: start again
                self._items.clear()
            self._items[key] = (time.monotonic() + seconds, value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_copies = LocalCopies()
# Keys this process knows to be set in the shared cache until at least their expiry (a
# visitor's view counted today): asking again would only confirm it. Many more of them than
# of copies, and each one small.
_marks = LocalCopies(max_entries=20_000)

# claim_counted in one round trip, atomic in Redis: -1 when KEYS[1] is already set; else,
# with a counter (KEYS[2]), one hit counted in its window and -2 past ARGV[3] (KEYS[1] left
# unset, so a later claim within the limit may still succeed); else KEYS[1] is set, and the
# count (0 without a counter) returned.
CLAIM_SCRIPT = """
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local count = 0
if #KEYS > 1 then
  count = redis.call('INCR', KEYS[2])
  if count == 1 then redis.call('EXPIRE', KEYS[2], ARGV[4]) end
  if count > tonumber(ARGV[3]) then return -2 end
end
redis.call('SET', KEYS[1], 1, 'EX', ARGV[2])
return count
"""
CLAIMED_ALREADY = -1
CLAIM_OVER_LIMIT = -2


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, answering a miss while Redis cannot be reached."""

    # Every web process reads and clears the same entries (quizzes.selectors caches longer).
    shared = True

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._health = health_for(self._servers)  # type: ignore[attr-defined]
        self.local_copies = _copies
        self.local_marks = _marks
        self._claim_script: Any = None

    # --- availability --------------------------------------------------------------------

    def available(self) -> bool:
        """False while Redis is known to be down (callers such as rate limits fall back)."""
        return self._health.down_since is None or time.monotonic() >= self._health.down_until

    def _call(self, operation: str, call: Callable[[], T], miss: T) -> T:
        if time.monotonic() < self._health.down_until:
            return miss
        try:
            if self._health.down_since is not None:
                # Redis may be back: first the deletes it missed, so that no stale value is
                # read, then the call.
                self._recovered()
            return call()
        except UNAVAILABLE as error:
            self._failed(operation, error)
            return miss

    def _failed(self, operation: str, error: BaseException) -> None:
        with self._health.lock:
            first = self._health.down_since is None
            if first:
                self._health.down_since = time.time()
            self._health.down_until = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "Redis cache unavailable (%s: %s); serving without the cache, "
                "retrying every %.1f s",
                operation,
                error,
                RETRY_SECONDS,
            )

    def _recovered(self) -> None:
        with self._health.lock:
            pending, self._health.pending_deletes = self._health.pending_deletes, set()
            clear, self._health.pending_clear = self._health.pending_clear, False
        try:
            if clear:
                self._cache.clear()  # type: ignore[attr-defined]
            elif pending:
                self._cache.delete_many(list(pending))  # type: ignore[attr-defined]
            else:
                self._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
        except UNAVAILABLE:  # still down: keep them for the next try
            with self._health.lock:
                self._health.pending_deletes |= pending
                self._health.pending_clear |= clear
            raise
        with self._health.lock:
            since, self._health.down_since = self._health.down_since, None
        if since is not None:  # not already said by another thread
            logger.warning(
                "Redis cache available again after %.1f s; replayed %s",
                time.time() - since,
                "a clear" if clear else f"{len(pending)} delete(s)",
            )

    def _remember_delete(self, keys: list[str]) -> None:
        with self._health.lock:
            self._health.pending_deletes.update(keys)
            if len(self._health.pending_deletes) > PENDING_MAX:  # too many to track: clear instead
                self._health.pending_deletes.clear()
                self._health.pending_clear = True

    # --- the cache API: misses while Redis is down ---------------------------------------

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", partial(super().get, key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return self._call("get_many", partial(super().get_many, keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call("has_key", partial(super().has_key, key, version), False)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        # True: the key was not there, so the caller does the work it guards (a database
        # write with its own unique constraint, a log line).
        return self._call("add", partial(super().add, key, value, timeout, version), True)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._call("set", partial(super().set, key, value, timeout, version), None)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        # Django's contract: the keys that could not be stored.
        return self._call("set_many", partial(super().set_many, data, timeout, version), list(data))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call("touch", partial(super().touch, key, timeout, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        value = self._call("incr", partial(super().incr, key, delta, version), None)
        if value is None:  # what incr does for any missing key
            raise ValueError(f"Key {key!r} not found (the cache is unavailable).")
        return value

    def delete(self, key: Any, version: int | None = None) -> bool:
        deleted = self._call("delete", partial(super().delete, key, version), None)
        if deleted is None:
            self._remember_delete([self.make_and_validate_key(key, version=version)])
            return False
        return deleted

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        keys = list(keys)
        if not self._call("delete_many", partial(self._delete_many, keys, version), False):
            self._remember_delete([self.make_and_validate_key(k, version=version) for k in keys])

    def _delete_many(self, keys: list[Any], version: int | None) -> bool:
        super().delete_many(keys, version)
        return True

    def claim_counted(
        self,
        key: str,
        timeout: int,
        *,
        if_absent: bool = True,
        counter: str | None = None,
        limit: int = 0,
        window: int = 0,
    ) -> int | None:
        """Set `key` for `timeout` seconds unless it is set (`if_absent`), and count one hit
        in `counter` (created for `window` seconds) first, in one round trip (CLAIM_SCRIPT).
        CLAIMED_ALREADY: `key` was set, nothing counted. CLAIM_OVER_LIMIT: the count passed
        `limit`, `key` not set. Else the count (0 without a counter). None while Redis is
        unavailable: the caller does the same with add() and incr(), counted in-process."""
        keys = [self.make_and_validate_key(key)]
        if counter is not None:
            keys.append(self.make_and_validate_key(counter))
        args = [int(if_absent), int(timeout), int(limit), int(window)]
        return self._call("claim", partial(self._claim, keys, args), None)

    def _claim(self, keys: list[str], args: list[int]) -> int:
        client = self._cache.get_client(keys[0], write=True)  # type: ignore[attr-defined]
        if self._claim_script is None:  # EVALSHA, loading the script the first time
            self._claim_script = client.register_script(CLAIM_SCRIPT)
        return int(self._claim_script(keys=keys, args=args, client=client))

    def clear(self) -> None:
        self.local_copies.clear()
        self.local_marks.clear()
        if not self._call("clear", self._clear, False):
            with self._health.lock:
                self._health.pending_clear = True

    def _clear(self) -> bool:
        super().clear()
        return True


class LocalMemoryCache(LocMemCache):
    """Django's in-process cache (the default without Redis), with the same local copies and
    marks as ResilientRedisCache: a hot page's values are read without unpickling them. The
    cache is already this process's own, so a copy is no staler than the value it copies."""

    shared = False  # a delete reaches this process only

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        self.local_copies = _copies
        self.local_marks = _marks

    def clear(self) -> None:
        self.local_copies.clear()
        self.local_marks.clear()
        super().clear()
