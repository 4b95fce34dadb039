"""A trivia quiz's answer review under the result: each scored question the visitor was shown,
their answer, right or wrong, the right answer(s) and the question's explanation.

Only while the result keeps its raw answers (retention.py forgets them after the quiz's
retention days), and only for the visitor who got it: a shared result link shows the outcome,
never the answers behind it.
"""

from __future__ import annotations

from typing import Any

from quizzes.engine.scoring import questions_shown
from quizzes.format.definition import Definition, Question


def answer_review(*, definition: Definition, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The review's rows, in the quiz's order: prompt, answer, right, correct, explanation."""
    shown = set(questions_shown(definition=definition, answers=answers))
    rows: list[dict[str, Any]] = []
    for q in definition.get("questions") or []:
        if q["key"] in shown and (row := _row(q, answers.get(q["key"]))) is not None:
            rows.append(row)
    return rows


def answer_feedback(
    *, definition: Definition, key: str, answers: dict[str, Any]
) -> dict[str, Any] | None:
    """What a trivia quiz with `feedback` (README) says after question `key` was answered: the
    review's row for it (right or wrong, the right answer, the explanation), or None when the
    quiz gives no feedback, the question is not scored or it was left unanswered."""
    if not definition.get("feedback") or key not in answers:
        return None
    for q in definition.get("questions") or []:
        if q["key"] == key:
            return _row(q, answers[key])
    return None


def feedback_public(question: Question) -> dict[str, Any] | None:
    """What a page or API client needs to give feedback on a scored question by itself: its
    right choice keys and its explanation (only ever sent for a quiz with `feedback` on)."""
    correct = [c["key"] for c in question.get("choices") or [] if c.get("correct")]
    if not correct:
        return None
    return {"correct": correct, "explanation": question.get("explanation") or ""}


def _row(q: Question, answer: Any) -> dict[str, Any] | None:
    choices = q.get("choices") or []
    correct = [c for c in choices if c.get("correct")]
    if not correct:
        return None  # not scored
    picked = answer if isinstance(answer, list) else [answer]
    chosen = [c for c in choices if c["key"] in picked]
    return {
        "key": q["key"],
        "prompt": q["prompt"],
        "answer": ", ".join(c["label"] for c in chosen),
        "right": bool(chosen) and {c["key"] for c in chosen} == {c["key"] for c in correct},
        "correct": ", ".join(c["label"] for c in correct),
        "explanation": q.get("explanation") or "",
    }
