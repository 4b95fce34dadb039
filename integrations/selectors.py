"""Integrations' figures for the stats body (spec/integrations.md, "Calls to action" and
"Leads"), counted from the rows themselves so they are exact."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.db.models import Count

from sharing.stats.body import UTC

from .models import CtaClick, Lead


class Figures(TypedDict):
    cta_clicks: int
    referred_cta_clicks: int
    leads: int
    by_outcome: dict[str, dict[str, int]]
    by_channel: dict[str, dict[str, int]]
    row_fields: dict[str, list[str]]


def _span(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(first, dt.time.min, tzinfo=UTC)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=UTC)


def integration_figures(*, quiz_id: int, first: dt.date, last: dt.date) -> Figures:
    """CTA clicks (one per result), those of referred results, and leads in [first, last]
    (UTC days); cta_clicks per outcome and per channel that brought the visitor (clicks of
    results nobody referred count under no channel)."""
    start, end = _span(first, last)
    clicks = CtaClick.objects.filter(quiz_id=quiz_id, created_at__gte=start, created_at__lt=end)
    by_outcome = {
        row["outcome_key"]: {"cta_clicks": row["n"]}
        for row in clicks.values("outcome_key").annotate(n=Count("pk"))
    }
    by_channel = {
        row["channel"]: {"cta_clicks": row["n"]}
        for row in clicks.filter(referred=True).values("channel").annotate(n=Count("pk"))
    }
    leads = Lead.objects.filter(quiz_id=quiz_id, created_at__gte=start, created_at__lt=end)
    return {
        "cta_clicks": clicks.count(),
        "referred_cta_clicks": clicks.filter(referred=True).count(),
        "leads": leads.count(),
        "by_outcome": by_outcome,
        "by_channel": by_channel,
        "row_fields": {"by_outcome": ["cta_clicks"], "by_channel": ["cta_clicks"]},
    }
