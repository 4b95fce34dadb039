"""Card rendering speed, everything issue 5 asks: ``.venv/bin/python benchmarks/cards.py``.

1. Pillow: the median milliseconds per card (render + encode) for each layout and format,
   with a gradient and with a photo background, pinned to one core, over RUNS renders after a
   warm-up (fonts, the design's cached background and its format ranking). Wall time and CPU
   time (``time.process_time``) are both shown: on a shared machine CPU time is steadier.
   "best" is ``card_render``'s default choice between PNG and JPEG.
2. Cards per second through a real Celery worker on Redis and the card-ready latency after
   the response POST, p50/p95 (``benchmarks/card_worker.py``).
3. Chromium cold and warm on the same card as HTML/CSS, and the ratios Chromium / Pillow
   (``benchmarks/card_chromium.py``).

``--pillow-only`` skips 2 and 3.
"""

from __future__ import annotations

import importlib
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from sharing.cards.render import LAYOUTS, CardSpec, card_render

RUNS = 60
FORMATS = {"png": ("png",), "jpeg": ("jpeg",), "best": ("png", "jpeg")}


def photo(w: int = 1600, h: int = 1000, seed: int = 1) -> bytes:
    """A photo-like JPEG made in memory: smooth colour fields plus sensor-like noise."""
    rnd = random.Random(seed)
    small = Image.new("RGB", (16, 10))
    small.putdata([(rnd.randrange(40, 220), rnd.randrange(60, 200), rnd.randrange(80, 255))
                   for _ in range(160)])  # fmt: skip
    im = small.resize((w, h), Image.Resampling.BICUBIC)
    im = Image.blend(im, Image.effect_noise((w, h), 40).convert("RGB"), 0.18)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def spec(layout: str, n: int, image: bytes | None) -> CardSpec:
    """A realistic card; ``n`` varies the name so no two renders are the same text."""
    return CardSpec(
        layout=layout,
        headline=f"Visitor {n}, in 10 years you will weigh {50 + n % 40} kg",
        subline="What will you weigh? Take the test",
        name=f"Visitor {n}",
        quiz_title="The 10-year weight test",
        share_url=f"https://quiz.example.com/s/{n:08d}",
        background="#1e3a8a",
        gradient_to="#9333ea",
        image=image,
    )


def bench_render(layout: str, formats: tuple[str, ...], image: bytes | None) -> tuple:
    """(median wall ms, median CPU ms, median bytes, format) over RUNS renders after a
    warm-up; every card has a different name and share link (no text or QR cache hits)."""
    for n in range(5):
        card_render(spec(layout, n, image), formats=formats)
    wall, cpu, size = [], [], []
    for n in range(RUNS):
        s = spec(layout, 1000 + n, image)
        w0, c0 = time.perf_counter(), time.process_time()
        card = card_render(s, formats=formats)
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        size.append(len(card.data))
    return statistics.median(wall), statistics.median(cpu), statistics.median(size), card.format


def _other(module: str, argv: list[str]) -> bool:
    """Run ``benchmarks/<module>.py``'s main() with ``argv``, on all cores; False if that
    benchmark is not there (it is written separately). A failure is printed, not raised."""
    if not (Path(__file__).resolve().parent / f"{module}.py").exists():
        return False
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    mod = importlib.import_module(f"benchmarks.{module}")
    saved, sys.argv = sys.argv, [module, *argv]
    try:
        mod.main()
    except Exception as exc:  # one failing part must not hide the others' figures
        print(f"failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        sys.argv = saved
    return True


def main() -> None:
    """Print the table, then the worker and Chromium figures."""
    pillow_only = "--pillow-only" in sys.argv[1:]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"median of {RUNS} renders after warm-up, pinned to core "
          f"{sorted(os.sched_getaffinity(0))}, load average {load:.1f}")  # fmt: skip
    print(f"{'layout':<7} {'background':<9} {'format':<5} {'wall ms':>8} {'cpu ms':>7} "
          f"{'KB':>6}  chosen")  # fmt: skip
    pictures = {"gradient": None, "photo": photo()}
    for layout in LAYOUTS:
        for bg, image in pictures.items():
            for label, formats in FORMATS.items():
                wall, cpu, size, fmt = bench_render(layout, formats, image)
                print(f"{layout:<7} {bg:<9} {label:<5} {wall:8.1f} {cpu:7.1f} "
                      f"{size / 1024:6.0f}  {fmt}")  # fmt: skip
    if pillow_only:
        return
    print("\n== a real Celery worker (benchmarks/card_worker.py) ==", flush=True)
    if not _other("card_worker", []):
        print("not run: benchmarks/card_worker.py is not there")
    print("\n== Chromium vs Pillow (benchmarks/card_chromium.py) ==", flush=True)
    if not _other("card_chromium", []):
        print("not run: benchmarks/card_chromium.py is not there")


if __name__ == "__main__":
    main()
