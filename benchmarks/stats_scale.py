"""Stats at scale on PostgreSQL: a quiz with 10M events over a year, and a day of 1M events.

    .venv/bin/python benchmarks/stats_scale.py [--events 10000000] [--days 365] [--burst 1000000]

Creates a temporary PostgreSQL database (BENCH_POSTGRES_URL names the server, default
postgres://postgres@127.0.0.1:5432/postgres; the database is `he_stats_scale` unless
BENCH_DB says otherwise, dropped at the end unless --keep), generates the events server-side
(generate_series, no Python row by row), rolls the year up, then prints:

- the stats body over the whole year with rollups: p50/p95 of --runs runs (goal < 200 ms),
  with a whole day's share of the events already made today (the part counted live);
- within it, the figures integrations adds (CTA clicks, one per result for a fifth of the
  completions, and leads, for a twentieth): p50/p95, and each of their queries under
  EXPLAIN ANALYZE (plans on stderr);
- the rollup of a day with --burst more events (goal < 10 s for 1M), alone and as part of
  the hourly run (which redoes the last three closed days);
- the raw-event purge (retention of --days/2 days) and its time;
- whether the rolled-up body equals the live body (everything computed from the events),
  before the purge, and whether the body is unchanged after it (exact to the unit).

Referral depths are synthetic (1 to 6): the stats read them, they do not check the chain.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_DB", "he_stats_scale")
QUESTIONS = ["alarm", "weekend", "music", "name"]
OUTCOMES = ["espresso", "latte", "green_tea", "smoothie"]
CHANNELS = ["whatsapp", "copy", "telegram", "x", "facebook", "line", "wechat", "native"]
TAKES_PER_EVENT = 0.117  # ~8.5 events a take: its answers, result, shares, clicks, previews
VIEWS_PER_EVENT = 0.15

# One generation: takes spread over [t0, t0 + span), all names prefixed so that several
# generations (the year, then the burst day) never collide on a unique constraint.
GENERATE = [
    # Takes numbered in time order, named with zero-padded numbers: rows reach every index
    # (time, take) in order, as live traffic does, not at random places.
    """CREATE TEMP TABLE bt AS SELECT lpad((row_number() OVER (ORDER BY ts))::text, 9, '0') AS i, *
      FROM (SELECT %(t0)s::timestamptz + random() * %(span)s * interval '1 second' AS ts,
        (ARRAY[1,2,3,3,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4])[1 + floor(random() * 20)::int] AS reached,
        random() AS r_done, random() AS r_share, random() AS r_ref,
        1 + floor(random() * 4)::int AS outcome, 1 + floor(random() * 8)::int AS channel,
        floor(random() * 17)::int AS n_clicks, floor(random() * 3)::int AS n_previews,
        random() AS r_cta, random() AS r_lead
      FROM generate_series(1, %(takes)s)) t""",
    """INSERT INTO quizzes_answerevent (quiz_id, take, question_key, position, created_at)
      SELECT %(quiz)s, %(p)s || i, (%(questions)s::text[])[pos + 1], pos,
             ts + pos * interval '5 seconds'
      FROM bt, generate_series(0, reached - 1) pos""",
    """INSERT INTO quizzes_result (id, quiz_id, version_id, visitor, take, outcome_key, title,
        description, "values", card_text, created_at)
      SELECT %(p)s || 'r' || i, %(quiz)s, %(version)s, %(p)s || 'v' || i, %(p)s || i,
             (%(outcomes)s::text[])[outcome], 't', '', '{}', '{}', ts + interval '40 seconds'
      FROM bt WHERE reached = 4 AND r_done >= 0.1""",
    """INSERT INTO sharing_share (code, quiz_id, result_id, channel, kind, owner, created_at)
      SELECT %(p)s || 'd' || i, %(quiz)s, %(p)s || 'r' || i, 'link', 'default',
             %(p)s || 'v' || i, ts + interval '40 seconds'
      FROM bt WHERE reached = 4 AND r_done >= 0.1""",
    """INSERT INTO sharing_share (code, quiz_id, result_id, channel, kind, owner, created_at)
      SELECT %(p)s || 'b' || i, %(quiz)s, %(p)s || 'r' || i, (%(channels)s::text[])[channel],
             'button', %(p)s || 'v' || i, ts + interval '60 seconds'
      FROM bt WHERE reached = 4 AND r_done >= 0.1 AND r_share < 0.3""",
    """CREATE TEMP TABLE bs AS SELECT s.id, bt.n_clicks, bt.n_previews, s.created_at,
        row_number() OVER (ORDER BY s.id) AS n
      FROM bt JOIN sharing_share s ON s.code = %(p)s || 'b' || bt.i""",
    "CREATE INDEX ON bs (n)",
    "ANALYZE bs",
    """INSERT INTO sharing_click (share_id, quiz_id, visitor, created_at)
      SELECT bs.id, %(quiz)s, 'c' || c, bs.created_at + c * interval '1 minute'
      FROM bs, generate_series(1, bs.n_clicks) c""",
    """INSERT INTO sharing_preview (share_id, quiz_id, agent, created_at)
      SELECT bs.id, %(quiz)s, 'WhatsApp/2', bs.created_at
      FROM bs, generate_series(1, bs.n_previews) c""",
    # 30% of completions were referred by some button share (synthetic depth 1..6).
    """INSERT INTO sharing_referral (result_id, share_id, depth)
      SELECT %(p)s || 'r' || i,
             (SELECT id FROM bs
              WHERE n = 1 + floor(bt.r_ref / 0.3 * (SELECT count(*) FROM bs))::bigint),
             1 + floor(bt.r_ref * 20)::int
      FROM bt WHERE reached = 4 AND r_done >= 0.1 AND r_ref < 0.3""",
    # Calls to action followed (one per result, as the model allows) by CTA_SHARE of the
    # completions, half a minute after the result, with the channel of the share that
    # referred it ("direct" without one); leads left by LEAD_SHARE of them, kept a year (the
    # most a quiz's retention allows: every lead of the year is still there to count).
    """INSERT INTO integrations_ctaclick (result_id, quiz_id, outcome_key, channel, referred,
        url, created_at)
      SELECT r.id, r.quiz_id, r.outcome_key, coalesce(s.channel, 'direct'),
             ref.result_id IS NOT NULL, 'https://example.com/offer',
             r.created_at + interval '30 seconds'
      FROM bt JOIN quizzes_result r ON r.id = %(p)s || 'r' || bt.i
        LEFT JOIN sharing_referral ref ON ref.result_id = r.id
        LEFT JOIN sharing_share s ON s.id = ref.share_id
      WHERE bt.r_cta < %(cta_share)s""",
    """INSERT INTO integrations_lead (result_id, quiz_id, email, name, phone, consent_text,
        created_at, expires_at, confirm_token)
      SELECT r.id, r.quiz_id, %(p)s || bt.i || '@example.com', '', '', 'I agree.',
             r.created_at + interval '20 seconds', r.created_at + interval '365 days', ''
      FROM bt JOIN quizzes_result r ON r.id = %(p)s || 'r' || bt.i
      WHERE bt.r_lead < %(lead_share)s""",
    """INSERT INTO quizzes_quizview (quiz_id, visitor, day, created_at)
      SELECT %(quiz)s, %(p)s || 'w' || i, d::date, d
      FROM (SELECT i, %(t0)s::timestamptz + random() * %(span)s * interval '1 second' AS d
            FROM generate_series(1, %(views)s) i) v""",
    "DROP TABLE bt",
    "DROP TABLE bs",
]
COUNTED = [
    "quizzes_answerevent",
    "quizzes_result",
    "sharing_share",
    "sharing_click",
    "sharing_preview",
    "quizzes_quizview",
    "integrations_ctaclick",
    "integrations_lead",
]
CTA_SHARE = 0.2  # of completions: the call to action followed
LEAD_SHARE = 0.05  # of completions: contact details left


def generate(*, prefix: str, quiz_id: int, version_id: int, events: int, t0, span: float) -> None:
    from django.db import connection

    params = {
        "p": prefix,
        "quiz": quiz_id,
        "version": version_id,
        "t0": t0,
        "span": span,
        "takes": max(1, int(events * TAKES_PER_EVENT)),
        "views": int(events * VIEWS_PER_EVENT),
        "questions": QUESTIONS,
        "outcomes": OUTCOMES,
        "channels": CHANNELS,
        "cta_share": CTA_SHARE,
        "lead_share": LEAD_SHARE,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        for sql in GENERATE:
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            print(
                f"  {time.perf_counter() - t0:6.1f} s  {sql.split(chr(10))[0][:60]}",
                file=sys.stderr,
            )
        cursor.execute("ANALYZE")


def counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        found = {}
        for table in COUNTED:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            found[table.split("_", 1)[1]] = cursor.fetchone()[0]
    found["total"] = sum(found.values())
    return found


def timed(fn, runs: int) -> tuple[list[float], Any]:
    times, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return times, value


def extras_measure(quiz, runs: int) -> dict[str, object]:
    """The part of the body the rooms above add (integrations' CTA clicks and leads, through
    sharing.signals.stats_extras) over the whole range: p50/p95 of `runs` sends, and each of
    its queries under EXPLAIN ANALYZE (the plans go to stderr, their times to the figures)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quizzes.models import Quiz
    from sharing.signals import stats_extras
    from sharing.stats.ranges import stats_range

    first, last = stats_range(quiz, None, None)

    def send() -> object:
        return stats_extras.send(sender=Quiz, quiz_id=quiz.pk, first=first, last=last)

    send()  # warm
    times, _ = timed(send, runs)
    times.sort()
    with CaptureQueriesContext(connection) as captured:
        send()
    explained = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
            print("\n" + query["sql"] + "\n  " + "\n  ".join(plan), file=sys.stderr)
            explained.append(float(plan[-1].split(":")[1].split()[0]))  # "Execution Time: x ms"
    return {
        "extras_year_p50_ms": round(statistics.median(times) * 1000, 1),
        "extras_year_p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
        "extras_queries_explain_ms": explained,
    }


