"""Web throughput: a quiz page and a response POST beside a trivial Django view.

    .venv/bin/python benchmarks/web.py [--seconds 10] [--connections 8] [--rounds 1] [--workers 2]

Serves the site with gunicorn (2 sync workers) on 127.0.0.1 from a fresh DATA_DIR in a
temporary folder (migrated, demo quizzes loaded with `manage.py load_demo`, DEBUG off, rate
limits off), loads it with wrk (Debian's `wrk`; a threaded Python load generator when wrk is
not installed) for a fixed time per URL, and prints requests/s, p50 and p99 latency, and each
figure's ratio to the trivial `/healthz` view. Goals: quiz page (new visitors) >= 75%,
response POST >= 35%. With `--rounds N` each URL is loaded N times in turn, for seconds/N each
(requests/s and p50 averaged, the worst p99): on a machine whose load changes during the run,
every ratio then sees the same changes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148 Safari/604.1"
SLUG = "which-morning-drink"
ANSWERS = {"alarm": "up", "weekend": "project", "music": "techno", "name": "Ada"}
GOALS = {"quiz page (new visitors)": 0.75, "response POST": 0.35}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(env: dict[str, str]) -> None:
    for args in (
        ["migrate", "--noinput", "-v", "0"],
        ["load_demo"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    cards_draw(env)


def cards_draw(env: dict[str, str], result_id: str = "") -> None:
    """Draw the cards a worker draws in production (no worker runs here): the quiz cards of
    the published versions (at publish) and, given one, a result's (right after its POST;
    benchmarks/card_worker.py: ready p95 < 100 ms). Until drawn, pages that show a card look
    it up on every request, which production does for a few milliseconds only."""
    code = (
        "from quizzes.models import Quiz\n"
        "from sharing.tasks import render_fallback_card, render_result_card\n"
        "for v in Quiz.objects.exclude(live_version=None).values_list('live_version', flat=True):\n"
        "    render_fallback_card(v)\n"
        f"if {result_id!r}:\n"
        f"    render_result_card({result_id!r})\n"
    )
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def wrk_run(
    url: str, seconds: int, connections: int, headers: dict[str, str], body: str | None, tmp: Path
) -> tuple[float, float, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    if body is not None:
        script = tmp / "post.lua"
        script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n')
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        print(out)
        raise SystemExit(f"errors while loading {url}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(pct: str) -> float:
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return rps, ms("50"), ms("99")


def python_run(
    url: str, seconds: int, connections: int, headers: dict[str, str], body: str | None, tmp: Path
) -> tuple[float, float, float]:
    host, port_path = url.split("://", 1)[1].split(":", 1)
    port, path = port_path.split("/", 1)
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port))
        mine = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            conn.request("POST" if body else "GET", "/" + path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                raise SystemExit(f"{url}: {response.status}")
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q = statistics.quantiles(latencies, n=100)
    return len(latencies) / seconds, q[49], q[98]


def site_env(tmp: Path, port: int) -> dict[str, str]:
    """A benchmark site's environment: its own DATA_DIR, DEBUG and rate limits off, served
    on 127.0.0.1:`port`; no DATABASE_URL or REDIS_URL (the callers point it at servers)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATA_DIR=str(tmp),
        DJANGO_DEBUG="false",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        RATELIMIT_ENABLED="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # A Redis cache of its own: an earlier run's (or a test's) cached quiz, with another
        # database's ids, is never read.
        CACHE_KEY_PREFIX=f"bench-{secrets.token_hex(4)}",
    )
    return env


@contextmanager
def gunicorn_site(prefix: str, workers: int = 2) -> Iterator[tuple[str, dict[str, str], Path]]:
    """A fresh site on gunicorn (`workers` sync workers) on 127.0.0.1: its own DATA_DIR, migrated,
    demo quizzes loaded, DEBUG and rate limits off. BENCH_DATABASE_URL / BENCH_REDIS_URL
    point it at servers. Yields (base URL, its environment, its DATA_DIR)."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    port = free_port()
    env = site_env(tmp, port)
    for name in ("BENCH_DATABASE_URL", "BENCH_REDIS_URL"):
        if os.environ.get(name):
            env[name.removeprefix("BENCH_")] = os.environ[name]
    setup(env)
    server = subprocess.Popen(
        [
            GUNICORN,
            "quizbuilder.wsgi",
            "--workers",
            str(workers),
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
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(base)
        yield base, env, tmp
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn sync workers (issue 14's table: 2)"
    )
    args = parser.parse_args()
    tool = "wrk" if shutil.which("wrk") else "python-threads"
    run = wrk_run if tool == "wrk" else python_run
    with gunicorn_site("qb-bench-", args.workers) as (base, env, tmp):
        # A returning visitor: one cookie, view already counted today.
        with urllib.request.urlopen(
            urllib.request.Request(f"{base}/q/{SLUG}/", headers={"User-Agent": UA})
        ) as r:
            cookie = "; ".join(c.split(";")[0] for c in r.headers.get_all("Set-Cookie"))
        post = json.dumps({"answers": ANSWERS})
        cases = [
            ("bare view /healthz", "/healthz", {}, None),
            ("quiz page (new visitors)", f"/q/{SLUG}/", {"User-Agent": UA}, None),
            ("quiz page (returning)", f"/q/{SLUG}/", {"User-Agent": UA, "Cookie": cookie}, None),
            (
                "response POST",
                f"/api/quizzes/{SLUG}/responses/",
                {"User-Agent": UA, "Content-Type": "application/json"},
                post,
            ),
        ]
        print(
            f"gunicorn {args.workers} sync workers on {base}; load: {tool}, {args.connections} "
            f"connections, {args.seconds}s per URL in {args.rounds} round(s); "
            f"{'PostgreSQL' if 'DATABASE_URL' in env else 'SQLite'} (DATA_DIR {tmp})"
        )
        for _name, path, headers, body in cases:
            run(base + path, 1, args.connections, headers, body, tmp)  # warm up
        slice_seconds = max(1, args.seconds // args.rounds)
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name, *_ in cases}
        for _round in range(args.rounds):
            for name, path, headers, body in cases:
                runs[name].append(
                    run(base + path, slice_seconds, args.connections, headers, body, tmp)
                )
        rows = [
            (
                name,
                statistics.mean(r[0] for r in runs[name]),
                statistics.mean(r[1] for r in runs[name]),
                max(r[2] for r in runs[name]),
            )
            for name, *_ in cases
        ]
        bare = rows[0][1]
        print(f"{'':28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs bare':>9}  goal")
        ok = True
        for name, rps, p50, p99 in rows:
            goal = GOALS.get(name)
            verdict = (
                ""
                if goal is None
                else (f">= {goal:.0%} {'ok' if rps / bare >= goal else 'MISSED'}")
            )
            ok = ok and (goal is None or rps / bare >= goal)
            print(f"{name:28}{rps:9.0f}{p50:9.2f}{p99:9.2f}{rps / bare:9.0%}  {verdict}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
