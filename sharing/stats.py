"""Share statistics (../shared/spec/stats.md), from the events, with daily rollups.

Every figure is a count of rows in the period, by the event's own time (UTC). A quiz's stats
for a range are the sum of one small record per day: closed days come from `DailyStats`
rollups written by the beat task, the others (today, or days not rolled up yet) are computed
from the events with a handful of grouped queries. Rollups and live days are computed by the
same function, so they agree to the row.

Two definitions that keep per-day records additive (so a range is an exact sum):
- a start is counted on the day of its take's first event (first answer, or the result
  itself when the take recorded no answers);
- `share_rate` counts completions of the period that have been shared (at any time). A
  share made days after its result changes that older day; the rollup task therefore also
  recomputes the days of results shared recently (see `stats_rollup`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, Literal, NotRequired, TypedDict, cast

from django.db.models import Count, Exists, F, IntegerField, Max, Min, OuterRef, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from quizzes.models import AnswerEvent, Quiz, QuizView, Result

from .models import Channel, Click, DailyStats, Preview, Share, ShareKind
from .selectors import refused_counts

UTC = dt.UTC
MAX_DAYS = 3700
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
RECENT_DAYS = 3
COUNTS = (
    "views",
    "starts",
    "completions",
    "shared_completions",
    "shares",
    "previews",
    "clicks",
    "referred_completions",
)
CHANNEL_FIELDS = ("shares", "clicks", "referred_completions")
OUTCOME_FIELDS = ("completions", "shares", "clicks", "referred_completions")
DayField = Literal["views", "completions", "shares", "clicks", "referred_completions"]
DAY_FIELDS: tuple[DayField, ...] = (
    "views",
    "completions",
    "shares",
    "clicks",
    "referred_completions",
)


# The stats body of stats.md, as `quiz_stats` returns it and the API, page and CSV read it.
# "from" is a Python keyword, hence the functional syntax for the body and a day.


class ChannelStats(TypedDict):
    shares: int
    clicks: int
    referred_completions: int


class OutcomeStats(TypedDict):
    completions: int
    shares: int
    clicks: int
    referred_completions: int


class QuestionStats(TypedDict):
    key: str
    answered: int


class DayStats(TypedDict):
    date: str  # YYYY-MM-DD, UTC
    views: int
    completions: int
    shares: int
    clicks: int
    referred_completions: int


StatsBody = TypedDict(
    "StatsBody",
    {
        "quiz": str,
        "from": str,
        "to": str,
        "views": int,
        "starts": int,
        "completions": int,
        "completion_rate": float,
        "shares": int,
        "share_rate": float,
        "previews": int,
        "clicks": int,
        "referred_completions": int,
        "click_to_completion": float,
        "viral_coefficient": float,
        "max_depth": int,
        "by_channel": dict[str, ChannelStats],
        "by_outcome": dict[str, OutcomeStats],
        "by_question": list[QuestionStats],
        "by_day": list[DayStats],
        # Spec extensions (README): completions by referral depth ("0", "1"... in order),
        # and what the rate limits kept out of the figures, by kind (quiz_stats adds it).
        "by_depth": dict[str, int],
        "refused": NotRequired[dict[str, int]],
    },
)


class StatsRangeError(ValueError):
    """The dates asked for make no range (from after to, or far too long)."""


def utc_today() -> dt.date:
    return timezone.now().astimezone(UTC).date()


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _empty() -> dict[str, Any]:
    day: dict[str, Any] = dict.fromkeys(COUNTS, 0)
    day.update(max_depth=0, by_channel={}, by_outcome={}, by_question={}, by_depth={})
    return day


def _bump(table: dict[str, dict[str, int]], key: str | None, field: str, n: int) -> None:
    if key is None:
        return
    row = table.setdefault(key, {})
    row[field] = row.get(field, 0) + n


def _in(qs: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    start = dt.datetime.combine(first, dt.time.min, tzinfo=UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=UTC)
    return qs.filter(created_at__gte=start, created_at__lt=end).annotate(
        d=TruncDate("created_at", tzinfo=UTC)
    )


def days_compute(*, quiz_id: int, first: dt.date, last: dt.date) -> dict[dt.date, dict[str, Any]]:
    """The per-day records of [first, last] computed from the events (a fixed number of
    grouped queries, whatever the number of days or rows)."""
    days = {d: _empty() for d in _days(first, last)}

    def add(rows: Iterable[dict[str, Any]], apply) -> None:
        for row in rows:
            day = row["d"]
            if day in days:
                apply(days[day], row)

    views = QuizView.objects.filter(quiz_id=quiz_id, day__gte=first, day__lte=last)
    for row in views.values("day").annotate(n=Count("id")).order_by():
        days[row["day"]]["views"] += row["n"]

    answers = AnswerEvent.objects.filter(quiz_id=quiz_id)
    earlier = answers.filter(take=OuterRef("take"), created_at__lt=OuterRef("created_at"))
    first_answers = _in(answers, first, last).filter(~Exists(earlier))
    add(
        first_answers.values("d").annotate(n=Count("take", distinct=True)).order_by(),
        lambda day, r: day.__setitem__("starts", day["starts"] + r["n"]),
    )
    results = Result.objects.filter(quiz_id=quiz_id)
    unanswered = _in(results, first, last).filter(~Exists(answers.filter(take=OuterRef("take"))))
    add(
        unanswered.values("d").annotate(n=Count("id")).order_by(),
        lambda day, r: day.__setitem__("starts", day["starts"] + r["n"]),
    )

    def answered(day: dict[str, Any], r: dict[str, Any]) -> None:
        n, pos = day["by_question"].get(r["question_key"], (0, r["pos"]))
        day["by_question"][r["question_key"]] = [n + r["n"], min(pos, r["pos"])]

    add(
        _in(answers, first, last)
        .values("d", "question_key")
        .annotate(n=Count("id"), pos=Min("position"))
        .order_by(),
        answered,
    )

    shared = Exists(Share.objects.filter(result=OuterRef("pk"), kind=ShareKind.BUTTON))

    def completed(day: dict[str, Any], r: dict[str, Any]) -> None:
        day["completions"] += r["n"]
        day["shared_completions"] += r["n"] if r["shared"] else 0
        day["max_depth"] = max(day["max_depth"], r["depth"])
        depth = str(r["depth"])
        day["by_depth"][depth] = day["by_depth"].get(depth, 0) + r["n"]
        _bump(day["by_outcome"], r["outcome_key"], "completions", r["n"])

    add(
        _in(results, first, last)
        .annotate(shared=shared, depth=Coalesce("referral__depth", 0, output_field=IntegerField()))
        .values("d", "outcome_key", "depth", "shared")
        .annotate(n=Count("id"))
        .order_by(),
        completed,
    )

    def counter(field: str):
        def apply(day: dict[str, Any], r: dict[str, Any]) -> None:
            day[field] += r["n"]
            _bump(day["by_channel"], r["channel"], field, r["n"])
            _bump(day["by_outcome"], r["outcome"], field, r["n"])

        return apply

    add(
        _in(Share.objects.filter(quiz_id=quiz_id, kind=ShareKind.BUTTON), first, last)
        .values("d", "channel", outcome=F("result__outcome_key"))
        .annotate(n=Count("id"))
        .order_by(),
        counter("shares"),
    )
    add(
        _in(Click.objects.filter(quiz_id=quiz_id), first, last)
        .values("d", channel=F("share__channel"), outcome=F("share__result__outcome_key"))
        .annotate(n=Count("id"))
        .order_by(),
        counter("clicks"),
    )
    add(
        _in(results.filter(referral__share__isnull=False), first, last)
        .values(
            "d",
            channel=F("referral__share__channel"),
            outcome=F("referral__share__result__outcome_key"),
        )
        .annotate(n=Count("id"))
        .order_by(),
        counter("referred_completions"),
    )
    add(
        _in(Preview.objects.filter(quiz_id=quiz_id), first, last)
        .values("d")
        .annotate(n=Count("id"))
        .order_by(),
        lambda day, r: day.__setitem__("previews", day["previews"] + r["n"]),
    )
    return days


def _combine(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    total = _empty()
    for rec in records:
        for key in COUNTS:
            total[key] += rec.get(key, 0)
        total["max_depth"] = max(total["max_depth"], rec.get("max_depth", 0))
        for table in ("by_channel", "by_outcome"):
            for key, row in rec.get(table, {}).items():
                for field, n in row.items():
                    _bump(total[table], key, field, n)
        for key, (n, pos) in rec.get("by_question", {}).items():
            old_n, old_pos = total["by_question"].get(key, (0, pos))
            total["by_question"][key] = [old_n + n, min(old_pos, pos)]
        for depth, n in rec.get("by_depth", {}).items():
            total["by_depth"][depth] = total["by_depth"].get(depth, 0) + n
    return total


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def stats_range(
    quiz: Quiz, date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The inclusive range asked for, defaulting to the quiz's first day and today (UTC)."""
    first = date_from or min(quiz.created_at.astimezone(UTC).date(), utc_today())
    last = date_to or max(utc_today(), first)
    if first > last:
        raise StatsRangeError("from must not be after to")
    if (last - first).days >= MAX_DAYS:
        raise StatsRangeError(f"a range can span at most {MAX_DAYS} days")
    return first, last


