"""Studio preview speed (issue 11): from a keystroke to the updated previews.

    .venv/bin/python benchmarks/studio_preview.py [--runs 60]

Same server as benchmarks/web.py (gunicorn, 2 sync workers, DEBUG off, its own port and a
fresh SQLite database in a temporary DATA_DIR, demo quizzes loaded); then, when
BENCH_DATABASE_URL is set, again on that database. Logs in as the demo editor through the
login form, opens a draft of the demo calculator in the studio, reads the studio's form from
the page's HTML, then per keystroke does what the page does:

(a) changes one field (the title, or a question's prompt) and posts the whole form to
    `/editor/quizzes/<slug>/studio/save/` with `HX-Request: true` (the revision comes back in
    the `HX-Trigger` header), then GETs the page preview of the page being edited (the
    frame's `/editor/quizzes/<slug>/studio/preview/?page=…&rev=N`): goal p95 <= 300 ms;
(b) the same save of a change to the result image (a colour or its text), then the card
    preview's GET (`/editor/quizzes/<slug>/studio/card/og.png?outcome=…&rev=N`): goal p95 <=
    150 ms for the GET once the save has answered; save + GET is printed too, and the square
    and story layouts, for information.
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
from html.parser import HTMLParser
from pathlib import Path
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
        self.headers = http.client.HTTPMessage()

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {"User-Agent": UA, "Cookie": cookie, **(headers or {})}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        self.headers = response.headers
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


class StudioForm(HTMLParser):
    """The fields of the studio's form (`#studio-form`) as a browser would post them: text
    inputs, textareas, the selected option of each select, checked boxes; no buttons."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[list[str]] = []
        self.ops: list[str] = []  # the structural changes its buttons ask for (name="op")
        self._inside = False
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "studio-form":
            self._inside = True
        if not self._inside or ("name" not in a and tag != "option"):
            return
        if tag == "button" and a.get("name") == "op" and a.get("value"):
            self.ops.append(a["value"])
        if tag == "input" and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append([a["name"], a.get("value", "on" if "checked" in a else "")])
        elif tag == "textarea":
            self._textarea = [a["name"]]
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, *text = self._textarea
            self.fields.append([name, "".join(text).removeprefix("\n")])
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _s in self._options[:1]
            ]
            self.fields += [[self._select, v] for v in chosen]
            self._select = None

    def set(self, name: str, value: str) -> None:
        for field in self.fields:
            if field[0] == name:
                field[1] = value
                return
        raise SystemExit(f"the studio form has no field {name!r}")

    def first(self, ends: str) -> str:
        return next(f[0] for f in self.fields if f[0].endswith(ends))

    def items(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in self.fields]


def studio_open(browser: Browser) -> StudioForm:
    """Open a draft of the demo calculator in the studio, as "Edit" does; its form."""
    page = browser.request("GET", f"/editor/quizzes/{SLUG}/").decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no form on the quiz's page")
    form = {"csrfmiddlewaretoken": token.group(1)}
    browser.request("POST", f"/editor/quizzes/{SLUG}/studio/open/", form)
    return StudioForm(browser.request("GET", f"/editor/quizzes/{SLUG}/studio/").decode())


def save(browser: Browser, form: StudioForm, name: str, value: str) -> int:
    """The studio's save of one keystroke, as htmx posts it: the whole form, one field
    changed; the new revision (from the `studio-saved` event) goes into the next post."""
    form.set(name, value)
    headers = {"HX-Request": "true", "HX-Current-URL": f"/editor/quizzes/{SLUG}/studio/"}
    browser.request("POST", f"/editor/quizzes/{SLUG}/studio/save/", form.items(), headers)
    revision = int(json.loads(browser.headers["HX-Trigger"])["studio-saved"]["revision"])
    form.set("revision", str(revision))
    return revision


def p(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def line(name: str, values: list[float], goal: float | None = None) -> str:
    p50, p95 = p(values, 50), p(values, 95)
    text = f"{name:44}{p50:8.1f}{p95:8.1f}"
    if goal:
        text += f"{goal:8.0f}{p95 / goal:9.0%}  {'met' if p95 <= goal else 'NOT MET'}"
    return text


def bench(runs: int, database: str) -> bool:
    """One run of (a) and (b) on a fresh site; prints the figures; whether the goals are met."""
    with gunicorn_site("qb-studio-bench-") as (base, _env, tmp):
        browser = Browser(base)
        browser.login()
        form = studio_open(browser)
        frame = f"/editor/quizzes/{SLUG}/studio/preview/"
        card = f"/editor/quizzes/{SLUG}/studio/card/"
        saves: list[float] = []
        keystrokes: list[float] = []
        frame_gets: list[float] = []
        card_saves: list[float] = []
        card_gets: dict[str, list[float]] = {"og": [], "square": [], "story": []}
        title = "What will you weigh in 10 years"
        colours = ("#0f766e", "#1e3a8a", "#7c2d12", "#4338ca")
        questions = sum(1 for name, _v in form.fields if name.endswith(".prompt"))
        background, headline = form.first("card-background"), form.first("card-headline")
        warm = 5
        for n in range(runs + warm):
            # (a) typing the title: each keystroke adds a letter, the frame shows the intro;
            # typing a question's prompt, the frame shows that question.
            i = n % questions
            page = "intro" if n % 2 else f"question:{i}"
            field = "title" if page == "intro" else f"questions.{i}.prompt"
            t0 = time.perf_counter()
            rev = save(browser, form, field, f"{title} {'x' * (n % 20)}")
            t1 = time.perf_counter()
            browser.request("GET", f"{frame}?{urlencode({'page': page, 'rev': rev})}")
            t2 = time.perf_counter()
            # (b) a colour or the headline changes, the card preview is drawn again.
            if n % 2:
                rev = save(browser, form, background, colours[n % len(colours)])
            else:
                rev = save(browser, form, headline, f"In 10 years I'll weigh {{weight_10y}} kg {n}")
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
            if layout == "og":
                card_saves.append((t4 - t3 + t1 - t0) * 1000)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"gunicorn 2 sync workers on {base}, {database} (DATA_DIR {tmp}); {runs} "
              f"keystrokes after {warm} warm-up; load average {load:.1f}")  # fmt: skip
        print(f"{'':44}{'p50 ms':>8}{'p95 ms':>8}{'goal':>8}{'p95/goal':>9}")
        print(line("(a) keystroke: save POST + page preview GET", keystrokes, GOALS["keystroke"]))
        print(line("    the save POST (HX-Request)", saves))
        print(line("    the page preview GET", frame_gets))
        print(line("(b) card preview GET after the save, og", card_gets["og"], GOALS["card"]))
        print(line("    save POST + card GET, og", card_saves, GOALS["card"]))
        print(line("    square 1080x1080 GET (information)", card_gets["square"]))
        print(line("    story 1080x1920 GET (information)", card_gets["story"]))
        return p(keystrokes, 95) <= GOALS["keystroke"] and p(card_gets["og"], 95) <= GOALS["card"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    server = os.environ.pop("BENCH_DATABASE_URL", "")
    met = bench(args.runs, "SQLite")
    if server:
        os.environ["BENCH_DATABASE_URL"] = server
        print()
        met = bench(args.runs, f"database {server.split('@')[-1]}") and met
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
