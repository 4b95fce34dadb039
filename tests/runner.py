"""Run the test suite on SQLite, then on the real PostgreSQL and Redis.

`python tests/runner.py run` is what `make test` calls. A service that is not reachable is
skipped with a notice on a developer's machine, and is a failure under CI=true.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

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


def pytest(args: list[str], env: dict[str, str]) -> int:
    # The slowest tests of each pass are printed at its end: the suite must stay well under
    # 20 minutes, and this says where its time goes.
    cmd = [sys.executable, "-m", "pytest", "--durations=15", *args]
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT, env=env)


def main() -> int:
    ci = os.environ.get("CI", "").lower() == "true"
    extra = sys.argv[2:]
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    base["DATA_DIR"] = str(ROOT / "var" / "test-sqlite")
    base["TEST_REDIS_URL"] = REDIS_URL
    # The development settings, as pyproject.toml's pytest env says (also for a pytest
    # without pytest-env installed yet: the settings would otherwise ask for a secret key).
    base["DJANGO_DEBUG"] = "true"
    print("== Tests on SQLite and the embedded broker", flush=True)
    code = pytest(extra, base)
    if code not in (0,):
        return code
    missing = [
        name for name, url in (("PostgreSQL", PG_URL), ("Redis", REDIS_URL)) if not reachable(url)
    ]
    if missing:
        message = f"{' and '.join(missing)} not reachable"
        if ci:
            print(f"FAILED: {message}; under CI=true the services are required.", flush=True)
            return 1
        print(f"SKIPPED the PostgreSQL + Redis run: {message}.", flush=True)
        return 0
    print("== Tests on PostgreSQL and Redis (broker, cache, rate limits)", flush=True)
    env = dict(base, DATABASE_URL=PG_URL, REDIS_URL=REDIS_URL)
    env["DATA_DIR"] = str(ROOT / "var" / "test-postgres")
    # Browser tests ran already; the service-level behaviour is what this second run checks.
    # Tests of pure functions (marked pure, using no database) would run the same code again.
    return pytest(["-m", "not browser", "--skip-pure", *extra], env)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "run":
        sys.exit("usage: tests/runner.py run [pytest args]")
    sys.exit(main())
