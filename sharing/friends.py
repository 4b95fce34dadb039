"""The friend loop on the result page: a referred friend's result beside the result of the
friend whose link brought them, and how common a result is.

Read-only (selectors): nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count

from quizzes.engine.numbers import number_text
from quizzes.engine.templating import TemplateError, template_names
from quizzes.models import Kind, Result
from quizzes.taking.contexts import score_text

from .models import DailyStats, Referral
from .stats.days import utc_today

# Below this many completions a percentage could point at a handful of people (README).
OUTCOME_SHARE_MIN_COMPLETIONS = 20
OUTCOME_COUNTS_SECONDS = 300


@dataclass(frozen=True)
class Side:
    """One person's side of the comparison."""

    name: str  # their name on the card, "" when they gave none
    title: str
    figure: str  # the score or the calculator's figure, "" for a personality quiz
    outcome_key: str


@dataclass(frozen=True)
class Comparison:
    you: Side
    friend: Side
    same: bool  # the same outcome
    personality: bool  # a "you are both X" sentence reads well (not a calculator's title)


def _figure(result: Result) -> str:
    kind = result.version.kind
    if kind in (Kind.SCORE, Kind.TRIVIA):
        return score_text(result, kind)
    if kind != Kind.CALCULATOR:
        return ""
    values = result.values or {}
    definition = result.version.definition or {}
    headline = str((definition.get("card") or {}).get("headline") or "")
    try:
        named = [k for k in template_names(headline) if k in values]
    except TemplateError:
        named = []
    # The figure the card shows (its headline's placeholder), else the first one computed.
    keys = sorted(named) or list(values)
    for key in keys:
        value = values[key]
        if isinstance(value, int | float) and not isinstance(value, bool):
            return number_text(value, places=2)
    return ""


def _side(result: Result) -> Side:
    name = str((result.card_text or {}).get("name") or "")
    return Side(name=name, title=result.title, figure=_figure(result),
                outcome_key=result.outcome_key)  # fmt: skip


def friend_comparison(*, result: Result) -> Comparison | None:
    """The comparison of `result` with the result of the friend whose link referred it, or
    None: not referred, the link had no result (yet), or that result was deleted, or both
    are the same visitor's. One query."""
    referral = (
        Referral.objects.filter(result_id=result.pk)
        .select_related("share__result__version", "share__parent__result__version")
        .first()
    )
    share = referral.share if referral is not None else None
    if share is None:
        return None
    theirs = share.result or (share.parent.result if share.parent else None)
    if theirs is None or theirs.deleted_at is not None or theirs.visitor == result.visitor:
        return None
    you, friend = _side(result), _side(theirs)
    return Comparison(
        you=you,
        friend=friend,
        same=you.outcome_key == friend.outcome_key,
        personality=result.version.kind != Kind.CALCULATOR,
    )


def outcome_counts(*, quiz_id: int, today: dt.date | None = None) -> dict[str, int]:
    """{outcome key: completions} of the quiz over all time: the closed days' rollups and the
    results of the days not rolled up yet (as sharing.stats counts them). Two queries."""
    today = today or utc_today()
    counts: dict[str, int] = {}
    last: dt.date | None = None
    rolled = DailyStats.objects.filter(quiz_id=quiz_id, day__lt=today).values_list("day", "data")
    for day, data in rolled:
        for key, row in (data.get("by_outcome") or {}).items():
            counts[key] = counts.get(key, 0) + int((row or {}).get("completions") or 0)
        last = day if last is None or day > last else last
    recent = Result.objects.filter(quiz_id=quiz_id)
    if last is not None:
        recent = recent.filter(created_at__date__gt=last)
    for key, n in recent.order_by().values_list("outcome_key").annotate(n=Count("pk")):
        counts[key] = counts.get(key, 0) + n
    return counts


def outcome_percent(*, quiz_id: int, outcome_key: str) -> int | None:
    """The rounded percentage of the quiz's completions that got `outcome_key`; None below
    OUTCOME_SHARE_MIN_COMPLETIONS completions. A few minutes old at most (cached per quiz:
    every result page asks, and the figure hardly moves)."""
    key = f"outcome-counts:{quiz_id}"
    counts = cache.get(key)
    if counts is None:
        counts = outcome_counts(quiz_id=quiz_id)
        cache.set(key, counts, timeout=OUTCOME_COUNTS_SECONDS)
    total = sum(counts.values())
    if total < OUTCOME_SHARE_MIN_COMPLETIONS:
        return None
    return round(100 * counts.get(outcome_key, 0) / total)
