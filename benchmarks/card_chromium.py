"""The same 1200x630 card drawn by Pillow (sharing.cards.render) and by Debian's Chromium.

    .venv/bin/python benchmarks/card_chromium.py [--cold 5] [--warm 30] [--pillow 50]

- Pillow: card_render (draw + encode, PNG or JPEG, whichever is smaller), median, pinned to
  one core.
- Chromium cold: one `chromium --headless --screenshot` process per card (HTML file on disk).
- Chromium warm: one Playwright page kept open, its content replaced and screenshotted per
  card (PNG).
Prints the medians and the ratios Chromium / Pillow.
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sharing.cards.render import CardSpec, card_render  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FONTS = ROOT / "sharing" / "fonts"


def spec(i: int) -> CardSpec:
    return CardSpec(
        layout="og", headline="My morning drink: Latte, smooth and steady",
        subline="Which morning drink are you? Take the quiz", name=f"Visitor {i}",
        quiz_title="Which morning drink are you?", site_name="Quizbuilder",
        background="#7c2d12", gradient_to="#f59e0b",
    )  # fmt: skip


def card_html(s: CardSpec) -> str:
    """The card as HTML/CSS: same size, gradient, texts, type sizes and fonts."""
    e = html.escape
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
@font-face {{ font-family: Noto; font-weight: 400;
  src: url("file://{FONTS}/NotoSans-Regular.subset.ttf"); }}
@font-face {{ font-family: Noto; font-weight: 700;
  src: url("file://{FONTS}/NotoSans-Bold.subset.ttf"); }}
html, body {{ margin: 0; width: 1200px; height: 630px; overflow: hidden; }}
body {{ font-family: Noto, sans-serif; color: #fff; box-sizing: border-box;
  background: linear-gradient(180deg, {s.background}, {s.gradient_to});
  padding: 64px 72px 60px; display: flex; flex-direction: column; position: relative; }}
.ring {{ position: absolute; right: -120px; top: -200px; width: 520px; height: 520px;
  border-radius: 50%; border: 14px solid rgba(255,255,255,.09); }}
.kicker {{ font-size: 26px; opacity: .8; }}
.mid {{ flex: 1; display: flex; flex-direction: column; justify-content: center; gap: 20px; }}
h1 {{ font-size: 64px; line-height: 1.12; margin: 0; font-weight: 700;
  display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }}
.name {{ font-size: 34px; font-weight: 700; opacity: .95; }}
.sub {{ font-size: 28px; opacity: .85; }}
.site {{ font-size: 26px; font-weight: 700; opacity: .9; }}
</style></head><body><div class="ring"></div>
<div class="kicker">{e(s.quiz_title)}</div>
<div class="mid"><h1>{e(s.headline)}</h1><div class="name">{e(s.name)}</div>
<div class="sub">{e(s.subline)}</div></div>
<div class="site">{e(s.site_name)}</div></body></html>"""


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def pillow(runs: int) -> float:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    card_render(spec(-1))  # fonts loaded once, as in a worker
    times = []
    for i in range(runs):
        t = time.perf_counter()
        card_render(spec(i))
        times.append(time.perf_counter() - t)
    return ms(times)


def chromium_cold(runs: int, folder: Path) -> float:
    times = []
    for i in range(runs):
        page = folder / f"card-{i}.html"
        page.write_text(card_html(spec(i)), encoding="utf-8")
        out = folder / f"card-{i}.png"
        t = time.perf_counter()
        subprocess.run(
            [CHROMIUM, "--headless", *FLAGS, "--hide-scrollbars", "--window-size=1200,630",
             f"--screenshot={out}", page.as_uri()],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        times.append(time.perf_counter() - t)
        assert out.stat().st_size > 1000
    return ms(times)


def chromium_warm(runs: int, folder: Path) -> float:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        for i in range(runs + 3):
            t = time.perf_counter()
            page.set_content(card_html(spec(i)), wait_until="load")
            data = page.screenshot(type="png")
            if i >= 3:  # the first renders load the fonts
                times.append(time.perf_counter() - t)
        (folder / "warm.png").write_bytes(data)
        browser.close()
    return ms(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--pillow", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qb-bench-chromium-"))
    cold = chromium_cold(args.cold, folder)
    warm = chromium_warm(args.warm, folder)
    pil = pillow(args.pillow)
    print(f"1200x630 gradient card, median ms (screenshots in {folder})")
    print(f"  Pillow card_render, one core (n={args.pillow}): {pil:8.1f} ms")
    print(f"  Chromium cold, one process per card (n={args.cold}): {cold:8.1f} ms")
    print(f"  Chromium warm, one Playwright page (n={args.warm}): {warm:8.1f} ms")
    print(f"  ratio cold Chromium / Pillow: {cold / pil:6.1f}x  (goal >= 50x)")
    print(f"  ratio warm Chromium / Pillow: {warm / pil:6.1f}x  (goal >= 3x)")


if __name__ == "__main__":
    main()
