"""What the studio page shows of a document, worked out in plain functions: its items with
their positions, the problems by field (studio_problems), the personality matrix, the score
bands (studio_bands) and a calculator's values at sample answers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from quizzes.authoring import samples
from quizzes.authoring.document import (
    CHOICE_TYPES,
    MAX_POINTS,
    QUESTION_TYPES,
    personality_points,
    question_types,
)
from quizzes.authoring.document_keys import FixedKeys
from quizzes.authoring.studio_bands import bands_scale
from quizzes.authoring.studio_problems import problems_by_field
from quizzes.engine.numbers import number_text
from quizzes.engine.scoring import ScoringError, answers_validate, score_compute
from quizzes.format.checks import Problem
from quizzes.format.definition import Definition
from quizzes.format.quizfile import quiz_programs


def _labels() -> dict[str, str]:
    # Built per request: the labels follow the author's language.
    return {
        "single": _("One answer"),
        "multi": _("Several answers"),
        "number": _("A number"),
        "text": _("Text (e.g. a name)"),
    }


def calculator_values(definition: Definition | None) -> tuple[dict[str, Any], list[str]]:
    """Each value worked out at the sample answers of the checked working copy (empty when it
    has problems: None), and the sample answers in words."""
    if definition is None or not definition["outcomes"]:
        return {}, []
    programs = quiz_programs(definition)
    # The same sample answers as the phone preview's first result, so both show one figure.
    sample = samples.sample_answers(
        definition=definition, programs=programs, outcome_key=definition["outcomes"][0]["key"]
    )
    answers = dict(sample.answers)
    clean, errors = answers_validate(definition=definition, answers=answers)
    if errors:
        return {}, []
    try:
        computed = score_compute(definition=definition, programs=programs, answers=clean)
    except ScoringError:
        return {}, []
    words = []
    for q in definition["questions"]:
        value: Any = answers.get(q["key"])
        if q["type"] == "number" and isinstance(value, int | float):
            unit = f" {q['unit']}" if q.get("unit") else ""
            words.append(f"{q['prompt']} → {number_text(value)}{unit}")
        elif q["type"] in ("single", "multi"):
            labels = {c["key"]: c["label"] for c in q.get("choices") or []}
            picked: list[Any] = value if isinstance(value, list) else [value]
            words.append(f"{q['prompt']} → {', '.join(labels.get(str(k), '') for k in picked)}")
    return dict(computed.values), words


def _choice_views(q: dict[str, Any], outcomes: list[dict[str, Any]], kind: str) -> list[Any]:
    """A question's answers with, for a personality quiz, their row of the matrix."""
    outcome_keys = [str(o.get("key", "")) for o in outcomes]
    views = []
    for ci, c in enumerate(q.get("choices") or []):
        c = c if isinstance(c, dict) else {}
        points = personality_points(c, outcome_keys) if kind == "personality" else []
        cells = [
            {
                "index": oi,
                "points": n,
                "outcome": outcomes[oi].get("title") or _("Result %(n)s") % {"n": oi + 1},
            }
            for oi, n in enumerate(points)
        ]
        views.append({"index": ci, "index_str": str(ci), "c": c, "cells": cells})
    return views


def _condition_sources(earlier: list[dict[str, Any]], cond: dict[str, Any] | None) -> list[Any]:
    """The earlier choice questions a question may be shown after, with the choices picked."""
    sources = []
    for ei, e in enumerate(earlier):
        if e.get("type") not in ("single", "multi"):
            continue
        selected = bool(cond and cond.get("question") == e.get("key"))
        picked = set(cond.get("choices") or []) if cond and selected else set()
        choices = [
            {"index": ci, "label": c.get("label") or "", "picked": c.get("key") in picked}
            for ci, c in enumerate(e.get("choices") or [])
            if isinstance(c, dict)
        ]
        prompt = e.get("prompt") or _("Question %(n)s") % {"n": ei + 1}
        sources.append({"index": ei, "prompt": prompt, "selected": selected, "choices": choices})
    return sources


def _type_options(kind: str, current: object) -> list[dict[str, Any]]:
    """A question's type control: its own type selected (named as it is when the studio has
    no words for it), and what it may switch to; `keeps`: a switch keeps its answers (no
    confirmation asked)."""
    labels = _labels()
    return [
        {
            "value": t,
            "label": labels.get(t, t),
            "selected": t == current,
            "keeps": t != current and t in CHOICE_TYPES and current in CHOICE_TYPES,
        }
        for t in question_types(kind=kind, current=current)
    ]


