"""Stats on a quiz with ~1M events: the query time with and without daily rollups.

    .venv/bin/python benchmarks/stats.py [--events 1000000] [--days 90]

Generates the events of one quiz over `--days` days (views, answer events, results with
their default links, button shares, clicks, previews, referrals with depth) in a temporary
SQLite database and, if reachable, a temporary PostgreSQL database (BENCH_POSTGRES_URL,
default postgres://postgres@127.0.0.1:5432/postgres), runs the rollup, and prints the time
of `quiz_stats` over the whole range without rollups (everything live) and with them (closed
days from DailyStats, today live). It also checks that both give the same body.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
QUESTIONS = ["alarm", "weekend", "music", "name"]
OUTCOMES = ["espresso", "latte", "green_tea", "smoothie"]
CHANNELS = ["whatsapp", "copy", "telegram", "x", "facebook", "line", "wechat", "native"]


def reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), 2):
            return True
    except OSError:
        return False


# --- the child: one database --------------------------------------------------------------


def insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            names = ", ".join(f'"{c}"' for c in columns)
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            names = ", ".join(f'"{c}"' for c in columns)  # "values" is a keyword in SQLite
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - fixed table and column names
            for i in range(0, len(rows), 50_000):
                cursor.executemany(sql, rows[i : i + 50_000])


def generate(quiz_id: int, version_id: int, total: int, days: int) -> dict[str, int]:
    """About `total` events spread over the last `days` days (today included)."""
    rng = random.Random(6)
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=days)
    span = (now - start).total_seconds()
    scale = total / 1_000_000
    takes = int(117_000 * scale)
    moments = sorted(start + dt.timedelta(seconds=rng.random() * span) for _ in range(takes))
    answers, results, shares, clicks, previews, views = [], [], [], [], [], []
    button_shares: list[tuple[int, int]] = []  # (share id, depth of its result)
    share_id = 0
    for i, when in enumerate(moments):
        take = f"t{i}"
        reached = rng.choices([1, 2, 3, 4], weights=[5, 5, 10, 80])[0]
        for pos in range(reached):
            answers.append((quiz_id, take, QUESTIONS[pos], pos, when))
        if reached < 4 or rng.random() < 0.1:
            continue
        done = when + dt.timedelta(seconds=40)
        ref, depth = None, 0
        if button_shares and rng.random() < 0.3:
            ref, parent_depth = button_shares[
                rng.randrange(max(0, len(button_shares) - 5000), len(button_shares))
            ]
            depth = parent_depth + 1
        rid = secrets.token_urlsafe(16)
        results.append(
            (
                rid,
                quiz_id,
                version_id,
                f"v{i}",
                take,
                rng.choice(OUTCOMES),
                "t",
                "",
                "{}",
                "{}",
                "ready",
                "",
                "",
                ref,
                depth,
                done,
            )
        )
        share_id += 1
        shares.append(
            (
                share_id,
                secrets.token_urlsafe(9),
                quiz_id,
                rid,
                "link",
                "default",
                f"v{i}",
                None,
                done,
            )
        )
        if rng.random() < 0.3:
            share_id += 1
            shared = done + dt.timedelta(seconds=20)
            shares.append(
                (
                    share_id,
                    secrets.token_urlsafe(9),
                    quiz_id,
                    rid,
                    rng.choice(CHANNELS),
                    "button",
                    f"v{i}",
                    None,
                    shared,
                )
            )
            button_shares.append((share_id, depth))
            for c in range(rng.randint(0, 16)):
                clicks.append((share_id, quiz_id, f"c{i}-{c}", shared + dt.timedelta(minutes=c)))
            for _ in range(rng.randint(0, 2)):
                previews.append((share_id, quiz_id, "WhatsApp/2", shared))
    for i in range(int(150_000 * scale)):
        day = (start + dt.timedelta(seconds=rng.random() * span)).date()
        views.append((quiz_id, f"w{i}", day, now))
    insert(
        "quizzes_answerevent",
        ["quiz_id", "take", "question_key", "position", "created_at"],
        answers,
    )
    insert(
        "quizzes_result",
        [
            "id",
            "quiz_id",
            "version_id",
            "visitor",
            "take",
            "outcome_key",
            "title",
            "description",
            "values",
            "card_text",
            "created_at",
        ],
        [(*r[:10], r[15]) for r in results],
    )
    # sharing's ResultCard rows: every result's card drawn (ready).
    insert(
        "sharing_resultcard",
        ["result_id", "status", "name", "square_name", "error", "attempts"],
        [(r[0], r[10], r[11], "", r[12], 0) for r in results],
    )
    insert(
        "sharing_share",
        [
            "id",
            "code",
            "quiz_id",
            "result_id",
            "channel",
            "kind",
            "owner",
            "parent_id",
            "created_at",
        ],
        shares,
    )
    # sharing's Referral rows: (result, share, depth) of every referred result.
    referred = [(r[0], r[13], r[14]) for r in results if r[13] is not None]
    insert("sharing_referral", ["result_id", "share_id", "depth"], referred)
    from django.db import connection

    from quizzes.models import Result

    insert("sharing_click", ["share_id", "quiz_id", "visitor", "created_at"], clicks)
    insert("sharing_preview", ["share_id", "quiz_id", "agent", "created_at"], previews)
    insert("quizzes_quizview", ["quiz_id", "visitor", "day", "created_at"], views)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('sharing_share_id_seq', %s)", [share_id + 1])
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    assert Result.objects.count() == len(results)
    counts = {
        "views": len(views),
        "answer_events": len(answers),
        "results": len(results),
        "shares": len(shares),
        "clicks": len(clicks),
        "previews": len(previews),
    }
    counts["total"] = sum(counts.values())
    return counts


def timed(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def bench_quiz_create(*, created_at: dt.datetime) -> tuple[Any, Any]:
    """The benchmarks' quiz "bench" (QUESTIONS, OUTCOMES), published, made at `created_at`
    (Django set up; also used by benchmarks/stats_scale.py)."""
    from django.contrib.auth import get_user_model

    from quizzes.models import Quiz, QuizVersion

    user = get_user_model().objects.create(username="bench", email="bench@example.com")
    quiz = Quiz.objects.create(slug="bench", owner=user)
    definition = {
        "questions": [{"key": k} for k in QUESTIONS],
        "outcomes": [{"key": k} for k in OUTCOMES],
    }
    version = QuizVersion.objects.create(
        quiz=quiz,
        number=1,
        status="published",
        title="Bench",
        kind="personality",
        definition=definition,
    )
    Quiz.objects.filter(pk=quiz.pk).update(live_version=version, created_at=created_at)
    return quiz, version


def child(total: int, days: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from quizzes.models import Quiz
    from sharing.models import DailyStats
    from sharing.stats.days import days_compute, utc_today
    from sharing.stats.ranges import quiz_stats
    from sharing.stats.rollups import stats_rollup

    quiz, version = bench_quiz_create(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days + 1)
    )
    quiz = Quiz.objects.select_related("live_version").get(pk=quiz.pk)

    t0 = time.perf_counter()
    counts = generate(quiz.pk, version.pk, total, days)
    generated = time.perf_counter() - t0

    live_s, live = timed(lambda: quiz_stats(quiz), 3)
    t0 = time.perf_counter()
    days_written = stats_rollup()
    rollup_s = time.perf_counter() - t0
    rolled_s, rolled = timed(lambda: quiz_stats(quiz), 20)
    today = utc_today()
    today_s, _ = timed(lambda: days_compute(quiz_id=quiz.pk, first=today, last=today), 20)
    rerun_t0 = time.perf_counter()
    stats_rollup()
    rerun_s = time.perf_counter() - rerun_t0
    print(
        json.dumps(
            {
                "events": counts,
                "generate_s": round(generated, 1),
                "stats_without_rollups_s": round(live_s, 3),
                "rollup_first_run_s": round(rollup_s, 2),
                "rollup_days": days_written,
                "rollup_hourly_run_s": round(rerun_s, 2),
                "stats_with_rollups_s": round(rolled_s, 4),
                "of_which_today_live_s": round(today_s, 4),
                "same_body": live == rolled,
                "rollup_rows": DailyStats.objects.count(),
                "completions": rolled["completions"],
                "clicks": rolled["clicks"],
                "viral_coefficient": rolled["viral_coefficient"],
                "max_depth": rolled["max_depth"],
            }
        )
    )


# --- the parent: one child per database ----------------------------------------------------


def run(name: str, env: dict[str, str], args: argparse.Namespace) -> dict | None:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        "--events",
        str(args.events),
        "--days",
        str(args.days),
    ]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{name}: failed\n{done.stderr[-3000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizbuilder.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")  # the development key: no deployment
    if args.child:
        child(args.events, args.days)
        return
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    with tempfile.TemporaryDirectory(prefix="qb-bench-") as tmp:
        backends = [
            ("SQLite", dict(base, DATA_DIR=tmp, DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3"))
        ]
        db_name = f"qb_bench_{os.getpid()}"
        if reachable(PG_URL):
            import psycopg

            admin = psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), autocommit=True)
            admin.execute(f"CREATE DATABASE {db_name}")
            pg = urlparse(PG_URL)._replace(path=f"/{db_name}").geturl()
            backends.append(("PostgreSQL", dict(base, DATA_DIR=tmp, DATABASE_URL=pg)))
        else:
            print(f"PostgreSQL not reachable at {PG_URL}: SQLite only.")
        try:
            for name, env in backends:
                figures = run(name, env, args)
                if figures:
                    print(f"== {name}")
                    for key, value in figures.items():
                        print(f"  {key}: {value}")
        finally:
            if len(backends) > 1:
                admin.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")


if __name__ == "__main__":
    main()
