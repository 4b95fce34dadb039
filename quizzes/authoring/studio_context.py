"""What the studio page shows of a document, worked out in plain functions: its items with
their positions, the problems by field, the personality matrix, the score bands on one scale,
and a calculator's values at sample answers."""

from __future__ import annotations

import math
import re
from typing import Any

from django.utils.translation import gettext as _

from quizzes.authoring.document import MAX_POINTS, QUESTION_TYPES, FixedKeys, personality_points
from quizzes.authoring.rows import quiz_validate
from quizzes.engine.scoring import ScoringError, answers_validate, score_compute
from quizzes.format.checks import Problem
from quizzes.format.quizfile import quiz_programs


def _labels() -> dict[str, str]:
    # Built per request: the labels follow the author's language.
    return {
        "single": _("One answer"),
        "multi": _("Several answers"),
        "number": _("A number"),
        "text": _("Text (e.g. a name)"),
    }


def field_of(path: str) -> str:
    """The studio field a problem's JSON path names: `questions[2].choices[0].label` is
    `questions.2.choices.0.label`, `outcomes[1].card.headline` is `o-1-card-headline`."""
    name = re.sub(r"\[(\d+)\]", r".\1", path).lstrip("$.")
    if m := re.match(r"outcomes\.(\d+)\.card\.(\w+)", name):
        return f"o-{m.group(1)}-card-{m.group(2)}"
    if m := re.match(r"card\.(\w+)", name):
        return f"card-{m.group(1)}"
    return name


def problem_where(path: str) -> str:
    """Where a problem is, as the studio names it: "Question 2, answer 1", "Result 3"."""
    words = []
    for m in re.finditer(r"(\w+)(?:\[(\d+)\])?", path.lstrip("$.")):
        name, index = m.group(1), m.group(2)
        n = int(index) + 1 if index is not None else None
        if name == "questions":
            words.append(_("Question %(n)s") % {"n": n} if n else _("Questions"))
        elif name == "choices":
            words.append(_("answer %(n)s") % {"n": n} if n else _("answers"))
        elif name == "outcomes":
            words.append(_("Result %(n)s") % {"n": n} if n else _("Results"))
        elif name == "variables":
            words.append(_("Value %(n)s") % {"n": n} if n else _("Values"))
        elif name == "card":
            words.append(_("result image"))
        elif name == "title" and not words:
            words.append(_("Title"))
        elif name == "show_if":
            words.append(_("condition"))
        if name in ("title", "card") or len(words) >= 3:
            break
    text = ", ".join(words)
    return text[:1].upper() + text[1:]


def _condition(shown: str, prompts: dict[str, str]) -> str:
    """`weight=0, age=14` (the importer's words) as "“Your weight” is 0 and “Age” is 14"."""
    parts = []
    for pair in shown.split(", "):
        key, _eq, value = pair.partition("=")
        parts.append(
            _("“%(question)s” is %(value)s") % {"question": prompts.get(key, key), "value": value}
        )
    return _(" and ").join(parts)


def plain_message(message: str, prompts: dict[str, str]) -> str:
    """The importer's message for a rule a file broke, in a marketer's words where the
    studio knows better ones (the file format's messages name keys; authors see labels)."""
    if m := re.fullmatch(r"(division|modulo) by zero when (.+)", message):
        return _("When %(condition)s, this divides by zero.") % {
            "condition": _condition(m.group(2), prompts)
        }
    if m := re.fullmatch(r"no outcome matches when (.+)", message):
        return _(
            "When %(condition)s, no result is shown: leave the last result's condition empty."
        ) % {"condition": _condition(m.group(1), prompts)}
    if m := re.fullmatch(r"unknown name '(\w+)'", message):
        return _("“%(name)s” is not a question or value of this quiz: tap a name below.") % {
            "name": m.group(1)
        }
    if m := re.fullmatch(r"no outcome matches a score of (\S+) .*", message):
        return _("A score of %(score)s gets no result: widen a result's range.") % {
            "score": m.group(1)
        }
    plain = {
        "must not be empty": _("Fill this in."),
        "missing required key": _("Fill this in."),
        "must be a number": _("Type a number."),
        "must be a finite number": _("Type a number."),
        "must be a whole number": _("Type a whole number."),
        "must be a colour written #rrggbb": _("Pick a colour."),
        "invalid syntax": _("This formula is unfinished or has a typo."),
        "syntax error at the end": _("This formula is unfinished."),
        "a trivia quiz needs at least one question with a correct choice": _(
            "Mark the right answer of at least one question."
        ),
        "a multi question in a trivia quiz needs a correct choice": _(
            "Mark at least one right answer."
        ),
        "a single question has at most one correct choice": _(
            "Mark one right answer (or let people pick several answers)."
        ),
    }
    if message in plain:
        return plain[message]
    if message.startswith("must not be greater than max"):
        return _("The lowest is above the highest.")
    return message


