"""The key figures of many quizzes at once, for the editors' dashboard (quizzes' `quiz_figures`
signal): completions, share rate and viral coefficient over all time, as stats.md defines them.

Two queries whatever the number of quizzes: the closed days' sums from the `DailyStats`
rollups, and the results made after each quiz's last rolled-up day (today, or days the beat
has not rolled up yet) counted from the events, so the figures agree with the stats page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.urls import reverse

from quizzes.models import Quiz, Result

from ..models import DailyStats, Share, ShareKind
from .body import UTC
from .days import PARTIAL, utc_today

FIELDS = ("completions", "shared_completions", "referred_completions")


class Figures(TypedDict):
    completions: int
    share_rate: float | None  # None without completions: nothing to divide
    viral_coefficient: float | None
    stats_url: str


def _rolled(today: dt.date) -> QuerySet[DailyStats]:
    # Whole days only: a day rolled up to an hour (PARTIAL) is counted from the results.
    return DailyStats.objects.filter(quiz=OuterRef("pk"), day__lt=today).exclude(
        data__has_key=PARTIAL
    )


def _rolled_sum(field: str, today: dt.date) -> Subquery:
    total = Sum(Cast(KeyTextTransform(field, "data"), IntegerField()))
    return Subquery(
        _rolled(today).order_by().values("quiz").annotate(n=total).values("n")[:1],
        output_field=IntegerField(),
    )


def quizzes_figures(*, quiz_ids: list[int]) -> dict[int, Figures]:
    """{quiz id: its figures over all time} for the quizzes that exist among `quiz_ids`."""
    if not quiz_ids:
        return {}
    today = utc_today()
    quizzes = (
        Quiz.objects.filter(id__in=quiz_ids)
        .values("id", "slug")
        .annotate(**{f: Coalesce(_rolled_sum(f, today), 0) for f in FIELDS})
    )
    totals: dict[int, dict[str, Any]] = {q["id"]: q for q in quizzes}
    last_rolled = Subquery(
        DailyStats.objects.filter(quiz=OuterRef("quiz_id"), day__lt=today)
        .exclude(data__has_key=PARTIAL)
        .order_by("-day")
        .values("day")[:1]
    )
    shared = Exists(Share.objects.filter(result=OuterRef("pk"), kind=ShareKind.BUTTON))
    recent = (
        Result.objects.filter(quiz_id__in=totals)
        .annotate(d=TruncDate("created_at", tzinfo=UTC), rolled=last_rolled, shared=shared)
        .filter(Q(rolled__isnull=True) | Q(d__gt=F("rolled")))
        .values("quiz_id")
        .annotate(
            completions=Count("pk"),
            shared_completions=Count("pk", filter=Q(shared=True)),
            referred_completions=Count("pk", filter=Q(referral__share__isnull=False)),
        )
        .order_by()
    )
    for row in recent:
        for field in FIELDS:
            totals[row["quiz_id"]][field] += row[field]
    return {quiz_id: _figures(row) for quiz_id, row in totals.items()}


def _figures(row: dict[str, Any]) -> Figures:
    n = row["completions"]
    return {
        "completions": n,
        "share_rate": round(row["shared_completions"] / n, 4) if n else None,
        "viral_coefficient": round(row["referred_completions"] / n, 4) if n else None,
        "stats_url": reverse("sharing:stats", args=[row["slug"]]),
    }
