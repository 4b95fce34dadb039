"""The stats body of stats.md (../shared/spec/stats.md) as types, and the figures a day's
record counts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal, NotRequired, TypedDict

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
    cta_clicks: int  # added by integrations (sharing.signals.stats_extras)


class OutcomeStats(TypedDict):
    completions: int
    shares: int
    clicks: int
    referred_completions: int
    cta_clicks: int  # added by integrations (sharing.signals.stats_extras)


# A spec extension (README): "shown", on a question with a display condition only, counts
# the takes that were shown it. Functional syntax: with the annotations of this module left
# unevaluated, Python 3.11 would count a class body's NotRequired key as required.
QuestionStats = TypedDict(  # noqa: UP013
    "QuestionStats", {"key": str, "answered": int, "shown": NotRequired[int]}
)


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
        # spec/integrations.md, added by integrations through sharing.signals.stats_extras.
        "cta_clicks": NotRequired[int],
        "referred_cta_clicks": NotRequired[int],
        "leads": NotRequired[int],
    },
)
