"""Share statistics (../shared/spec/stats.md): the per-day records, from the events.

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from quizzes.models import AnswerEvent, QuizView, Result, ShownEvent

from ..models import Click, Preview, Referral, Share, ShareKind
from .body import COUNTS, UTC

# In a rollup's data: the time up to which the day is rolled up (today's full hours); the
# rest of that day is counted from the events.
PARTIAL = "until"
# In a rollup's data: its shared completions count the shares made before this time only (the
# rollup run's start); the stats add the first shares made since (sharing.stats.ranges), so a
# late share moves share_rate at once, not at the next hourly run.
SHARED_UNTIL = "shared_until"


def utc_today() -> dt.date:
    return timezone.now().astimezone(UTC).date()


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def record_empty() -> dict[str, Any]:
    day: dict[str, Any] = dict.fromkeys(COUNTS, 0)
    day.update(max_depth=0, by_channel={}, by_outcome={}, by_question={}, by_depth={}, by_shown={})
    return day


def table_bump(table: dict[str, dict[str, int]], key: str | None, field: str, n: int) -> None:
    if key is None:
        return
    row = table.setdefault(key, {})
    row[field] = row.get(field, 0) + n


@dataclass(frozen=True)
class Span:
    """Days [first, last], from `since` on the first day and to `until` on the last when set
    (today's hours already rolled up, sharing.stats.rollups)."""

    first: dt.date
    last: dt.date
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    shared_before: dt.datetime | None = None


def button_shares_before(when: dt.datetime | None, *, result: str = "pk") -> QuerySet:
    """The button shares of the outer query's result (its field `result`), those made before
    `when` only when given."""
    shares = Share.objects.filter(result=OuterRef(result), kind=ShareKind.BUTTON)
    return shares.filter(created_at__lt=when) if when else shares


def _in(qs: QuerySet, span: Span) -> QuerySet:
    start = span.since or dt.datetime.combine(span.first, dt.time.min, tzinfo=UTC)
    end = span.until or dt.datetime.combine(
        span.last + dt.timedelta(days=1), dt.time.min, tzinfo=UTC
    )
    return qs.filter(created_at__gte=start, created_at__lt=end).annotate(
        d=TruncDate("created_at", tzinfo=UTC)
    )


Apply = Callable[[dict[str, Any], dict[str, Any]], None]
Records = dict[tuple[int, dt.date], dict[str, Any]]


def _add(days: Records, rows: Iterable[dict[str, Any]], apply: Apply, day: str = "d") -> None:
    """Fold grouped rows (each with its quiz and day) into the day records of the range."""
    for row in rows:
        key = (row["quiz_id"], row[day])
        if key in days:
            apply(days[key], row)


def _bump(field: str) -> Apply:
    return lambda day, r: day.__setitem__(field, day[field] + r["n"])


def days_compute(
    *,
    quiz_id: int,
    first: dt.date,
    last: dt.date,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> dict[dt.date, dict[str, Any]]:
    """The per-day records of [first, last] computed from the events (a fixed number of
    grouped queries, whatever the number of days or rows); the events from `since` on the
    first day and before `until` on the last only, when given."""
    span = Span(first, last, since, until)
    records = quizzes_days_compute(quiz_ids=[quiz_id], span=span)
    return {day: record for (_, day), record in records.items()}


def quizzes_days_compute(*, quiz_ids: list[int], span: Span) -> Records:
    """{(quiz id, day): record} of the span for many quizzes at once: the same fixed number
    of grouped queries as for one (the rollup's set-based path)."""
    days = {(q, d): record_empty() for q in quiz_ids for d in days_between(span.first, span.last)}
    _funnel_add(days, quiz_ids=quiz_ids, span=span)
    _sharing_add(days, quiz_ids=quiz_ids, span=span)
    return days


def _funnel_add(days: Records, *, quiz_ids: list[int], span: Span) -> None:
    """Views, starts, answers per question, conditional questions shown, and completions (by
    outcome and depth)."""
    # A view's day is stored (its UTC day when counted), so whole days are taken by it; the
    # time cuts a day in two only where the span starts or ends within one.
    views = QuizView.objects.filter(quiz_id__in=quiz_ids, day__gte=span.first, day__lte=span.last)
    if span.since:
        views = views.filter(created_at__gte=span.since)
    if span.until:
        views = views.filter(created_at__lt=span.until)
    _add(
        days,
        views.values("quiz_id", "day").annotate(n=Count("id")).order_by(),
        _bump("views"),
        day="day",
    )
    answers = AnswerEvent.objects.filter(quiz_id__in=quiz_ids)
    of_take = AnswerEvent.objects.filter(quiz_id=OuterRef("quiz_id"), take=OuterRef("take"))
    earlier = of_take.filter(created_at__lt=OuterRef("created_at"))
    first_answers = _in(answers, span).filter(~Exists(earlier))
    _add(
        days,
        first_answers.values("quiz_id", "d").annotate(n=Count("take", distinct=True)).order_by(),
        _bump("starts"),
    )
    results = Result.objects.filter(quiz_id__in=quiz_ids)
    unanswered = _in(results, span).filter(~Exists(of_take))
    _add(
        days, unanswered.values("quiz_id", "d").annotate(n=Count("id")).order_by(), _bump("starts")
    )

    def answered(day: dict[str, Any], r: dict[str, Any]) -> None:
        n, pos = day["by_question"].get(r["question_key"], (0, r["pos"]))
        day["by_question"][r["question_key"]] = [n + r["n"], min(pos, r["pos"])]

    _add(
        days,
        _in(answers, span)
        .values("quiz_id", "d", "question_key")
        .annotate(n=Count("id"), pos=Min("position"))
        .order_by(),
        answered,
    )

    def shown(day: dict[str, Any], r: dict[str, Any]) -> None:
        day["by_shown"][r["question_key"]] = day["by_shown"].get(r["question_key"], 0) + r["n"]

    # Takes shown a question with a display condition: its drop-off's denominator.
    _add(
        days,
        _in(ShownEvent.objects.filter(quiz_id__in=quiz_ids), span)
        .values("quiz_id", "d", "question_key")
        .annotate(n=Count("id"))
        .order_by(),
        shown,
    )

    shared = Exists(button_shares_before(span.shared_before))

    def completed(day: dict[str, Any], r: dict[str, Any]) -> None:
        day["completions"] += r["n"]
        day["shared_completions"] += r["n"] if r["shared"] else 0
        day["max_depth"] = max(day["max_depth"], r["depth"])
        depth = str(r["depth"])
        day["by_depth"][depth] = day["by_depth"].get(depth, 0) + r["n"]
        table_bump(day["by_outcome"], r["outcome_key"], "completions", r["n"])

    _add(
        days,
        _in(results, span)
        .annotate(shared=shared, depth=Coalesce(_of_referral("depth"), 0))
        .values("quiz_id", "d", "outcome_key", "depth", "shared")
        .annotate(n=Count("id"))
        .order_by(),
        completed,
    )


def _of_referral(field: str) -> Subquery:
    """A field of the result's referral, looked up result by result (a correlated subquery):
    the work follows the day's results, where a join may scan every referral ever made."""
    return Subquery(
        Referral.objects.filter(result=OuterRef("pk")).values(field)[:1],
        output_field=IntegerField(),
    )


def _of_result(ref: str) -> Subquery:
    """The outcome of the result `ref` points to, looked up row by row (as _of_referral)."""
    return Subquery(Result.objects.filter(pk=OuterRef(ref)).values("outcome_key")[:1])


def _counter(field: str) -> Apply:
    def apply(day: dict[str, Any], r: dict[str, Any]) -> None:
        day[field] += r["n"]
        table_bump(day["by_channel"], r["channel"], field, r["n"])
        table_bump(day["by_outcome"], r["outcome"], field, r["n"])

    return apply


def _sharing_add(days: Records, *, quiz_ids: list[int], span: Span) -> None:
    """Shares, clicks and referred completions (by channel and outcome), and previews."""
    _add(
        days,
        _in(Share.objects.filter(quiz_id__in=quiz_ids, kind=ShareKind.BUTTON), span)
        .values("quiz_id", "d", "channel", outcome=_of_result("result_id"))
        .annotate(n=Count("id"))
        .order_by(),
        _counter("shares"),
    )
    _add(
        days,
        _in(Click.objects.filter(quiz_id__in=quiz_ids), span)
        .values(
            "quiz_id", "d", channel=F("share__channel"), outcome=F("share__result__outcome_key")
        )
        .annotate(n=Count("id"))
        .order_by(),
        _counter("clicks"),
    )
    referring = Share.objects.filter(pk=OuterRef("ref_share"))
    _add(
        days,
        _in(Result.objects.filter(quiz_id__in=quiz_ids), span)
        .annotate(ref_share=_of_referral("share_id"))
        .filter(ref_share__isnull=False)
        .values(
            "quiz_id",
            "d",
            channel=Subquery(referring.values("channel")[:1]),
            outcome=Subquery(referring.values("result__outcome_key")[:1]),
        )
        .annotate(n=Count("id"))
        .order_by(),
        _counter("referred_completions"),
    )
    _add(
        days,
        _in(Preview.objects.filter(quiz_id__in=quiz_ids), span)
        .values("quiz_id", "d")
        .annotate(n=Count("id"))
        .order_by(),
        _bump("previews"),
    )
