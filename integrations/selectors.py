"""Integrations' figures for the stats body (spec/integrations.md, "Calls to action" and
"Leads"), exact: CTA clicks from their daily rollups up to the quiz's last rolled-up day
(integrations.rollups) and from the clicks after it, leads from their rows."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.db.models import Count, Sum

from .models import CtaClick, CtaDaily, CtaRollup, CtaTable, Lead
from .rollups import GROUP, Tables, clicks_between, day_start, tables_add


class Figures(TypedDict):
    cta_clicks: int
    referred_cta_clicks: int
    leads: int
    by_outcome: dict[str, dict[str, int]]
    by_channel: dict[str, dict[str, int]]
    row_fields: dict[str, list[str]]


def integration_figures(*, quiz_id: int, first: dt.date, last: dt.date) -> Figures:
    """CTA clicks (one per result), those of referred results, and leads in [first, last]
    (UTC days); cta_clicks per outcome and per channel that brought the visitor (clicks of
    results nobody referred count under no channel).

    Four queries whatever the range: how far the clicks are rolled up, the rollups' sums up
    to then, the clicks since (today's, and any day the hourly run has not rolled up yet),
    and the leads. Leads are counted from their rows: they are personal data, deleted with
    their result, by an erasure request or when the quiz's retention ends, and a lead that
    is gone is not counted (a rollup would keep it); their rows are bounded by that
    retention, and the count is a range of one index.
    """
    through = CtaRollup.objects.filter(quiz_id=quiz_id).values_list("through", flat=True).first()
    tables: Tables = {}
    if through is not None and through >= first:
        rolled = CtaDaily.objects.filter(quiz_id=quiz_id, day__gte=first, day__lte=through)
        for row in rolled.filter(day__lte=last).values("table", "key").annotate(n=Sum("count")):
            tables[(row["table"], row["key"])] = row["n"]
    live_first = first if through is None else max(first, through + dt.timedelta(days=1))
    if live_first <= last:
        clicks = clicks_between(CtaClick.objects.filter(quiz_id=quiz_id), live_first, last)
        tables_add(tables, clicks.values(*GROUP).annotate(n=Count("pk")).order_by())
    leads = Lead.objects.filter(
        quiz_id=quiz_id,
        created_at__gte=day_start(first),
        created_at__lt=day_start(last + dt.timedelta(days=1)),
    ).count()
    return _figures(tables, leads=leads)


def _figures(tables: Tables, *, leads: int) -> Figures:
    """The body's CTA figures from the two tables' counts (rolled up or live alike)."""
    rows: dict[str, dict[str, int]] = {CtaTable.OUTCOME: {}, CtaTable.CHANNEL: {}}
    for (table, key), n in sorted(tables.items()):
        rows[table][key] = n
    return {
        "cta_clicks": sum(rows[CtaTable.OUTCOME].values()),
        "referred_cta_clicks": sum(rows[CtaTable.CHANNEL].values()),
        "leads": leads,
        "by_outcome": {k: {"cta_clicks": n} for k, n in rows[CtaTable.OUTCOME].items()},
        "by_channel": {k: {"cta_clicks": n} for k, n in rows[CtaTable.CHANNEL].items()},
        "row_fields": {"by_outcome": ["cta_clicks"], "by_channel": ["cta_clicks"]},
    }
