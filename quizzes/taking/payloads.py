"""What visitors (and API clients) are shown of a quiz and a result: plain dicts.

The API returns these as JSON and the pages render them, so both say the same thing. A quiz
as a visitor sees it never carries a choice's value, points or correctness, nor expressions
or outcome rules: only what it takes to answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from quizzes.format.definition import Definition, HasQuestions, Question
from quizzes.models import Result
from quizzes.taking.images import image_url

QUESTION_FIELDS = (
    "key",
    "type",
    "prompt",
    "help",
    "required",
    "min",
    "max",
    "step",
    "unit",
    "max_length",
    "min_choices",
    "max_choices",
)
SECONDS = {"single": 6, "multi": 6, "number": 8, "text": 8}

Absolute = Callable[[str], str]


def quiz_public(definition: Definition, *, absolute: Absolute = str) -> dict[str, Any]:
    """The published quiz as api.md shows it: every question field, null where not set, and
    the extensions (README): `show_if` (null: always shown), `image` (an absolute URL or
    null) on a question and on each choice. Never an explanation: it gives answers away."""

    def url(name: str | None) -> str | None:
        return absolute(image_url(name)) if name else None

    return {
        "slug": definition["slug"],
        "title": definition["title"],
        "description": definition.get("description") or "",
        "kind": definition["kind"],
        "language": definition.get("language") or "en",
        "questions": [
            {
                **{name: q.get(name) for name in QUESTION_FIELDS},
                "help": q.get("help") or "",
                "unit": q.get("unit") or "",
                "image": url(q.get("image")),
                "show_if": show_if_public(q),
                "choices": [
                    {"key": c["key"], "label": c["label"], "image": url(c.get("image"))}
                    for c in q.get("choices", [])
                ],
            }
            for q in definition["questions"]
        ],
    }


def show_if_public(q: Question) -> dict[str, Any] | None:
    """A question's display condition with its keys in the file's order (PostgreSQL's jsonb
    stores them in its own), or None."""
    cond = q.get("show_if")
    return {"question": cond["question"], "choices": list(cond["choices"])} if cond else None


def quiz_seconds(definition: HasQuestions) -> int:
    """About how long a take lasts: ~6 s a choice question, ~8 s a number or text."""
    return sum(SECONDS.get(q["type"], 8) for q in definition["questions"])


def result_body(result: Result, *, slug: str, absolute: Absolute) -> dict[str, Any]:
    """The result body of api.md as quizzes knows it, with absolute URLs; the room that
    shares results adds `share_url` and `image`."""
    return {
        "id": result.id,
        "quiz": slug,
        "outcome": {
            "key": result.outcome_key,
            "title": result.title,
            "description": result.description,
        },
        "score": number(result.score),
        "max_score": number(result.max_score),
        "values": {k: number(v) for k, v in (result.values or {}).items()},
        "result_url": absolute(reverse("quizzes:result", args=[result.id])),
    }


def number(value: Any) -> Any:
    """7.0 -> 7 (JSON reads better), other floats as they are, None as None."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value
