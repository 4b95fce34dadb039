"""Where each hot path's time goes: py-spy samples the gunicorn workers while wrk loads one path.

    .venv/bin/python benchmarks/profile_paths.py [--seconds 6] [--connections 8] [--rate 200]

Same site as benchmarks/web.py and benchmarks/share_page.py (gunicorn, 2 sync workers, DEBUG
off, a fresh SQLite DATA_DIR or BENCH_DATABASE_URL / BENCH_REDIS_URL). For /healthz, the quiz
page (new visitors), the share page (new visitors, a returning friend, a link-preview bot) and
the response POST, it records the workers' stacks with py-spy (idle time included: a worker
waiting on the database's commit is time the path costs) and sorts every sample by the
innermost frame that belongs to a known layer, the standard library aside (json under our code
is our code's time). It prints each layer's milliseconds per request, and what each path costs
over /healthz: the gap issue 14's ratios measure. Sampling slows the server, so the absolute
figures are higher than benchmarks/web.py's; the shares are what this is for.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.share_page import BOT, post_json  # noqa: E402
from benchmarks.web import ANSWERS, SLUG, UA, cards_draw, gunicorn_site  # noqa: E402

PY_SPY = str(Path(sys.executable).with_name("py-spy"))
STDLIB = Path(sysconfig.get_paths()["stdlib"])
OURS = {"core", "quizzes", "sharing", "integrations", "webhooks", "quizbuilder", "accounts"}
IDLE = "idle: waiting for the next request"
# gunicorn 27 half-closes each connection and reads until the client closes its side
# (RFC 9112 9.6): a round trip to wrk that a sync worker spends waiting, on every path alike.
CLOSE = "gunicorn: waiting for the client's close"
# (layer, what a frame's file path starts with; py-spy writes them relative to sys.path),
# first match wins: the narrower paths (django/db/backends) come before the wider (django/).
LAYERS = [
    ("database: driver, execute, commit", ("psycopg", "django/db/backends/")),
    ("ORM: building queries and objects", ("django/db/",)),
    ("templates", ("django/template", "django/templatetags/")),
    ("Celery + kombu: enqueue", ("celery/", "kombu/", "vine/", "quizbuilder/redisbroker")),
    ("Redis + cache", ("redis/", "django/core/cache/", "quizbuilder/cache")),
    ("gunicorn: accept, parse, write", ("gunicorn/",)),
    ("Django + middleware libraries", ("django", "allauth/", "ninja/", "pydantic", "whitenoise/")),
    ("our code", tuple(f"{app}/" for app in OURS)),
]
OTHER = "other libraries, C code"
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def layer_of(stack: list[str]) -> str:
    """The layer of a sample: its innermost frame outside the standard library (frames listed
    outermost first, as py-spy's raw format writes them). A sync worker in its wait for the
    next connection is idle, not gunicorn's work."""
    for frame in reversed(stack):
        match = FRAME.match(frame)
        if not match:
            continue
        func, path = match.group("func"), match.group("file")
        if (STDLIB / path).exists() and path.split("/")[0] not in OURS:
            continue
        if func == "SyncWorker.wait":
            return IDLE
        if func == "close_graceful":
            return CLOSE
        for name, prefixes in LAYERS:
            if path.startswith(prefixes):
                return name
        return OTHER
    return OTHER


def samples(raw: Path) -> Counter[str]:
    """Each layer's samples in the workers (the master, whose stacks start with one process
    frame where a worker's start with two, only waits on signals)."""
    counts: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        frames = stack.split(";")
        if not n.isdigit() or len(frames) < 2 or not frames[1].startswith("process "):
            continue
        counts[layer_of(frames[2:])] += int(n)
    return counts


def profile(
    base: str,
    path: str,
    headers: dict[str, str],
    args: argparse.Namespace,
    master: int,
    tmp: Path,
    script: Path | None = None,
) -> tuple[float, dict[str, float]]:
    """Loads `path` with wrk (a POST when `script` gives wrk its body) while py-spy records
    the workers; returns (requests/s, the ms of each layer per request)."""
    raw = tmp / "stacks.txt"
    cmd = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds + 2}s"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    if script is not None:
        cmd += ["-s", str(script)]
    load = subprocess.Popen([*cmd, base + path], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    spy = subprocess.run(
        [
            *(PY_SPY, "record", "--pid", str(master), "--subprocesses", "--idle", "--nonblocking"),
            *("-r", str(args.rate), "-d", str(args.seconds), "-f", "raw", "-o", str(raw)),
        ],
        capture_output=True,
        text=True,
    )
    out, _ = load.communicate()
    if spy.returncode != 0:
        raise SystemExit(f"py-spy failed: {spy.stderr.strip()}")
    if "Non-2xx" in out:
        raise SystemExit(f"errors while loading {path}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    counts = samples(raw)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^a-z0-9]+", "-", f"{headers.get('User-Agent', '')[:8]}{path}".lower())
        shutil.copy(raw, args.keep / f"{name.strip('-')}-{'post' if script else 'get'}.txt")
    # Each worker sampled `rate` times a second, over `seconds`, for rps * seconds requests.
    per_sample_ms = 1000 / args.rate
    requests = rps * args.seconds
    return rps, {k: n * per_sample_ms / requests for k, n in counts.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rate", type=int, default=200, help="samples per second")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--keep", type=Path, help="a folder to keep each path's raw stacks in (py-spy's raw format)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    with gunicorn_site("qb-profile-", args.workers) as (base, env, tmp):
        port = base.rsplit(":", 1)[1]
        master = int(
            subprocess.run(
                ["pgrep", "-o", "-f", f"quizbuilder.wsgi.*127.0.0.1:{port}"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()[0]
        )
        result, cookie = post_json(f"{base}/api/quizzes/{SLUG}/responses/", {"answers": ANSWERS})
        cards_draw(env, result["id"])
        shared, _ = post_json(
            f"{base}/api/results/{result['id']}/shares/", {"channel": "whatsapp"}, cookie
        )
        share = "/" + shared["share_url"].split("/", 3)[3]
        with urllib.request.urlopen(
            urllib.request.Request(base + share, headers={"User-Agent": UA})
        ) as r:
            friend = "; ".join(c.split(";")[0] for c in r.headers.get_all("Set-Cookie"))
        post = tmp / "post.lua"
        body = json.dumps(json.dumps({"answers": ANSWERS}))
        post.write_text(f'wrk.method = "POST"\nwrk.body = {body}\n')
        cases = [
            ("/healthz", "/healthz", {}),
            ("quiz, new", f"/q/{SLUG}/", {"User-Agent": UA}),
            ("share, new", share, {"User-Agent": UA}),
            ("share, return", share, {"User-Agent": UA, "Cookie": friend}),
            ("share, bot", share, {"User-Agent": BOT}),
        ]
        print(
            f"gunicorn {args.workers} sync workers on {base}; py-spy at {args.rate}/s for "
            f"{args.seconds}s per path under wrk ({args.connections} connections); "
            f"{'PostgreSQL' if 'DATABASE_URL' in env else 'SQLite'}"
            f"{' + Redis' if 'REDIS_URL' in env else ''}"
        )
        figures = [(name, *profile(base, p, h, args, master, tmp)) for name, p, h in cases]
        headers = {"User-Agent": UA, "Content-Type": "application/json"}
        response = f"/api/quizzes/{SLUG}/responses/"
        figures.append(("POST", *profile(base, response, headers, args, master, tmp, post)))
    report(figures)
    return 0


def report(figures: list[tuple[str, float, dict[str, float]]]) -> None:
    width = 36
    print(f"{'ms per request':{width}}" + "".join(f"{name:>14}" for name, *_ in figures))
    for layer in [*(name for name, _ in LAYERS), CLOSE, OTHER, IDLE]:
        row = [f.get(layer, 0.0) for _n, _r, f in figures]
        print(f"{layer:{width}}" + "".join(f"{v:14.2f}" for v in row))
    busy = [sum(v for k, v in f.items() if k != IDLE) for _n, _r, f in figures]
    print(f"{'busy (all but idle)':{width}}" + "".join(f"{t:14.2f}" for t in busy))
    print(f"{'busy over /healthz':{width}}" + "".join(f"{t - busy[0]:14.2f}" for t in busy))
    print(f"{'requests/s while sampled':{width}}" + "".join(f"{r:14.0f}" for _n, r, _f in figures))
    print(
        f"{'ratio to /healthz':{width}}"
        + "".join(f"{r / figures[0][1]:14.0%}" for _n, r, _f in figures)
    )


if __name__ == "__main__":
    sys.exit(main())
