"""Run the test suite on SQLite, and on the real PostgreSQL and Redis, side by side.

`python tests/runner.py run` is what `make test` calls. A service that is not reachable is
skipped with a notice on a developer's machine, and is a failure under CI=true.

The two passes run at the same time when the machine has two cores or more (each pass is one
Python process most of the time, so the second core would otherwise idle): the SQLite pass
prints as it goes, the PostgreSQL pass writes `var/test-postgres.log`, printed when it ends.
`TEST_SERIAL=1` runs them one after the other.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), 2):
            return True
    except OSError:
        return False


def redis_sibling(url: str) -> str:
    """The Redis database next to `url`'s (15 -> 14): the SQLite pass's real workers queue
    there, so the PostgreSQL pass, whose cache.clear() empties its own database between
    tests, never drops or steals their messages while both passes run."""
    parsed = urlparse(url)
    number = int(parsed.path.strip("/") or 0)
    return urlunparse(parsed._replace(path=f"/{number - 1 if number else 1}"))


def command(args: list[str]) -> list[str]:
    # The slowest tests of each pass are printed at its end: the suite must stay well under
    # 20 minutes, and this says where its time goes.
    return [sys.executable, "-m", "pytest", "--durations=15", *args]


def main() -> int:
    ci = os.environ.get("CI", "").lower() == "true"
    serial = os.environ.get("TEST_SERIAL", "") not in ("", "0") or (os.cpu_count() or 1) < 2
    extra = sys.argv[2:]
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    # The development settings, as pyproject.toml's pytest env says (also for a pytest
    # without pytest-env installed yet: the settings would otherwise ask for a secret key).
    base["DJANGO_DEBUG"] = "true"
    sqlite_env = dict(base, DATA_DIR=str(ROOT / "var" / "test-sqlite"))
    sqlite_env["TEST_REDIS_URL"] = redis_sibling(REDIS_URL)
    missing = [
        name for name, url in (("PostgreSQL", PG_URL), ("Redis", REDIS_URL)) if not reachable(url)
    ]
    if missing:
        message = f"{' and '.join(missing)} not reachable"
        if ci:
            print(f"FAILED: {message}; under CI=true the services are required.", flush=True)
            return 1
        print("== Tests on SQLite and the embedded broker", flush=True)
        code = subprocess.call(command(extra), cwd=ROOT, env=sqlite_env)
        print(f"SKIPPED the PostgreSQL + Redis run: {message}.", flush=True)
        return code
    pg_env = dict(base, DATABASE_URL=PG_URL, REDIS_URL=REDIS_URL, TEST_REDIS_URL=REDIS_URL)
    pg_env["DATA_DIR"] = str(ROOT / "var" / "test-postgres")
    # Browser tests run in the first pass only; the service-level behaviour is what this
    # second pass checks. Tests of pure functions (marked pure, using no database) would run
    # the same code again.
    pg_cmd = command(["-m", "not browser", "--skip-pure", *extra])
    if serial:
        print("== Tests on SQLite and the embedded broker", flush=True)
        code = subprocess.call(command(extra), cwd=ROOT, env=sqlite_env)
        if code:
            return code
        print("== Tests on PostgreSQL and Redis (broker, cache, rate limits)", flush=True)
        return subprocess.call(pg_cmd, cwd=ROOT, env=pg_env)
    log = ROOT / "var" / "test-postgres.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"== Tests on PostgreSQL and Redis, in the background: {log}", flush=True)
    with log.open("w", encoding="utf-8") as out:
        pg = subprocess.Popen(pg_cmd, cwd=ROOT, env=pg_env, stdout=out, stderr=subprocess.STDOUT)
        print("== Tests on SQLite and the embedded broker", flush=True)
        try:
            sqlite_code = subprocess.call(command(extra), cwd=ROOT, env=sqlite_env)
            pg_code = pg.wait()
        finally:
            if pg.poll() is None:  # interrupted: do not leave the second pass running
                pg.terminate()
                pg.wait()
    print("== Tests on PostgreSQL and Redis (broker, cache, rate limits)", flush=True)
    print(log.read_text(encoding="utf-8", errors="replace"), end="", flush=True)
    print(f"== SQLite pass: exit {sqlite_code}; PostgreSQL + Redis pass: exit {pg_code}")
    return sqlite_code or pg_code


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "run":
        sys.exit("usage: tests/runner.py run [pytest args]")
    sys.exit(main())
