"""Share-page throughput: clicks counted per second on /s/<code>/ beside a trivial view.

    .venv/bin/python benchmarks/share_page.py [--seconds 10] [--connections 8] [--workers 2]

Same server as benchmarks/web.py (gunicorn, 2 sync workers, DEBUG off, fresh SQLite in a
temporary DATA_DIR, or BENCH_DATABASE_URL): a visitor completes the demo quiz and shares it on
WhatsApp, then wrk loads
- `/healthz` (the trivial view),
- the share page as new visitors (no cookie: every request is a counted click and mints the
  friend's own link: two inserts),
- the share page as one returning visitor (the click exists: an insert that is ignored),
- the share page as a link-preview bot (a preview row, no cookie).
It prints requests/s, p50/p99 and the ratio to /healthz against GOALS (issue 14), then checks
that the clicks stored equal the new-visitor requests answered (nothing acknowledged was lost
or doubled); it exits 1 if a goal is missed or the count is not exact.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.web import (  # noqa: E402
    ANSWERS,
    PYTHON,
    SLUG,
    UA,
    cards_draw,
    gunicorn_site,
    python_run,
)

BOT = "WhatsApp/2.23.20.0 A"
# Issue 14's goals, as ratios to /healthz in the same run (SQLite and PostgreSQL + Redis alike).
GOALS = {
    "share page, new visitors": 0.5,
    "share page, returning": 0.7,
    "share page, preview bot": 0.85,
}


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, float]:
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        print(out)
        raise SystemExit(f"errors while loading {url}")

    def ms(pct: str) -> float:
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
    }


def pyload(url: str, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, float]:
    rps, p50, p99 = python_run(url, seconds, connections, headers, None, Path("/tmp"))
    return {"rps": rps, "requests": round(rps * seconds), "p50": p50, "p99": p99}


def post_json(url: str, body: dict, cookie: str = "") -> tuple[dict, str]:
    headers = {"Content-Type": "application/json", "User-Agent": UA}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(request) as r:
        cookies = "; ".join(c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or [])
        return json.loads(r.read()), cookies or cookie


def manage_count(env: dict[str, str], code: str) -> int:
    script = (
        "from sharing.models import Click;"
        f"print(Click.objects.filter(share__code={code!r}).count())"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn sync workers (issue 14's table: 2)"
    )
    args = parser.parse_args()
    load = wrk if shutil.which("wrk") else pyload
    with gunicorn_site("qb-share-bench-", args.workers) as (base, env, tmp):
        result, cookie = post_json(f"{base}/api/quizzes/{SLUG}/responses/", {"answers": ANSWERS})
        cards_draw(env, result["id"])  # as the worker does within ~100 ms of the POST
        shared, _ = post_json(
            f"{base}/api/results/{result['id']}/shares/", {"channel": "whatsapp"}, cookie
        )
        path = "/" + shared["share_url"].split("/", 3)[3]
        code = path.strip("/").rsplit("/", 1)[-1]
        with urllib.request.urlopen(
            urllib.request.Request(base + path, headers={"User-Agent": UA})
        ) as r:
            friend = "; ".join(c.split(";")[0] for c in r.headers.get_all("Set-Cookie"))
        before = manage_count(env, code)
        cases = [
            ("bare view /healthz", "/healthz", {}),
            ("share page, new visitors", path, {"User-Agent": UA}),
            ("share page, returning", path, {"User-Agent": UA, "Cookie": friend}),
            ("share page, preview bot", path, {"User-Agent": BOT}),
        ]
        print(
            f"gunicorn {args.workers} sync workers on {base}; load: {load.__name__}, "
            f"{args.connections} connections, {args.seconds}s per URL; database: "
            f"{env.get('DATABASE_URL', f'SQLite in {tmp}')}"
        )
        rows = []
        counted = 0
        for name, url_path, headers in cases:
            if name != "share page, new visitors":
                load(base + url_path, 1, args.connections, headers)  # warm up
            figures = load(base + url_path, args.seconds, args.connections, headers)
            if name == "share page, new visitors":
                counted = figures["requests"]
            rows.append((name, figures))
        bare = rows[0][1]["rps"]
        print(f"{'':28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs bare':>9}  goal")
        met = True
        for name, f in rows:
            goal = GOALS.get(name)
            ok = goal is None or f["rps"] / bare >= goal
            met = met and ok
            verdict = "" if goal is None else f">= {goal:.0%} {'ok' if ok else 'MISSED'}"
            print(
                f"{name:28}{f['rps']:9.0f}{f['p50']:9.1f}{f['p99']:9.1f}{f['rps'] / bare:9.0%}"
                f"  {verdict}"
            )
        stored = manage_count(env, code) - before
        # wrk stops with up to one request per connection in flight: sent (so counted by the
        # server) but not answered in time (so not in wrk's total).
        exact = counted <= stored <= counted + args.connections
        print(
            f"clicks stored in the new-visitor run: {stored}; responses wrk received: "
            f"{counted} (+ at most {args.connections} in flight at the end): "
            f"{'exact' if exact else 'MISMATCH'}"
        )
        return 0 if exact and met else 1


if __name__ == "__main__":
    sys.exit(main())