def problems_by_field(
    problems: list[Problem], prompts: dict[str, str] | None = None
) -> list[dict[str, str]]:
    return [
        {
            "field": field_of(p.path),
            "message": plain_message(str(p.message), prompts or {}),
            "where": problem_where(p.path),
        }
        for p in problems
    ]


def _num(x: object) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def score_range(document: dict[str, Any]) -> tuple[float, float]:
    """The lowest and highest score a visitor can get."""
    lo = hi = 0.0
    for q in document.get("questions") or []:
        if not isinstance(q, dict):
            continue
        if document.get("kind") == "trivia":
            if any(isinstance(c, dict) and c.get("correct") for c in q.get("choices") or []):
                hi += 1
            continue
        values = [
            _num(c.get("value", 0)) or 0.0 for c in q.get("choices") or [] if isinstance(c, dict)
        ]
        if q.get("type") == "single" and values:
            lo += min(values)
            hi += max(values)
        elif q.get("type") == "multi":
            lo += sum(v for v in values if v < 0)
            hi += sum(v for v in values if v > 0)
        elif q.get("type") == "number":
            lo += _num(q.get("min")) or 0.0
            hi += _num(q.get("max")) or 0.0
    return lo, hi


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def bands_scale(document: dict[str, Any]) -> dict[str, Any]:
    """The outcomes' score ranges on the scale of possible scores, with the gaps (scores no
    result takes) and overlaps (scores two results take; the first listed wins) in words."""
    lo, hi = score_range(document)
    whole = all(
        float(v).is_integer()
        for q in document.get("questions") or []
        if isinstance(q, dict)
        for v in [
            *(_num(c.get("value", 0)) or 0 for c in q.get("choices") or [] if isinstance(c, dict)),
            *(_num(q.get(k)) or 0 for k in ("min", "max", "step") if q.get("type") == "number"),
        ]
    )
    bands: list[dict[str, Any]] = []
    for i, o in enumerate(document.get("outcomes") or []):
        if not isinstance(o, dict):
            continue
        low = _num(o.get("min"))
        high = _num(o.get("max"))
        bands.append(
            {
                "index": i,
                "title": o.get("title") or _("Result %(n)s") % {"n": i + 1},
                "min": lo if low is None else low,
                "max": hi if high is None else high,
            }
        )
    span = max(hi - lo, 1e-9)
    notes: list[dict[str, str]] = []
    # Every score from lo to hi: which bands take it (whole scores when every value is whole).
    ordered = sorted(bands, key=lambda b: (b["min"], b["max"]))
    cursor = lo
    for b in ordered:
        start = cursor
        gap_end = b["min"] - (1 if whole else 0)
        if b["min"] > cursor and gap_end >= start:
            notes.append(
                {
                    "kind": "gap",
                    "text": _("Scores %(a)s to %(b)s get no result.")
                    % {"a": _fmt(start), "b": _fmt(min(gap_end, hi))},
                }
            )
        cursor = max(cursor, b["max"] + (1 if whole else 0))
    if cursor <= hi and (whole or cursor < hi):
        notes.append(
            {
                "kind": "gap",
                "text": _("Scores %(a)s to %(b)s get no result.")
                % {"a": _fmt(cursor), "b": _fmt(hi)},
            }
        )
    for i, a in enumerate(bands):
        for b in bands[i + 1 :]:
            top, bottom = min(a["max"], b["max"]), max(a["min"], b["min"])
            if bottom <= top:
                notes.append(
                    {
                        "kind": "overlap",
                        "text": _(
                            "Scores %(a)s to %(b)s fit both “%(x)s” and “%(y)s”: "
                            "“%(x)s” is listed first, so it wins."
                        )
                        % {"a": _fmt(bottom), "b": _fmt(top), "x": a["title"], "y": b["title"]},
                    }
                )
    for b in bands:
        left = (max(b["min"], lo) - lo) / span
        right = (min(b["max"], hi) - lo) / span
        b["x"] = round(max(0.0, min(left, 1.0)) * 1000)
        b["width"] = max(6, round(max(0.0, right - left) * 1000))
        b["range"] = f"{_fmt(b['min'])}–{_fmt(b['max'])}"
    return {"lo": _fmt(lo), "hi": _fmt(hi), "bands": bands, "notes": notes}


def sample_answers(document: dict[str, Any]) -> dict[str, Any]:
    """Typical answers: a number's middle (on its step), each question's first choice."""
    answers: dict[str, Any] = {}
    for q in document.get("questions") or []:
        if not isinstance(q, dict) or not isinstance(q.get("key"), str):
            continue
        if q.get("type") == "number":
            a, b = _num(q.get("min")) or 0.0, _num(q.get("max")) or 0.0
            step = _num(q.get("step")) or 1.0
            mid = a + math.floor(((b - a) / 2) / step) * step
            answers[q["key"]] = int(mid) if float(mid).is_integer() else round(mid, 6)
        elif q.get("type") == "text":
            answers[q["key"]] = "Alex"
        elif q.get("choices"):
            first = q["choices"][0]
            key = first.get("key") if isinstance(first, dict) else None
            answers[q["key"]] = [key] if q.get("type") == "multi" else key
    return answers


