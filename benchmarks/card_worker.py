"""Result cards through real Celery workers: throughput on Redis beside the renderer alone,
and the card's latency after the POST.

    .venv/bin/python benchmarks/card_worker.py [--cards 200] [--samples 40] [--load 0.6]

Runs on its own SQLite database and media folder in a temporary DATA_DIR, so it touches no
data of yours (BENCH_DATABASE_URL: on that PostgreSQL database instead, flushed first); Redis
is BENCH_REDIS_URL, else TEST_REDIS_URL, else redis://127.0.0.1:6379/15 (the Redis figures
are skipped when it is not reachable). Prints:
- cards per second: N distinct result cards (a different visitor name each) enqueued at once,
  timed until every result is ready (its og card drawn, stored and recorded), with one worker
  process (solo) and with prefork (one process per core), each beside the renderer alone
  (`card_render` of the same N og cards in as many processes, nothing stored; the mean of a
  run just before and one just after): the ratio's goal is >= 70%. The square cards, drawn
  behind the og cards, are timed too;
- the card-ready latency under load: results enqueued at `--load` times the prefork rate for
  a few seconds, p50/p95 from the enqueue to the ready card (goal: p95 < 1 s);
- the card's latency after the response POST (POST /api/quizzes/<slug>/responses/ through
  Django's test client, then polling the result until its card is ready), p50/p95, with one
  idle worker on the embedded filesystem broker (polling_interval 0.05 s) and on Redis. The
  card files are removed after each sample so that every sample draws a card.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path(tempfile.mkdtemp(prefix="qb-bench-cards-"))
os.environ.update(
    DATA_DIR=str(DATA), DJANGO_SETTINGS_MODULE="quizbuilder.settings",
    RATELIMIT_ENABLED="false", LOG_LEVEL="WARNING",
    DJANGO_DEBUG="true",  # the development key: a benchmark is no deployment
    CACHE_KEY_PREFIX=f"bench-{os.getpid()}",  # the workers' Redis cache: nobody else's keys
)  # fmt: skip
for name in ("REDIS_URL", "DATABASE_URL", "MEDIA_ROOT"):
    os.environ.pop(name, None)
if os.environ.get("BENCH_REDIS_URL"):
    os.environ["TEST_REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from quizzes.authoring.services import quiz_import  # noqa: E402
from quizzes.models import Result  # noqa: E402
from sharing.cards.inputs import OG, result_card_spec  # noqa: E402
from sharing.cards.render import CardSpec, card_render  # noqa: E402
from sharing.models import ResultCard  # noqa: E402
from sharing.tasks import render_result_card  # noqa: E402
from tests.conftest import demo_data  # noqa: E402
from tests.workers import celery_worker, redis_reachable, redis_url, wait_for  # noqa: E402

SLUG = "which-morning-drink"
GOAL_RATIO = 0.70
GOAL_P95 = 1.0


def setup() -> object:
    call_command("migrate", verbosity=0)
    if os.environ.get("BENCH_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "x" * 12)
    return quiz_import(data=demo_data(SLUG), user=user, publish=True)


def cards_clear() -> None:
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "cards", ignore_errors=True)


def results_make(version: object, n: int) -> list[str]:
    """n new results of distinct cards (a different visitor name each), no card drawn yet."""
    cards_clear()
    ResultCard.objects.all().delete()
    Result.objects.all().delete()
    outcomes = [o["key"] for o in version.definition["outcomes"]]  # type: ignore[attr-defined]
    rows = [
        Result(
            quiz_id=version.quiz_id, version=version, visitor=f"bench-{i}",  # type: ignore
            take=f"take-{i}", outcome_key=outcomes[i % len(outcomes)], title="Latte",
            card_text={"headline": "My morning drink: Latte", "name": f"Visitor {i}",
                       "subline": "Which morning drink are you?"},
        )
        for i in range(n)
    ]  # fmt: skip
    Result.objects.bulk_create(rows)
    return [r.pk for r in rows]


def throughput(
    version: object, n: int, broker: str, pool: str, concurrency: int
) -> tuple[float, float]:
    """(og cards per second, square cards per second): n distinct cards enqueued at once,
    until all are ready, then until all their square cards are drawn too."""
    ids = results_make(version, n)
    with celery_worker(broker, pool=pool, concurrency=concurrency) as worker:
        start = time.perf_counter()
        for result_id in ids:
            render_result_card.delay(result_id)

        def all_ready() -> bool:
            return ResultCard.objects.filter(status="ready").count() == n

        wait_for(all_ready, timeout=600, what=f"{n} cards", worker=worker, interval=0.01)
        elapsed = time.perf_counter() - start

        def all_squares() -> bool:
            return ResultCard.objects.exclude(square_name="").count() == n

        wait_for(all_squares, timeout=600, what=f"{n} squares", worker=worker, interval=0.02)
        squares = time.perf_counter() - start
    # One og card per distinct result at least (the square card with its QR may be drawn too).
    assert len(list((Path(settings.MEDIA_ROOT) / "cards").iterdir())) >= n
    return n / elapsed, n / squares


def _render(spec: CardSpec) -> int:
    return len(card_render(spec).data)


def _warm() -> None:
    # The first card of a design ranks its formats and loads the fonts: once per process, as
    # in a worker.
    if _WARM_SPEC is not None:
        card_render(_WARM_SPEC)


_WARM_SPEC: CardSpec | None = None


def renderer_alone(version: object, n: int, processes: int) -> float:
    """Og cards per second of `card_render` alone on the same n cards, in `processes`
    processes (each warmed up first): no broker, no database, no storage."""
    global _WARM_SPEC
    ids = results_make(version, n)
    results = Result.objects.select_related("version").filter(pk__in=ids)
    specs = [result_card_spec(result=r, layout=OG) for r in results]
    _WARM_SPEC = specs[0]
    with multiprocessing.get_context("fork").Pool(processes, initializer=_warm) as pool:
        pool.map(_render, specs[:processes], chunksize=1)  # all started and warm
        start = time.perf_counter()
        pool.map(_render, specs, chunksize=1)
        return n / (time.perf_counter() - start)


def under_load(version: object, rate: float, seconds: float, concurrency: int) -> list[float]:
    """Seconds from the enqueue to the ready card, for results enqueued at `rate` per second
    for `seconds` on a prefork worker (one process per core) on Redis."""
    n = max(1, round(rate * seconds))
    ids = results_make(version, n)
    sent: dict[str, float] = {}
    ready: dict[str, float] = {}
    with celery_worker("redis", pool="prefork", concurrency=concurrency) as worker:
        start = time.perf_counter()
        while len(ready) < n:
            now = time.perf_counter()
            due = min(n, int((now - start) * rate) + 1)
            for result_id in ids[len(sent) : due]:
                render_result_card.delay(result_id)
                sent[result_id] = time.perf_counter()
            waiting = [i for i in sent if i not in ready]
            if waiting:
                done = ResultCard.objects.filter(result_id__in=waiting, status="ready")
                seen = time.perf_counter()
                for result_id in done.values_list("result_id", flat=True):
                    ready[result_id] = seen
            if now - start > seconds + 120 or not worker.alive():
                raise RuntimeError(f"only {len(ready)} of {n} cards ready")
            time.sleep(0.005)
    return [ready[i] - sent[i] for i in ids]


def latency(version: object, samples: int, broker: str) -> tuple[list[float], list[float]]:
    """Seconds from the POST's response to a ready card (and the POSTs' own durations)."""
    body = {"answers": {q["key"]: (q["choices"][0]["key"] if q.get("choices") else "Ana")
                        for q in version.definition["questions"]}}  # type: ignore # fmt: skip
    after, posts = [], []
    with celery_worker(broker) as worker:
        for i in range(samples + 2):
            cards_clear()
            client = Client(HTTP_USER_AGENT="Mozilla/5.0 bench")
            t0 = time.perf_counter()
            response = client.post(f"/api/quizzes/{SLUG}/responses/", body,
                                   content_type="application/json")  # fmt: skip
            t1 = time.perf_counter()
            assert response.status_code == 201, response.content
            result_id = response.json()["id"]

            def ready(result_id: str = result_id) -> bool:
                return ResultCard.objects.filter(result_id=result_id, status="ready").exists()

            wait_for(ready, timeout=30, what="a card", worker=worker, interval=0.002)
            t2 = time.perf_counter()
            if i >= 2:  # the first two warm up the worker (fonts, imports)
                after.append(t2 - t1)
                posts.append(t1 - t0)
            time.sleep(0.2)  # the worker goes idle again
    return after, posts


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--load", type=float, default=0.6, help="of the prefork rate")
    parser.add_argument("--seconds", type=float, default=8.0, help="of the load")
    args = parser.parse_args()
    version = setup()
    redis = redis_reachable()
    cores = os.cpu_count() or 1
    database = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(f"data: {DATA} ({database}), cores: {cores}, Redis: "
          f"{redis_url() if redis else 'not reachable: skipped'}")  # fmt: skip
    rate = 0.0
    if redis:
        for pool, conc in (("solo", 1), ("prefork", cores)):
            # The machine's load moves: the renderer alone just before and just after.
            before = renderer_alone(version, args.cards, conc)
            rate, squares = throughput(version, args.cards, "redis", pool, conc)
            alone = (before + renderer_alone(version, args.cards, conc)) / 2
            ratio = rate / alone
            print(f"throughput on Redis, {pool} x{conc}: {rate:.0f} cards/s ready vs the "
                  f"renderer alone {alone:.0f}/s in {conc} process(es): {ratio:.0%} "
                  f"(goal >= {GOAL_RATIO:.0%} {'ok' if ratio >= GOAL_RATIO else 'MISSED'}); "
                  f"square cards behind them: all {args.cards} at {squares:.0f}/s")  # fmt: skip
        load = args.load * rate
        after = under_load(version, load, args.seconds, cores)
        p95 = pct(after, 0.95)
        print(f"card ready under load ({load:.0f} cards/s = {args.load:.0%} of the prefork "
              f"rate, {len(after)} cards): p50 {pct(after, 0.5) * 1000:.0f} ms, p95 "
              f"{p95 * 1000:.0f} ms, max {max(after) * 1000:.0f} ms (goal p95 < "
              f"{GOAL_P95:.0f} s {'ok' if p95 < GOAL_P95 else 'MISSED'})")  # fmt: skip
    for broker in ("embedded", "redis") if redis else ("embedded",):
        after, posts = latency(version, args.samples, broker)
        print(
            f"card ready after the POST, one idle worker on {broker:8}: "
            f"p50 {pct(after, 0.5) * 1000:.0f} ms, p95 {pct(after, 0.95) * 1000:.0f} ms, "
            f"max {max(after) * 1000:.0f} ms (n={len(after)}; the POST itself p50 "
            f"{statistics.median(posts) * 1000:.0f} ms)"
        )
    shutil.rmtree(DATA, ignore_errors=True)


if __name__ == "__main__":
    main()
