"""The no-JavaScript take: one question per form POST, earlier answers in a signed field.

The state a form carries (take id, answers so far, the question on screen, the share code,
the questions already counted for the funnel) is signed with django.core.signing, so it
cannot be forged or edited; answers in it are validated again when the take is submitted.
Pure functions of the definition, the state and the POST data: views do the saving.

A question with a display condition (`show_if`) is skipped while its condition does not hold:
Next goes to the next shown question, Back to the previous shown one, the progress counts
the shown ones, and answers left in the state for a question hidden since are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.http import QueryDict

from quizzes.engine.scoring import answers_validate, questions_shown
from quizzes.format.definition import Definition, Question

SALT = "quizbuilder.take"
MAX_AGE = 24 * 60 * 60


@dataclass
class Step:
    """What a form POST led to: the state to carry on, errors on screen, and what to record."""

    state: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    done: bool = False
    answered: tuple[str, int] | None = None  # (key, position) to count for the funnel


def state_new(*, version: int | str, take: str, ref: str | None) -> dict[str, Any]:
    return {"v": version, "t": take, "a": {}, "i": 0, "r": ref or "", "rec": []}


def state_dump(state: dict[str, Any]) -> str:
    return signing.dumps(state, salt=SALT, compress=True)


def state_load(token: str, *, version: int | str) -> dict[str, Any] | None:
    """The state a form carried, or None if forged, stale (a day) or of another version."""
    try:
        state = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(state, dict) or state.get("v") != version:
        return None
    return state


def answer_from_post(question: Question, post: QueryDict) -> Any:
    """The form field `answer` as the API would take it (number text, choice key(s), text)."""
    if question["type"] == "multi":
        return post.getlist("answer")
    raw = post.get("answer")
    if raw is None:
        return None
    if question["type"] == "number":
        # Some phone keyboards type a decimal comma.
        return raw.strip().replace(",", ".")
    return raw


def _shown_indexes(definition: Definition, answers: dict[str, Any]) -> list[int]:
    shown = set(questions_shown(definition=definition, answers=answers))
    return [i for i, q in enumerate(definition["questions"]) if q["key"] in shown]


def flow_advance(*, definition: Definition, state: dict[str, Any], post: QueryDict) -> Step:
    """Apply one form POST: `back` goes to the previous shown question, otherwise the answer
    is checked (errors keep the question on screen) and the next shown question, or the end,
    follows.
    """
    questions = definition["questions"]
    index = min(max(int(state.get("i", 0)), 0), len(questions) - 1)
    question = questions[index]
    answer = answer_from_post(question, post)
    answers = dict(state.get("a") or {})
    if post.get("action") == "back":
        if answer not in (None, "", []):
            answers[question["key"]] = answer  # kept for when they come forward again
        before = [i for i in _shown_indexes(definition, answers) if i < index]
        return Step(state={**state, "a": answers, "i": before[-1] if before else 0})
    answers.pop(question["key"], None)
    if answer not in (None, "", []):
        answers[question["key"]] = answer
    shown = _shown_indexes(definition, answers)
    # An answer kept for a question that a changed answer now hides is not sent.
    answers = {k: v for k, v in answers.items() if any(questions[i]["key"] == k for i in shown)}
    if question["key"] not in answers and answer not in (None, "", []):
        answers[question["key"]] = answer  # the question on screen is shown (it is on screen)
    _, errors = answers_validate(definition=definition, answers=answers)
    if question["key"] in errors:
        return Step(state={**state, "a": answers, "i": index}, errors=errors[question["key"]])
    recorded = list(state.get("rec") or [])
    answered = None
    if question["key"] in answers and question["key"] not in recorded:
        recorded.append(question["key"])
        answered = (question["key"], index)
    after = [i for i in shown if i > index]
    done = not after
    new_state = {**state, "a": answers, "i": index if done else after[0], "rec": recorded}
    return Step(state=new_state, done=done, answered=answered)


def question_context(
    *, definition: Definition, state: dict[str, Any], errors: list[str] | None = None
) -> dict[str, Any]:
    """What take.html needs to show the question the state is at; `number`, `total` and
    `index` count the questions shown for the answers so far."""
    questions = definition["questions"]
    index = min(max(int(state.get("i", 0)), 0), len(questions) - 1)
    question = questions[index]
    answers = state.get("a") or {}
    value = answers.get(question["key"])
    shown = _shown_indexes(definition, answers)
    place = sum(1 for i in shown if i < index)
    return {
        "quiz": definition,
        "question": question,
        "index": place,
        "number": place + 1,
        "total": max(len(shown), place + 1),
        "is_last": not any(i > index for i in shown),
        "value": value,
        "chosen": value if isinstance(value, list) else [value],
        "errors": errors or [],
        "state": state_dump(state),
    }
