"""A trivia quiz's answer review under the result: each scored question the visitor was shown,
their answer, right or wrong, the right answer(s) and the question's explanation.

Only while the result keeps its raw answers (retention.py forgets them after the quiz's
retention days), and only for the visitor who got it: a shared result link shows the outcome,
never the answers behind it.
"""

from __future__ import annotations

from typing import Any

from quizzes.engine.scoring import questions_shown
from quizzes.format.definition import Definition


def answer_review(*, definition: Definition, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The review's rows, in the quiz's order: prompt, answer, right, correct, explanation."""
    shown = set(questions_shown(definition=definition, answers=answers))
    rows: list[dict[str, Any]] = []
    for q in definition.get("questions") or []:
        choices = q.get("choices") or []
        correct = [c for c in choices if c.get("correct")]
        if not correct or q["key"] not in shown:
            continue  # not scored, or never on the visitor's screen
        answer = answers.get(q["key"])
        picked = answer if isinstance(answer, list) else [answer]
        chosen = [c for c in choices if c["key"] in picked]
        rows.append(
            {
                "key": q["key"],
                "prompt": q["prompt"],
                "answer": ", ".join(c["label"] for c in chosen),
                "right": bool(chosen) and {c["key"] for c in chosen} == {c["key"] for c in correct},
                "correct": ", ".join(c["label"] for c in correct),
                "explanation": q.get("explanation") or "",
            }
        )
    return rows
