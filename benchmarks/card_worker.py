"""Result cards through real Celery workers: throughput on Redis, latency after the POST.

    .venv/bin/python benchmarks/card_worker.py [--cards 200] [--samples 40]

Runs on its own SQLite database and media folder in a temporary DATA_DIR, so it touches no
data of yours; Redis is redis://127.0.0.1:6379/15 unless TEST_REDIS_URL says otherwise (the
Redis figures are skipped when it is not reachable). Prints:
- cards per second: N distinct result cards (a different visitor name each) enqueued at once,
  timed until every result is ready, with one worker process (solo) and with prefork
  (one process per core);
- the card's latency after the response POST (POST /api/quizzes/<slug>/responses/ through
  Django's test client, then polling the result until its card is ready), p50/p95, with one
  idle worker on the embedded filesystem broker (polling_interval 0.05 s) and on Redis. The
  card files are removed after each sample so that every sample draws a card.
"""

from __future__ import annotations

import argparse
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
)  # fmt: skip
for name in ("REDIS_URL", "DATABASE_URL", "MEDIA_ROOT"):
    os.environ.pop(name, None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from quizzes.authoring.services import quiz_import  # noqa: E402
from quizzes.models import Result  # noqa: E402
from sharing.models import ResultCard  # noqa: E402
from sharing.tasks import render_result_card  # noqa: E402
from tests.conftest import demo_data  # noqa: E402
from tests.workers import celery_worker, redis_reachable, redis_url, wait_for  # noqa: E402

SLUG = "which-morning-drink"


def setup() -> object:
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "x" * 12)
    return quiz_import(data=demo_data(SLUG), user=user, publish=True)


def cards_clear() -> None:
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "cards", ignore_errors=True)


def throughput(version: object, n: int, broker: str, pool: str, concurrency: int) -> float:
    """Cards per second: n distinct cards enqueued at once, until all are ready."""
    cards_clear()
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
    ids = [r.pk for r in rows]
    with celery_worker(broker, pool=pool, concurrency=concurrency) as worker:
        start = time.perf_counter()
        for result_id in ids:
            render_result_card.delay(result_id)

        def all_ready() -> bool:
            return ResultCard.objects.filter(status="ready").count() == n

        wait_for(all_ready, timeout=600, what=f"{n} cards", worker=worker, interval=0.01)
        elapsed = time.perf_counter() - start
    # One og card per distinct result at least (the square card with its QR may be drawn too).
    assert len(list((Path(settings.MEDIA_ROOT) / "cards").iterdir())) >= n
    return n / elapsed


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
    args = parser.parse_args()
    version = setup()
    redis = redis_reachable()
    print(f"data: {DATA} (SQLite), cores: {os.cpu_count()}, Redis: "
          f"{redis_url() if redis else 'not reachable: skipped'}")  # fmt: skip
    if redis:
        for pool, conc in (("solo", 1), ("prefork", os.cpu_count() or 1)):
            rate = throughput(version, args.cards, "redis", pool, conc)
            print(f"throughput on Redis, {pool} x{conc}: {rate:.0f} cards/s "
                  f"({args.cards} distinct og cards)")  # fmt: skip
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