def calculator_values(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Each value worked out at the sample answers (empty when the quiz has problems), and the
    sample answers in words."""
    definition, _problems = quiz_validate(document)
    if definition is None:
        return {}, []
    answers = sample_answers(document)
    clean, errors = answers_validate(definition=definition, answers=answers)
    if errors:
        return {}, []
    try:
        computed = score_compute(
            definition=definition, programs=quiz_programs(definition), answers=clean
        )
    except ScoringError:
        return {}, []
    words = []
    for q in definition["questions"]:
        value = answers.get(q["key"])
        if q["type"] == "number":
            words.append(f"{q['prompt']}: {value}{(' ' + q['unit']) if q.get('unit') else ''}")
        elif q["type"] in ("single", "multi"):
            labels = {c["key"]: c["label"] for c in q.get("choices") or []}
            picked = value if isinstance(value, list) else [value]
            words.append(f"{q['prompt']}: {', '.join(labels.get(k, '') for k in picked)}")
    return dict(computed.values), words


def studio_context(
    *, document: dict[str, Any], problems: list[Problem], fixed: FixedKeys
) -> dict[str, Any]:
    kind = str(document.get("kind") or "personality")
    outcomes = [o if isinstance(o, dict) else {} for o in document.get("outcomes") or []]
    outcome_keys = [str(o.get("key", "")) for o in outcomes]
    labels = _labels()
    questions = []
    raw_questions = [q if isinstance(q, dict) else {} for q in document.get("questions") or []]
    for qi, q in enumerate(raw_questions):
        choices = []
        for ci, c in enumerate(q.get("choices") or []):
            c = c if isinstance(c, dict) else {}
            points = personality_points(c, outcome_keys) if kind == "personality" else []
            choices.append(
                {
                    "index": ci,
                    "c": c,
                    "cells": [
                        {
                            "index": oi,
                            "points": n,
                            "outcome": outcomes[oi].get("title")
                            or _("Result %(n)s") % {"n": oi + 1},
                        }
                        for oi, n in enumerate(points)
                    ],
                }
            )
        cond = q.get("show_if") if isinstance(q.get("show_if"), dict) else None
        earlier = []
        for ei, e in enumerate(raw_questions[:qi]):
            if e.get("type") in ("single", "multi"):
                picked = (
                    set(cond.get("choices") or [])
                    if cond and cond.get("question") == e.get("key")
                    else set()
                )
                earlier.append(
                    {
                        "index": ei,
                        "prompt": e.get("prompt") or _("Question %(n)s") % {"n": ei + 1},
                        "selected": bool(cond and cond.get("question") == e.get("key")),
                        "choices": [
                            {
                                "index": ci,
                                "label": c.get("label") or "",
                                "picked": c.get("key") in picked,
                            }
                            for ci, c in enumerate(e.get("choices") or [])
                            if isinstance(c, dict)
                        ],
                    }
                )
        questions.append(
            {
                "index": qi,
                "q": q,
                "type": q.get("type"),
                "published": q.get("key") in fixed.questions,
                "choices": choices,
                "earlier": earlier,
                "condition": cond,
                "lean": len(choices) % len(outcomes) if outcomes else 0,
            }
        )
    names = [
        {"key": q.get("key"), "label": q.get("prompt") or q.get("key")}
        for q in raw_questions
        if q.get("type") in ("number", "single", "multi")
    ]
    variables = []
    values, sample_words = calculator_values(document) if kind == "calculator" else ({}, [])
    for vi, v in enumerate(document.get("variables") or []):
        v = v if isinstance(v, dict) else {}
        variables.append(
            {
                "index": vi,
                "v": v,
                "chips": names
                + [
                    {"key": w.get("key"), "label": w.get("key")}
                    for w in (document.get("variables") or [])[:vi]
                    if isinstance(w, dict)
                ],
                "value": values.get(str(v.get("key"))),
                "published": v.get("key") in fixed.variables,
            }
        )
    prompts = {str(q.get("key")): str(q.get("prompt") or q.get("key")) for q in raw_questions}
    all_chips = names + [
        {"key": v.get("key"), "label": v.get("key")}
        for v in document.get("variables") or []
        if isinstance(v, dict)
    ]
    return {
        "document": document,
        "kind": kind,
        "types": [(t, labels[t]) for t in QUESTION_TYPES.get(kind, ())],
        "questions": questions,
        "outcomes": [
            {"index": i, "o": o, "card": o.get("card") or {}, "prefix": f"o-{i}-card-"}
            for i, o in enumerate(outcomes)
        ],
        "variables": variables,
        "outcome_chips": all_chips
        + ([{"key": "score", "label": _("score")}] if kind != "calculator" else []),
        "sample_words": sample_words,
        "problems": problems_by_field(problems, prompts),
        "points_range": range(MAX_POINTS + 1),
        "bands": bands_scale(document) if kind in ("score", "trivia") else None,
        "tie_winner": (outcomes[0].get("title") if outcomes else "") or _("the first result"),
    }
