"""A quiz's stats for a range of days (quiz_stats): the sum of one small record per day, closed
days from the `DailyStats` rollups, the others computed from the events (sharing.stats.days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Exists, Q
from django.utils.translation import gettext

from quizzes.models import Quiz

from ..models import Channel, DailyStats, Share, ShareKind
from ..signals import stats_extras
from .body import (
    CHANNEL_FIELDS,
    COUNTS,
    DATE_RE,
    DAY_FIELDS,
    MAX_DAYS,
    OUTCOME_FIELDS,
    UTC,
    ChannelStats,
    DayStats,
    OutcomeStats,
    QuestionStats,
    StatsBody,
)
from .days import (
    PARTIAL,
    SHARED_UNTIL,
    button_shares_before,
    days_between,
    days_compute,
    record_empty,
    utc_today,
)
from .selectors import refused_counts


class StatsRangeError(ValueError):
    """The dates asked for make no range (from after to, or far too long)."""


def _combine(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    total = record_empty()
    for rec in records:
        for key in COUNTS:
            total[key] += rec.get(key, 0)
        total["max_depth"] = max(total["max_depth"], rec.get("max_depth", 0))
        for table in ("by_channel", "by_outcome"):
            rows = total[table]
            for key, row in rec.get(table, {}).items():
                target = rows.setdefault(key, {})
                for field, n in row.items():
                    target[field] = target.get(field, 0) + n
        for key, (n, pos) in rec.get("by_question", {}).items():
            old_n, old_pos = total["by_question"].get(key, (0, pos))
            total["by_question"][key] = [old_n + n, min(old_pos, pos)]
        for key, n in rec.get("by_shown", {}).items():  # rollups older than it have none
            total["by_shown"][key] = total["by_shown"].get(key, 0) + n
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
        raise StatsRangeError(gettext("The start date (from) is after the end date (to)."))
    if (last - first).days >= MAX_DAYS:
        raise StatsRangeError(
            gettext("A range can span at most %(days)d days.") % {"days": MAX_DAYS}
        )
    return first, last


def quiz_stats(
    quiz: Quiz, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> StatsBody:
    """The stats body of stats.md for `quiz` over [date_from, date_to] (inclusive, UTC).

    Raises StatsRangeError for an empty or too long range. Days with a rollup are read from
    it (today's up to its last full hour, the rest counted); every other day is computed from
    the events.
    """
    first, last = stats_range(quiz, date_from, date_to)
    today = utc_today()
    records: dict[dt.date, dict[str, Any]] = dict(
        DailyStats.objects.filter(quiz=quiz, day__gte=first, day__lte=min(last, today)).values_list(
            "day", "data"
        )
    )
    rolled = _rolled_spans(records)
    for day, record in list(records.items()):
        record.pop(SHARED_UNTIL, None)
        if PARTIAL in record:  # rolled up to an hour (today's): the rest from the events
            since = dt.datetime.fromisoformat(record.pop(PARTIAL))
            rest = days_compute(quiz_id=quiz.pk, first=day, last=day, since=since)
            records[day] = _combine([record, rest[day]])
    missing = [d for d in days_between(first, last) if d not in records]
    for run_first, run_last in _runs(missing):
        records.update(days_compute(quiz_id=quiz.pk, first=run_first, last=run_last))
    total = _combine(records.values())
    total["shared_completions"] += late_shared_count(quiz_id=quiz.pk, rolled=rolled)
    body = _body(quiz, first, last, total, records)
    # A spec extension (README): what the rate limits kept out of the figures above.
    body["refused"] = refused_counts(quiz_id=quiz.pk, first=first, last=last)
    _extras_merge(body, quiz_id=quiz.pk, first=first, last=last)
    return body


def _rolled_spans(records: dict[dt.date, dict[str, Any]]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The times the rollups among `records` cover: runs of whole days, and today up to its
    last rolled-up hour."""
    spans = []
    for run_first, run_last in _runs(sorted(records)):
        start = dt.datetime.combine(run_first, dt.time.min, tzinfo=UTC)
        end = dt.datetime.combine(run_last + dt.timedelta(days=1), dt.time.min, tzinfo=UTC)
        if PARTIAL in records[run_last]:
            end = dt.datetime.fromisoformat(records[run_last][PARTIAL])
        spans.append((start, end))
    return spans


def late_shared_count(*, quiz_id: int, rolled: list[tuple[dt.datetime, dt.datetime]]) -> int:
    """Results within the rolled-up times whose first share came after the last rollup run
    began: the rollups count shares made before it (SHARED_UNTIL), so share_rate is exact
    between hourly runs. Every run recomputes the recent days and patches older ones with
    late shares, so all records are whole up to the quiz's latest run; the query reads only
    the shares made since it."""
    if not rolled:
        return 0
    latest = (
        DailyStats.objects.filter(quiz_id=quiz_id, **{f"data__{SHARED_UNTIL}__isnull": False})
        .order_by("-computed_at")
        .values_list(f"data__{SHARED_UNTIL}", flat=True)
        .first()
    )
    if not latest:  # rolled up before the records said when: the rollups' own figure
        return 0
    since = dt.datetime.fromisoformat(str(latest))
    within = Q()
    for start, end in rolled:
        within |= Q(result__created_at__gte=start, result__created_at__lt=end)
    return (
        Share.objects.filter(within, quiz_id=quiz_id, kind=ShareKind.BUTTON, created_at__gte=since)
        .exclude(Exists(button_shares_before(since, result="result_id")))
        .values("result_id")
        .distinct()
        .count()
    )


def _extras_merge(body: StatsBody, *, quiz_id: int, first: dt.date, last: dt.date) -> None:
    """Add the figures the rooms above count (integrations: cta_clicks, referred_cta_clicks,
    leads; cta_clicks in by_outcome and by_channel), each room exact in its own way (its
    rollups, written by the same hourly run through `stats_rolled_up`, and its rows)."""
    loose = cast(dict[str, Any], body)
    for _receiver, extra in stats_extras.send(sender=Quiz, quiz_id=quiz_id, first=first, last=last):
        answer: dict[str, Any] = extra if isinstance(extra, dict) else {}
        row_fields: dict[str, list[str]] = answer.get("row_fields") or {}
        for key, value in answer.items():
            if key in ("by_outcome", "by_channel"):
                fields = OUTCOME_FIELDS if key == "by_outcome" else CHANNEL_FIELDS
                for row_key, row in value.items():
                    target = loose[key].setdefault(row_key, dict.fromkeys(fields, 0))
                    for field, n in row.items():
                        target[field] = target.get(field, 0) + n
            elif key != "row_fields":
                loose[key] = value
        # Every row has the fields the room adds (0 where it counted nothing).
        for table, names in row_fields.items():
            for target in loose[table].values():
                for field in names:
                    target.setdefault(field, 0)


def _order(keys: Iterable[str], known: list[str]) -> list[str]:
    seen = set(keys)
    return [k for k in known if k in seen] + sorted(seen - set(known))


def _body(quiz, first, last, total, records) -> StatsBody:
    definition = (quiz.live_version.definition if quiz.live_version else None) or {}
    questions = [q["key"] for q in definition.get("questions", [])]
    conditional = {q["key"] for q in definition.get("questions", []) if q.get("show_if")}
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
        "by_question": [
            _question_row(k, by_question[k], conditional, total) for k in [*questions, *extra]
        ],
        "by_day": [
            cast(DayStats, {"date": d.isoformat(), **{f: records[d].get(f, 0) for f in DAY_FIELDS}})
            for d in days_between(first, last)
        ],
        "by_depth": {k: total["by_depth"][k] for k in sorted(total["by_depth"], key=int)},
    }


def _question_row(
    key: str, answered: int, conditional: set[str], total: dict[str, Any]
) -> QuestionStats:
    """A by_question row; a question with a display condition also says how many takes were
    shown it (README: its drop-off is counted among them)."""
    row: QuestionStats = {"key": key, "answered": answered}
    if key in conditional:
        row["shown"] = total["by_shown"].get(key, 0)
    return row


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
