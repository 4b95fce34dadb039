"""A spike of visitors on a share tree, then every stats.md figure checked to the unit.

    .venv/bin/python benchmarks/spike.py [--visitors 3000] [--seconds 60] [--web 2] \
        [--workers 2] [--threads 32] [--seed 1] [--sqlite] [--db-prefix spike_]

A fresh site: PostgreSQL (BENCH_DATABASE_URL, by default a new database `<db-prefix><hex>` on
postgres://postgres@127.0.0.1:5432 that it drops at the end) and Redis (BENCH_REDIS_URL,
default redis://127.0.0.1:6379/9, flushed first: that db only), or `--sqlite` for the embedded
default (SQLite and the filesystem broker in a temporary DATA_DIR). It serves the site with
`--web` gunicorn instances (one sync worker each, requests round robin between them) and
`--workers` Celery workers (solo pool each), loads the demo quizzes, and plays a share tree
(benchmarks/sharetree.py, benchmarks/shareplay.py) from `--threads` virtual users for at most
`--seconds`. It prints the throughput held, p50/p99 per path, the worker queue's length
sampled every second (max, p95), the card-ready p95 (response POST to the result's image
"ready", every 5th result polled), and after the queue drains, a table of every figure of
`GET /api/quizzes/<slug>/stats/` against the tree's ground truth; exit status 1 on any
mismatch or failed request.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.shareplay import PATHS, Player  # noqa: E402
from benchmarks.sharetree import compare, plan_make  # noqa: E402
from benchmarks.web import GUNICORN, PYTHON, SLUG, free_port, setup, wait_up  # noqa: E402
from benchmarks.web import site_env as web_site_env  # noqa: E402

PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
REDIS_DEFAULT = "redis://127.0.0.1:6379/9"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextmanager
def database(sqlite: bool, prefix: str) -> Iterator[str | None]:
    """The database URL (None: SQLite in DATA_DIR); a fresh PostgreSQL database by default."""
    if sqlite:
        yield None
        return
    if os.environ.get("BENCH_DATABASE_URL"):
        yield os.environ["BENCH_DATABASE_URL"]
        return
    import psycopg

    name = f"{prefix}{secrets.token_hex(4)}"
    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_SERVER + name
    finally:
        with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), 1):
            return True
    except OSError:
        return False


def queue_length(env: dict[str, str], data: Path) -> int:
    """Messages waiting for a worker: the Redis list of the `celery` queue (and its priority
    lists), or the embedded broker's message files."""
    if "REDIS_URL" not in env:
        return sum(1 for _ in (data / "broker" / "in").glob("*.msg"))
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    return sum(int(client.llen(k)) for k in ("celery", *(f"celery\x06\x16{p}" for p in (3, 6, 9))))


def site_env(tmp: Path, db: str | None, port: int) -> dict[str, str]:
    env = web_site_env(tmp, port)
    if db is not None:
        env["DATABASE_URL"] = db
        env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL") or REDIS_DEFAULT
    return env


def redis_flush(url: str) -> None:
    import redis

    parsed = urlparse(url)
    if (parsed.path or "/0").strip("/") in ("", "0") and "BENCH_REDIS_URL" not in os.environ:
        raise SystemExit("refusing to flush Redis db 0")
    redis.Redis.from_url(urlunparse(parsed)).flushdb()