def _question_views(
    questions: list[dict[str, Any]], outcomes: list[dict[str, Any]], kind: str, fixed: FixedKeys
) -> list[dict[str, Any]]:
    views = []
    for qi, q in enumerate(questions):
        choices = _choice_views(q, outcomes, kind)
        cond = q.get("show_if") if isinstance(q.get("show_if"), dict) else None
        views.append(
            {
                "index": qi,
                "index_str": str(qi),
                "q": q,
                "type": q.get("type"),
                "types": _type_options(kind, q.get("type")),
                "published": q.get("key") in fixed.questions,
                "choices": choices,
                "earlier": _condition_sources(questions[:qi], cond),
                "condition": cond,
                # A new answer leans to the next result in turn, unless the author picks one.
                "lean": len(choices) % len(outcomes) if outcomes else 0,
            }
        )
    return views


def _chips(questions: list[dict[str, Any]], variables: list[Any]) -> list[dict[str, Any]]:
    """The names a formula may use, as chips: questions by their prompt, values by name."""
    return [
        {"key": q.get("key"), "label": q.get("prompt") or q.get("key")}
        for q in questions
        if q.get("type") in ("number", "single", "multi")
    ] + [{"key": v.get("key"), "label": v.get("key")} for v in variables if isinstance(v, dict)]


def _variable_views(
    document: dict[str, Any],
    definition: Definition | None,
    questions: list[dict[str, Any]],
    fixed: FixedKeys,
) -> tuple[list[dict[str, Any]], list[str]]:
    values, sample_words = calculator_values(definition)
    variables = document.get("variables") or []
    views = []
    for vi, v in enumerate(variables):
        v = v if isinstance(v, dict) else {}
        views.append(
            {
                "index": vi,
                "v": v,
                "chips": _chips(questions, variables[:vi]),
                "value": values.get(str(v.get("key"))),
                "published": v.get("key") in fixed.variables,
            }
        )
    return views, sample_words


def studio_context(
    *,
    document: dict[str, Any],
    definition: Definition | None,
    problems: list[Problem],
    fixed: FixedKeys,
) -> dict[str, Any]:
    """What the studio shows of `document`, given what checking it found: its `definition`
    (None when it has problems) and the `problems`."""
    kind = str(document.get("kind") or "personality")
    outcomes = [o if isinstance(o, dict) else {} for o in document.get("outcomes") or []]
    questions = [q if isinstance(q, dict) else {} for q in document.get("questions") or []]
    variables, sample_words = (
        _variable_views(document, definition, questions, fixed)
        if kind == "calculator"
        else ([], [])
    )
    prompts = {str(q.get("key")): str(q.get("prompt") or q.get("key")) for q in questions}
    score_chip = [{"key": "score", "label": _("score")}] if kind != "calculator" else []
    labels = _labels()
    language = str(document.get("language") or "en")
    languages = list(settings.LANGUAGES)
    if language not in dict(languages):
        languages.append((language, language))  # a file's language the site has no name for
    return {
        "document": document,
        "languages": languages,
        "kind": kind,
        "types": [(t, labels[t]) for t in QUESTION_TYPES.get(kind, ())],
        "questions": _question_views(questions, outcomes, kind, fixed),
        "outcomes": [
            {"index": i, "o": o, "card": o.get("card") or {}, "prefix": f"o-{i}-card-"}
            for i, o in enumerate(outcomes)
        ],
        "variables": variables,
        "outcome_chips": _chips(questions, document.get("variables") or []) + score_chip,
        "sample_words": sample_words,
        "problems": problems_by_field(problems, prompts),
        "points_range": range(MAX_POINTS + 1),
        "bands": bands_scale(document) if kind in ("score", "trivia") else None,
        "tie_winner": (outcomes[0].get("title") if outcomes else "") or _("the first result"),
        "card_names": _card_names(kind, questions, document.get("variables") or []),
    }


def _card_names(kind: str, questions: list[dict[str, Any]], variables: list[Any]) -> str:
    """The placeholders this quiz's result image may show, in braces and in the quiz's order
    (as an unknown one's message lists them): the result, every answer, values, scores."""
    keys = ["outcome", *(str(q.get("key")) for q in questions if q.get("key"))]
    keys += [str(v.get("key")) for v in variables if isinstance(v, dict) and v.get("key")]
    keys += {
        "personality": ["score"],
        "score": ["score", "max_score"],
        "trivia": ["score", "max_score"],
    }.get(kind, [])
    return ", ".join(f"{{{k}}}" for k in dict.fromkeys(keys))