def live_body(quiz):
    """The body with every day computed from the events (no rollup read)."""
    from django.db import transaction

    from integrations.models import CtaRollup
    from sharing.models import DailyStats
    from sharing.stats.ranges import quiz_stats

    with transaction.atomic():
        DailyStats.objects.all().delete()
        CtaRollup.objects.all().delete()
        body = quiz_stats(quiz)
        transaction.set_rollback(True)
    return body


def bench(args: argparse.Namespace) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks.stats import bench_quiz_create
    from integrations.rollups import cta_clicks_purge, cta_rollup
    from quizzes.models import AnswerEvent, Quiz, QuizVersion
    from sharing.models import DailyStats
    from sharing.stats.days import utc_today
    from sharing.stats.purge import stats_raw_purge
    from sharing.stats.ranges import quiz_stats
    from sharing.stats.rollups import stats_rollup

    # The machine's load, for reading the times (2 shared cores: a load of 8 slows all down).
    figures: dict[str, object] = {"cpus": os.cpu_count(), "load_1m_start": os.getloadavg()[0]}
    now = dt.datetime.now(dt.UTC)
    today = utc_today()
    midnight = dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC)
    quiz = Quiz.objects.filter(slug="bench").first()
    if quiz is None:
        quiz, version = bench_quiz_create(created_at=now - dt.timedelta(days=args.days))
        t0 = time.perf_counter()
        start = now - dt.timedelta(days=args.days)
        generate(
            prefix="y",
            quiz_id=quiz.pk,
            version_id=version.pk,
            events=args.events,
            t0=start,
            span=(now - start).total_seconds() - 3600,
        )
        figures["generate_year_s"] = round(time.perf_counter() - t0, 1)
        figures["events_year"] = counts()
        t0 = time.perf_counter()
        figures["rollup_days"] = stats_rollup()
        figures["rollup_year_s"] = round(time.perf_counter() - t0, 1)
        # The burst: --burst more events on the day before yesterday (a closed day that the
        # hourly run recomputes), then the hourly run that rolls it up again.
        burst_day = midnight - dt.timedelta(days=2)
        t0 = time.perf_counter()
        generate(
            prefix="x",
            quiz_id=quiz.pk,
            version_id=version.pk,
            events=args.burst,
            t0=burst_day,
            span=86400 - 1200,  # clicks come up to 17 minutes after: all on the same day
        )
        figures["generate_burst_s"] = round(time.perf_counter() - t0, 1)
        figures["events_total"] = counts()
    if not AnswerEvent.objects.filter(quiz=quiz, take__startswith="t").exists():
        # Today as busy as it gets: a whole day's share of the events already, since midnight
        # (the hourly rollup takes today's full hours; the hour under way is counted live).
        generate(
            prefix="t",
            quiz_id=quiz.pk,
            version_id=QuizVersion.objects.get(quiz=quiz).pk,
            events=args.events // args.days,
            t0=midnight,
            span=max(60.0, (now - midnight).total_seconds() - 1200),
        )
    figures["events_today"] = AnswerEvent.objects.filter(
        quiz=quiz, created_at__gte=midnight
    ).count()
    quiz = Quiz.objects.select_related("live_version").get(pk=quiz.pk)
    t0 = time.perf_counter()
    stats_rollup()
    figures["rollup_hourly_run_with_burst_day_s"] = round(time.perf_counter() - t0, 2)
    figures["rollup_rows"] = DailyStats.objects.filter(quiz=quiz).count()
    # The burst day alone, as the rollup writes it (its grouped queries and the upsert).
    burst = today - dt.timedelta(days=2)
    t0 = time.perf_counter()
    stats_rollup(today=burst + dt.timedelta(days=1), recent_days=1)
    figures["rollup_burst_day_alone_s"] = round(time.perf_counter() - t0, 2)
    # Of which integrations' CTA clicks (on sharing's stats_rolled_up), timed apart.
    t0 = time.perf_counter()
    cta_rollup(today=burst + dt.timedelta(days=1), recent_days=1)
    figures["cta_rollup_burst_day_alone_s"] = round(time.perf_counter() - t0, 2)

    quiz_stats(quiz)  # warm
    times, rolled = timed(lambda: quiz_stats(quiz), args.runs)
    times.sort()
    figures["body_year_p50_ms"] = round(statistics.median(times) * 1000, 1)
    figures["body_year_p95_ms"] = round(times[int(0.95 * (len(times) - 1))] * 1000, 1)
    figures.update(extras_measure(quiz, args.runs))
    t0 = time.perf_counter()
    live = live_body(quiz)
    figures["body_year_live_s"] = round(time.perf_counter() - t0, 1)
    figures["rolled_equals_live"] = live == rolled
    if args.purge:
        t0 = time.perf_counter()
        figures["purged_rows"] = stats_raw_purge(days=args.days // 2, budget=3600)
        # The CTA clicks' own retention is the raw events' default (integrations.rollups):
        # purged here as if that had passed for the same days.
        figures["purged_cta_clicks"] = cta_clicks_purge(days=args.days // 2, budget=3600)
        figures["purge_s"] = round(time.perf_counter() - t0, 1)
        figures["events_after_purge"] = counts()
        figures["body_unchanged_after_purge"] = quiz_stats(quiz) == rolled
    figures.update(
        load_1m_end=os.getloadavg()[0],
        completions=rolled["completions"],
        views=rolled["views"],
        clicks=rolled["clicks"],
        starts=rolled["starts"],
        share_rate=rolled["share_rate"],
        cta_clicks=rolled.get("cta_clicks"),
        referred_cta_clicks=rolled.get("referred_cta_clicks"),
        leads=rolled.get("leads"),
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--burst", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--purge", action="store_true", help="purge raw rows older than days/2")
    parser.add_argument("--keep", action="store_true", help="keep the database (reused next run)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import psycopg

    admin = psycopg.connect(PG_URL.replace("postgres://", "postgresql://"), autocommit=True)
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
    if not exists:
        admin.execute(f"CREATE DATABASE {DB_NAME}")
    os.environ["DATABASE_URL"] = urlparse(PG_URL)._replace(path=f"/{DB_NAME}").geturl()
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizbuilder.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")  # the development key: no deployment
    try:
        figures = bench(args)
        print(json.dumps(figures, indent=1))
        missed = goals_print(figures, args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    sys.exit(1 if missed else 0)


def goals_print(figures: dict[str, Any], args: argparse.Namespace) -> bool:
    """Print each goal as ok or MISSED (the day's goal scales with --burst); True if one is."""
    day_goal = 10.0 * args.burst / 1_000_000
    checks = [
        ("body over the year, p95 < 200 ms", figures["body_year_p95_ms"] < 200),
        (
            f"rollup of a day of {args.burst} more events < {day_goal:g} s",
            figures["rollup_burst_day_alone_s"] < day_goal,
        ),
        ("rolled-up body equals the live body", figures["rolled_equals_live"]),
    ]
    if args.purge:
        checks.append(("body unchanged after the purge", figures["body_unchanged_after_purge"]))
    for name, ok in checks:
        print(f"{name}: {'ok' if ok else 'MISSED'}")
    return not all(ok for _, ok in checks)


if __name__ == "__main__":
    main()