def quiz_stats(
    quiz: Quiz, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> StatsBody:
    """The stats body of stats.md for `quiz` over [date_from, date_to] (inclusive, UTC).

    Raises StatsRangeError for an empty or too long range. Closed days with a rollup are
    read from it; every other day is computed from the events.
    """
    first, last = stats_range(quiz, date_from, date_to)
    today = utc_today()
    records = {
        r.day: r.data
        for r in DailyStats.objects.filter(
            quiz=quiz, day__gte=first, day__lte=min(last, today - dt.timedelta(days=1))
        )
    }
    missing = [d for d in _days(first, last) if d not in records]
    for run_first, run_last in _runs(missing):
        records.update(days_compute(quiz_id=quiz.pk, first=run_first, last=run_last))
    total = _combine(records.values())
    body = _body(quiz, first, last, total, records)
    # A spec extension (README): what the rate limits kept out of the figures above.
    body["refused"] = refused_counts(quiz_id=quiz.pk, first=first, last=last)
    return body


def _order(keys: Iterable[str], known: list[str]) -> list[str]:
    seen = set(keys)
    return [k for k in known if k in seen] + sorted(seen - set(known))


def _body(quiz, first, last, total, records) -> StatsBody:
    definition = (quiz.live_version.definition if quiz.live_version else None) or {}
    questions = [q["key"] for q in definition.get("questions", [])]
    outcomes = [o["key"] for o in definition.get("outcomes", [])]
    by_question = dict.fromkeys(questions, 0)
    positions = {k: i for i, k in enumerate(questions)}
    extra = sorted(
        (k for k in total["by_question"] if k not in positions),
        key=lambda k: (total["by_question"][k][1], k),
    )
    for key, (n, _) in total["by_question"].items():
        by_question[key] = n
    by_outcome = {k: dict.fromkeys(OUTCOME_FIELDS, 0) for k in outcomes}
    for key in _order(total["by_outcome"], outcomes):
        by_outcome.setdefault(key, dict.fromkeys(OUTCOME_FIELDS, 0)).update(
            total["by_outcome"][key]
        )
    channels = [c.value for c in Channel]
    by_channel = {
        k: {f: total["by_channel"][k].get(f, 0) for f in CHANNEL_FIELDS}
        for k in _order(total["by_channel"], channels)
    }
    return {
        "quiz": quiz.slug,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "views": total["views"],
        "starts": total["starts"],
        "completions": total["completions"],
        "completion_rate": _ratio(total["completions"], total["starts"]),
        "shares": total["shares"],
        "share_rate": _ratio(total["shared_completions"], total["completions"]),
        "previews": total["previews"],
        "clicks": total["clicks"],
        "referred_completions": total["referred_completions"],
        "click_to_completion": _ratio(total["referred_completions"], total["clicks"]),
        "viral_coefficient": _ratio(total["referred_completions"], total["completions"]),
        "max_depth": total["max_depth"],
        # Rows built from CHANNEL_FIELDS, OUTCOME_FIELDS and DAY_FIELDS: the casts name them.
        "by_channel": cast(dict[str, ChannelStats], by_channel),
        "by_outcome": cast(dict[str, OutcomeStats], by_outcome),
        "by_question": [{"key": k, "answered": by_question[k]} for k in [*questions, *extra]],
        "by_day": [
            cast(DayStats, {"date": d.isoformat(), **{f: records[d].get(f, 0) for f in DAY_FIELDS}})
            for d in _days(first, last)
        ],
        "by_depth": {k: total["by_depth"][k] for k in sorted(total["by_depth"], key=int)},
    }


def stats_rollup(*, today: dt.date | None = None, recent_days: int = RECENT_DAYS) -> int:
    """Write (upsert) the rollups of closed UTC days; returns the number of days written.

    Per quiz: every closed day not rolled up yet (a new quiz is backfilled), the last
    `recent_days` closed days again (late events: a request that straddled midnight, a clock
    a little behind), and the days of results that got a share in that window (share_rate).
    Idempotent: running it twice writes the same records.
    """
    today = today or utc_today()
    yesterday = today - dt.timedelta(days=1)
    window = today - dt.timedelta(days=recent_days)
    since = dt.datetime.combine(window, dt.time.min, tzinfo=UTC)
    written = 0
    latest = dict(DailyStats.objects.values_list("quiz_id").annotate(m=Max("day")).order_by())
    for quiz_id, created_at in Quiz.objects.values_list("id", "created_at"):
        last_done = latest.get(quiz_id)
        start = (
            (last_done + dt.timedelta(days=1)) if last_done else created_at.astimezone(UTC).date()
        )
        start = min(start, window)
        records = (
            days_compute(quiz_id=quiz_id, first=start, last=yesterday) if start <= yesterday else {}
        )
        shared_days = (
            Share.objects.filter(quiz_id=quiz_id, kind=ShareKind.BUTTON, created_at__gte=since)
            .annotate(d=TruncDate("result__created_at", tzinfo=UTC))
            .values_list("d", flat=True)
            .distinct()
        )
        for day in set(shared_days):
            if day < start:
                records.update(days_compute(quiz_id=quiz_id, first=day, last=day))
        DailyStats.objects.bulk_create(
            [DailyStats(quiz_id=quiz_id, day=d, data=data) for d, data in records.items()],
            update_conflicts=True,
            unique_fields=["quiz", "day"],
            update_fields=["data", "computed_at"],
            batch_size=500,
        )
        written += len(records)
    return written


def stats_dates_parse(
    date_from: str | None, date_to: str | None
) -> tuple[dt.date | None, dt.date | None]:
    """`from`/`to` as given in a query string (YYYY-MM-DD, blank = not set).

    Raises StatsRangeError naming the field when one is not a real date.
    """
    parsed: list[dt.date | None] = []
    for name, value in (("from", date_from), ("to", date_to)):
        text = (value or "").strip()
        if not text:
            parsed.append(None)
            continue
        try:
            if not DATE_RE.fullmatch(text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise StatsRangeError(f"{name}: use a date as YYYY-MM-DD.") from None
        if day >= dt.date.max:
            # The range ends at the start of the next day, which 9999-12-31 does not have.
            raise StatsRangeError(f"{name}: use a date before {dt.date.max}.")
        parsed.append(day)
    return parsed[0], parsed[1]
