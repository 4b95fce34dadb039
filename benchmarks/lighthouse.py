"""Lighthouse on the visitor pages: home, a quiz's intro, a share page and a result page.

    .venv/bin/python benchmarks/lighthouse.py        (or: make lighthouse)

Serves a fresh site with demo data on gunicorn (benchmarks/web.py: DEBUG off, static files
collected), takes the themed demo quiz once as a visitor, and runs npm `lighthouse@12.2.3`
(installed by name into var/lighthouse/ on first use) with Debian's Chromium (CHROME_PATH,
default /usr/bin/chromium) on the mobile preset, the default one. Prints the four category
scores per page (the JSON reports stay in var/lighthouse/reports/); the goal is >= 95 in
each, SEO apart on pages that are `noindex` by design (the result page). Exit status 1 when
a goal is missed. The result page is seen by its owner (the share bar) while its card is
still being drawn: no worker runs, so the placeholder's shimmer is measured too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.web import ROOT, UA, gunicorn_site

VERSION = "12.2.3"
LIGHTHOUSE_DIR = Path(os.environ.get("LIGHTHOUSE_DIR", ROOT / "var" / "lighthouse"))
CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
SLUG = "which-morning-drink"  # the demo quiz with a theme (brand, background, font)
ANSWERS = {"alarm": "up", "weekend": "project", "music": "techno", "name": "Ada"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOAL = 95


def lighthouse_install() -> None:
    if CLI.exists():
        return
    LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Installing lighthouse@{VERSION} into {LIGHTHOUSE_DIR} ...", flush=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(LIGHTHOUSE_DIR),
         f"lighthouse@{VERSION}"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def take(base: str) -> tuple[str, str, str]:
    """A visitor's take of the demo quiz: (result URL, share URL, the visitor's cookie)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", UA)]
    opener.open(f"{base}/api/quizzes/{SLUG}/").read()
    request = urllib.request.Request(
        f"{base}/api/quizzes/{SLUG}/responses/",
        data=json.dumps({"answers": ANSWERS}).encode(),
        headers={"Content-Type": "application/json"},
    )
    body = json.loads(opener.open(request).read())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return f"{base}/r/{body['id']}/", body["share_url"], cookie


def audit(url: str, out: Path, headers: dict[str, str]) -> dict[str, float]:
    cmd = [
        "node", str(CLI), url, "--quiet", "--output=json", f"--output-path={out}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
    ]  # fmt: skip
    if headers:
        cmd.append("--extra-headers=" + json.dumps(headers))
    env = {**os.environ, "CHROME_PATH": CHROME}
    # One retry: on a busy machine Chromium now and then fails to start in Lighthouse's time.
    if subprocess.run(cmd, env=env).returncode != 0:
        subprocess.run(cmd, check=True, env=env)
    report = json.loads(out.read_text())
    return {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}


def main() -> int:
    lighthouse_install()
    with gunicorn_site("qb-lighthouse-") as (base, _env, _tmp):
        result_url, share_url, cookie = take(base)
        pages = [
            ("home", f"{base}/", {}, True),
            ("quiz intro", f"{base}/q/{SLUG}/", {}, True),
            ("share page (a friend)", share_url, {}, True),
            ("result page (its owner)", result_url, {"Cookie": cookie}, False),  # noindex
        ]
        print(f"Lighthouse {VERSION}, mobile preset, Chromium {CHROME}, on {base}")
        print(f"{'page':26}" + "".join(f"{c:>16}" for c in CATEGORIES))
        ok = True
        reports = LIGHTHOUSE_DIR / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        for name, url, headers, indexed in pages:
            out = reports / (name.split(" (")[0].replace(" ", "-") + ".json")
            scores = audit(url, out, headers)
            cells = []
            for c in CATEGORIES:
                counted = indexed or c != "seo"
                ok = ok and (not counted or scores[c] >= GOAL)
                cells.append(f"{scores[c]:>16}" if counted else f"{f'({scores[c]} noindex)':>16}")
            print(f"{name:26}" + "".join(cells), flush=True)
        print(f"goal >= {GOAL} in every counted category: {'met' if ok else 'MISSED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