def serve(stack: ExitStack, env: dict[str, str], ports: list[int], workers: int) -> list[str]:
    """gunicorn instances (one sync worker each) and Celery workers (solo), stopped with the
    stack. Returns the servers' base URLs once they answer."""
    logs = Path(env["DATA_DIR"])
    procs = [
        subprocess.Popen(
            [
                GUNICORN,
                "quizbuilder.wsgi",
                "--workers",
                "1",
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    for i in range(workers):
        log = open(logs / f"worker-{i}.log", "wb")  # noqa: SIM115 (closed with the stack)
        stack.callback(log.close)
        procs.append(
            subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "quizbuilder",
                    "worker",
                    "--pool",
                    "solo",
                    "--loglevel",
                    "WARNING",
                    "--hostname",
                    f"spike{i}-{secrets.token_hex(3)}@%h",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )

    def stop() -> None:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()

    stack.callback(stop)
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    for base in bases:
        wait_up(base)
    return bases


def manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return out.strip().splitlines()[-1]


def sampler(env: dict[str, str], data: Path, samples: list[int], stop: threading.Event) -> None:
    while not stop.wait(1.0):
        try:
            samples.append(queue_length(env, data))
        except Exception:  # noqa: S112 (a sample missed is reported as fewer samples)
            continue


def questions_of(base: str) -> list[dict]:
    # No User-Agent: a preview bot to the site, so this read counts no view.
    import http.client

    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    conn.request("GET", f"/api/quizzes/{SLUG}/")
    return json.loads(conn.getresponse().read())["questions"]


def stats_of(base: str, token: str) -> dict:
    request = urllib.request.Request(
        f"{base}/api/quizzes/{SLUG}/stats/", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as r:
        return json.loads(r.read())


def drain(env: dict[str, str], data: Path, timeout: float = 300) -> float:
    """Seconds until the queue stays empty (the workers took every card)."""
    start = time.monotonic()
    empty_since = None
    while time.monotonic() - start < timeout:
        if queue_length(env, data) == 0:
            empty_since = empty_since or time.monotonic()
            if time.monotonic() - empty_since >= 2:
                break
        else:
            empty_since = None
        time.sleep(0.25)
    return time.monotonic() - start


def report(player: Player, spike: float, lag: list[int], plan_size: int) -> None:
    answered = sum(len(v) for v in player.latency.values())
    print(
        f"visitors played: {len(player.played)} of {plan_size}; requests answered: "
        f"{answered} in {spike:.1f} s: {answered / spike:.0f} req/s held"
    )
    planned = sum(len(v.script) for v in player.plan.visitors.values())
    print(
        f"offered: the whole tree is {planned} visitor actions and "
        f"{sum(len(b) for b in player.plan.bots.values())} bot fetches"
    )
    print(f"{'path':20}{'n':>8}{'p50 ms':>10}{'p99 ms':>10}")
    for path in PATHS:
        values = player.latency[path]
        print(f"{path:20}{len(values):8}{pct(values, 0.5):10.1f}{pct(values, 0.99):10.1f}")
    print(
        f"worker queue length (every 1 s, {len(lag)} samples): max {max(lag, default=0)}, "
        f"p95 {pct([float(x) for x in lag], 0.95) if lag else 0:.0f}"
    )
    ready = player.card_ready
    print(
        f"card ready after the response POST ({len(ready)} of {player.card_sampled} sampled "
        f"results; {player.card_failed} failed): p50 {pct(ready, 0.5) * 1000:.0f} ms, "
        f"p95 {pct(ready, 0.95) * 1000:.0f} ms"
    )


def check(player: Player, got: dict, questions: list[str]) -> bool:
    rows = compare(player.truth.expected([], questions), got)
    wide = [max(len(str(r[i])) for r in rows) + 2 for i in range(3)]
    print(f"{'figure':{wide[0]}}{'expected':>{wide[1]}}{'got':>{wide[2]}}  OK")
    for name, want, have, ok in rows:
        mark = "ok" if ok else "MISMATCH"
        print(f"{name:{wide[0]}}{want!s:>{wide[1]}}{have!s:>{wide[2]}}  {mark}")
    bad = [r[0] for r in rows if not r[3]]
    tail = f"; MISMATCH: {', '.join(bad)}" if bad else ""
    print(f"{len(rows) - len(bad)} of {len(rows)} figures exact{tail}")
    return not bad


def command_check(player: Player, env: dict[str, str], questions: list[str]) -> bool:
    """`manage.py quiz_stats` prints the same figures."""
    out = subprocess.run([PYTHON, "manage.py", "quiz_stats", SLUG], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    rows = compare(player.truth.expected([], questions), json.loads(out))
    bad = [r[0] for r in rows if not r[3]]
    tail = f"; MISMATCH: {', '.join(bad)}" if bad else ""
    print(f"manage.py quiz_stats {SLUG}: {len(rows) - len(bad)} of {len(rows)} exact{tail}")
    return not bad


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--web", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--db-prefix", default="spike_")
    args = parser.parse_args()
    if not args.sqlite and not os.environ.get("BENCH_DATABASE_URL"):
        missing = [n for n, port in (("PostgreSQL", 5432), ("Redis", 6379)) if not listening(port)]
        if missing:
            print(f"{' and '.join(missing)} not reachable on 127.0.0.1: running on SQLite")
            args.sqlite = True
    tmp = Path(tempfile.mkdtemp(prefix="qb-spike-"))
    ports = [free_port() for _ in range(args.web)]
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, True)
        db = stack.enter_context(database(args.sqlite, args.db_prefix))
        env = site_env(tmp, db, ports[0])
        if "REDIS_URL" in env:
            redis_flush(env["REDIS_URL"])
        setup(env)
        token = manage(env, "create_api_token", "editor")
        bases = serve(stack, env, ports, args.workers)
        questions = questions_of(bases[0])
        plan = plan_make(
            seed=args.seed, visitors=args.visitors, questions=questions, seconds=args.seconds
        )
        where = "SQLite + embedded broker" if db is None else f"{db} + {env['REDIS_URL']}"
        print(
            f"{args.web} gunicorn (1 sync worker each) + {args.workers} Celery workers on "
            f"{where}; "
            f"{len(plan.visitors)} visitors (seed {args.seed}), {args.threads} virtual users, "
            f"{args.seconds:.0f} s"
        )
        player = Player(plan, bases, SLUG, threads=args.threads)
        lag: list[int] = []
        stop = threading.Event()
        threading.Thread(target=sampler, args=(env, tmp, lag, stop), daemon=True).start()
        spike = player.run(args.seconds)
        stop.set()
        report(player, spike, lag, len(plan.visitors))
        print(f"queue drained {drain(env, tmp):.1f} s after the spike's end")
        keys = [q["key"] for q in questions]
        ok = check(player, stats_of(bases[0], token), keys)
        ok = command_check(player, env, keys) and ok
        for error in player.errors[:20]:
            print("failed request:", error)
        if player.errors:
            print(f"{len(player.errors)} requests failed: the ground truth is not known for them")
        return 0 if ok and not player.errors else 1


if __name__ == "__main__":
    sys.exit(main())
