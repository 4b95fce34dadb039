"""Studio preview speed (issue 11): from a keystroke to the updated previews.

    .venv/bin/python benchmarks/studio_preview.py [--runs 60]

Same server as benchmarks/web.py (gunicorn, 2 sync workers, DEBUG off, its own port and a
fresh SQLite database in a temporary DATA_DIR, demo quizzes loaded). Logs in as the demo
editor through the login form, opens a draft of the demo calculator, then per keystroke:

(a) the studio's save, then the page preview's GET of the page being edited (the frame's
    `/editor/quizzes/<slug>/studio/preview/?page=…&rev=N`): goal p95 <= 300 ms;
(b) a save that changes the result image (a colour or its text), then the card preview's
    GET (`/editor/quizzes/<slug>/studio/card/og.png?outcome=…&rev=N`): goal p95 <= 150 ms
    for the GET; square and story are measured too, for information.

Until the studio's save endpoint is on main, the save is a stand-in: this process writes the
draft's working copy (`version.document`, `revision`) to the same database as the endpoint
will, and its time is printed apart; the keystroke figure then counts that write plus the GET.
`save()` below is the one place to swap in the POST.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.web import UA, gunicorn_site  # noqa: E402

SLUG = "weight-in-10-years"
EMAIL, PASSWORD = "editor@example.com", "quizbuilder-demo"
GOALS = {"keystroke": 300.0, "card": 150.0}


class Browser:
    """One editor's browser: its cookies, sent by hand (the site's cookies are Secure when
    DEBUG is off, and this server speaks plain HTTP on 127.0.0.1)."""

    def __init__(self, base: str) -> None:
        self.host, port = base.split("://", 1)[1].split(":")
        self.port = int(port)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> bytes:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {"User-Agent": UA, "Cookie": cookie}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for raw in response.headers.get_all("Set-Cookie") or []:
            name, value = raw.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value
        conn.close()
        if response.status >= 400:
            raise SystemExit(f"{method} {path}: {response.status}")
        return data

    def login(self) -> None:
        page = self.request("GET", "/accounts/login/").decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "login": EMAIL, "password": PASSWORD}
        self.request("POST", "/accounts/login/", form)
        if "sessionid" not in self.cookies:
            raise SystemExit("could not log in as the demo editor")


def django_here(env: dict[str, str]) -> None:
    """This process reads and writes the server's database (the stand-in save)."""
    for name in ("DATABASE_URL", "REDIS_URL"):
        if name not in env:
            os.environ.pop(name, None)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizbuilder.settings")
    import django

    django.setup()


def draft_open() -> Any:
    """A draft of the demo calculator, with a working copy, as the studio opens it."""
    from django.contrib.auth import get_user_model

    from quizzes.authoring.rows import version_file_data
    from quizzes.authoring.services import quiz_import

    editor = get_user_model().objects.get(email=EMAIL)
    data = json.loads((ROOT / "quizzes" / "demo" / f"{SLUG}.json").read_text(encoding="utf-8"))
    version = quiz_import(data=data, user=editor)
    version.document = version_file_data(version=version)
    version.save(update_fields=["document"])
    return version


def save(version: Any, change: dict[str, Any]) -> int:
    """The studio's save of one keystroke: the new working copy and revision.

    A stand-in until the save endpoint is on main (see the module docstring): the same
    database write, without the HTTP round trip and the form parsing.
    """
    document = version.document
    for path, value in change.items():
        target = document
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    version.document = document
    version.revision += 1
    version.save(update_fields=["document", "revision", "updated_at"])
    return int(version.revision)


def p(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def line(name: str, values: list[float], goal: float | None = None) -> str:
    p50, p95 = p(values, 50), p(values, 95)
    text = f"{name:44}{p50:8.1f}{p95:8.1f}"
    if goal:
        text += f"{goal:8.0f}{p95 / goal:9.0%}  {'met' if p95 <= goal else 'NOT MET'}"
    return text


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    with gunicorn_site("qb-studio-bench-") as (base, env, tmp):
        django_here(env)
        browser = Browser(base)
        browser.login()
        version = draft_open()
        frame = f"/editor/quizzes/{SLUG}/studio/preview/"
        card = f"/editor/quizzes/{SLUG}/studio/card/"
        saves: list[float] = []
        keystrokes: list[float] = []
        frame_gets: list[float] = []
        card_gets: dict[str, list[float]] = {"og": [], "square": [], "story": []}
        title = "What will you weigh in 10 years"
        colours = ("#0f766e", "#1e3a8a", "#7c2d12", "#4338ca")
        warm = 5
        for n in range(args.runs + warm):
            # (a) typing the title: each keystroke adds a letter, the frame shows the intro;
            # typing a question's prompt, the frame shows that question.
            page = "intro" if n % 2 else f"question:{n % 6}"
            field = "title" if page == "intro" else f"questions.{n % 6}.prompt"
            t0 = time.perf_counter()
            rev = save(version, {field: f"{title} {'x' * (n % 20)}"})
            t1 = time.perf_counter()
            browser.request("GET", f"{frame}?{urlencode({'page': page, 'rev': rev})}")
            t2 = time.perf_counter()
            # (b) a colour or the headline changes, the card preview is drawn again.
            change = (
                {"card.background": colours[n % len(colours)]}
                if n % 2
                else {"card.headline": f"In 10 years I'll weigh {{weight_10y}} kg {n}"}
            )
            rev = save(version, change)
            layout = ("og", "og", "square", "og", "story")[n % 5]
            t3 = time.perf_counter()
            query = urlencode({"outcome": n % 3, "rev": rev})
            browser.request("GET", f"{card}{layout}.png?{query}")
            t4 = time.perf_counter()
            if n < warm:
                continue
            saves.append((t1 - t0) * 1000)
            frame_gets.append((t2 - t1) * 1000)
            keystrokes.append((t2 - t0) * 1000)
            card_gets[layout].append((t4 - t3) * 1000)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"gunicorn 2 sync workers on {base}, SQLite in {tmp}; {args.runs} keystrokes "
              f"after {warm} warm-up; load average {load:.1f}")  # fmt: skip
        print(f"{'':44}{'p50 ms':>8}{'p95 ms':>8}{'goal':>8}{'p95/goal':>9}")
        print(line("(a) keystroke: save + page preview GET", keystrokes, GOALS["keystroke"]))
        print(line("    the save (stand-in: direct write)", saves))
        print(line("    the page preview GET", frame_gets))
        print(line("(b) card preview GET after a save, og", card_gets["og"], GOALS["card"]))
        print(line("    square 1080x1080 (information)", card_gets["square"]))
        print(line("    story 1080x1920 (information)", card_gets["story"]))
        print("note: the save is a direct database write until the studio's save POST is on "
              "main; swap it in benchmarks/studio_preview.py save().")  # fmt: skip
        met = p(keystrokes, 95) <= GOALS["keystroke"] and p(card_gets["og"], 95) <= GOALS["card"]
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
