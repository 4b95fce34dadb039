"""Reads of the stats worth a name."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from quizzes.taking.ratelimit import RefusedKind

from ..models import RefusedRequest


def refused_counts(*, quiz_id: int, first: dt.date, last: dt.date) -> dict[str, int]:
    """Requests on the quiz refused (or served uncounted) as abuse in [first, last] (UTC
    days), by kind, every kind present (0 when none): one grouped query."""
    rows = (
        RefusedRequest.objects.filter(quiz_id=quiz_id, day__gte=first, day__lte=last)
        .values("kind")
        .annotate(n=Sum("count"))
        .order_by()
    )
    counts = dict.fromkeys(RefusedKind.values, 0)
    for row in rows:
        counts[row["kind"]] = row["n"]
    return counts
