"""What the editors' stats page adds to the stats body for people: rates as percentages,
questions by their prompt, channels by their names, the "how to read this" notes, and the CSV
tables (the JSON body of stats.md keeps its keys and ratios)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from quizzes.engine.numbers import number_text
from quizzes.format.definition import definition_stored
from quizzes.models import Quiz

from ..models import Channel
from .body import CHANNEL_FIELDS, DAY_FIELDS, OUTCOME_FIELDS, StatsBody

RATES = ("completion_rate", "share_rate", "click_to_completion")
TABLES = ("days", "channels", "outcomes", "questions")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHART_LABEL = 34  # characters of a prompt on a chart line (400 units at 14-unit text)

# What each figure means, in a sentence an editor reads once: (key, name, reading); the page
# links each figure to its reading at #read-<key>.
READINGS: tuple[tuple[str, Any, Any], ...] = (
    (
        "viral_coefficient",
        _("Viral coefficient"),
        _(
            "New completions each completion brought through shared links, on average. Above "
            "1 the quiz spreads by itself; 0.1 means ten completions brought one more."
        ),
    ),
    (
        "max_depth",
        _("Max depth"),
        _(
            "The longest chain of friends: 0, nobody came through a friend's link; 3, a friend "
            "of a friend of a friend finished the quiz."
        ),
    ),
    (
        "views",
        _("Views"),
        _(
            "Intro pages opened by browsers, one per visitor a day; preview bots are apart. "
            "Friends who open a share link start from its page, not the intro: they count as "
            "clicks, so starts can be more than views."
        ),
    ),
    ("starts", _("Starts"), _("Takes with at least one question answered.")),
    ("completions", _("Completions"), _("Takes finished to the end: results saved.")),
    (
        "completion_rate",
        _("Completion rate"),
        _(
            "Completions out of starts. A low rate means people leave on the way: see where "
            "visitors drop off."
        ),
    ),
    (
        "shares",
        _("Shares"),
        _(
            "Share links made with the share buttons; the same result on the same channel "
            "counts once."
        ),
    ),
    ("share_rate", _("Share rate"), _("Completions shared at least once, out of all completions.")),
    (
        "previews",
        _("Link previews"),
        _(
            "Share links fetched by a chat app or social site to draw their preview: the link "
            "was posted somewhere, nobody has opened it yet."
        ),
    ),
    (
        "clicks",
        _("Clicks"),
        _(
            "Share links opened by browsers, one per visitor per link; the sharer's own visits "
            "are not counted."
        ),
    ),
    (
        "referred_completions",
        _("Referred completions"),
        _("Completions by visitors who came through someone's share link."),
    ),
    (
        "click_to_completion",
        _("Click → completion"),
        _(
            "Referred completions out of clicks: how many of the friends who opened a link "
            "finished the quiz."
        ),
    ),
    (
        "questions",
        _("Where visitors drop off"),
        _(
            "Reached: takes that got to the question. Answered: those who answered it. "
            "Drop-off: the share of those who reached it and left there (an optional question "
            "left blank was passed, not left)."
        ),
    ),
    (
        "channels",
        _("By channel"),
        _(
            "The share button used to make each link, and the clicks and completions its "
            "links brought back."
        ),
    ),
    ("outcomes", _("By outcome"), _("Which results people get, and which ones they pass on.")),
    ("days", _("By day"), _("Each day's figures (days are UTC).")),
)


def percent(rate: float) -> str:
    """0.4167 -> "41.7%", 0.5 -> "50%", 0 -> "0%"."""
    return f"{number_text(rate * 100, places=1)}%"


def stats_rates(body: StatsBody) -> dict[str, str]:
    """The body's ratios as percentages, by field."""
    return {name: percent(float(body[name])) for name in RATES}  # type: ignore[literal-required]


def question_prompts(quiz: Quiz) -> dict[str, str]:
    """The question prompts by key, from the live version; the stats count every version, so
    a key not in it is shown as itself."""
    definition = definition_stored(quiz.live_version.definition if quiz.live_version else None)
    return {q["key"]: q["prompt"] for q in definition.get("questions") or []}


def questions_optional(quiz: Quiz) -> set[str]:
    """The keys of the live version's questions a visitor may leave blank (quiz-format.md:
    `required` defaults to true, to false for text)."""
    definition = definition_stored(quiz.live_version.definition if quiz.live_version else None)
    return {
        q["key"]
        for q in definition.get("questions") or []
        if not q.get("required", q["type"] != "text")
    }


def questions_named(questions: Sequence[dict[str, Any]], prompts: dict[str, str]) -> None:
    """Each question row (question_drops) gets its prompt, in place, and a short chart label."""
    for row in questions:
        row["prompt"] = prompts.get(row["key"]) or row["key"]
        row["short"] = Truncator(row["prompt"]).chars(CHART_LABEL)


def channels_named(body: StatsBody) -> list[dict[str, Any]]:
    """The by-channel rows with each channel's name in the visitor's language."""
    names = dict(Channel.choices)
    return [
        {"key": key, "name": names.get(key, key), **row} for key, row in body["by_channel"].items()
    ]


def cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def stats_csv(
    *,
    table: str,
    slug: str,
    body: StatsBody,
    questions: Sequence[dict[str, Any]],
    outcomes: Sequence[dict[str, Any]],
) -> HttpResponse:
    """One table of the page as a CSV download (`table` one of TABLES); keys as the API has
    them beside the names the page shows."""
    header, rows = _table(table, body, questions, outcomes)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    part = "" if table == "days" else f"-{table}"
    response["Content-Disposition"] = (
        f'attachment; filename="{slug}{part}-{body["from"]}-{body["to"]}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return response


def _table(
    table: str,
    body: StatsBody,
    questions: Sequence[dict[str, Any]],
    outcomes: Sequence[dict[str, Any]],
) -> tuple[list[str], Iterable[list[Any]]]:
    if table == "channels":
        return ["channel", "name", *CHANNEL_FIELDS], (
            [row["key"], str(row["name"]), *(row[f] for f in CHANNEL_FIELDS)]
            for row in channels_named(body)
        )
    if table == "outcomes":
        return ["outcome", "title", *OUTCOME_FIELDS], (
            [row["key"], row["title"], *(row[f] for f in OUTCOME_FIELDS)] for row in outcomes
        )
    if table == "questions":
        return ["question", "prompt", "reached", "answered", "drop_off"], (
            [q["key"], q["prompt"], q["reached"], q["answered"], _drop(q)] for q in questions
        )
    return ["date", *DAY_FIELDS], ([d["date"], *(d[f] for f in DAY_FIELDS)] for d in body["by_day"])


def _drop(q: dict[str, Any]) -> str:
    return f"{q['lost'] / q['reached']:.4f}" if q["reached"] and q["lost"] else ""
