"""Scoring: clean a visitor's answers and find their result. Pure: no ORM, no settings.

Both functions read the normalised definition that `quizfile.quizfile_validate` returns and
that a published version freezes (spec/quiz-format.md, "How the result is found").

Decisions where the spec is silent (also in the lead's spec notes):
- Numbers may be sent as JSON numbers or as plain decimal strings ("72.5", as HTML forms send
  them); booleans, NaN, infinities and anything else are "not a number".
- A number must lie on its step grid (min + k * step) within a millionth of a step, so float
  noise such as 72.50000000001 passes but 72.55 with step 0.1 does not.
- `null`, an empty or blank string (and `[]` for an optional multi) mean "unanswered".
  Unanswered questions are left out of the clean answers.
- Text is stripped before its length is counted and stored stripped; control characters
  other than tab and newlines are refused (PostgreSQL cannot store NUL). Bidirectional
  overrides and isolates (U+202A-U+202E, U+2066-U+2069) are removed: a name typed with one
  would show "evil" as "live" on the result page and run the text after it backwards.
- Clean multi answers list the choice keys in the quiz's order.
- `score` kind: `max_score` is the highest total the answers can reach; personality:
  `score` is the winner's total and `max_score` None; calculator: both None.
- score and trivia: when no outcome's bounds hold, the outcome whose range is nearest the
  score wins (ties to the one listed first), so a visitor always gets a result; trivia files
  are refused at import unless every score 0..max_score is covered.
- calculator: an expression that fails, or no outcome matching, raises ScoringError.
- Display conditions (`show_if`, an extension): a question is shown when the earlier question
  it names was shown and its answer is one of the listed choices (a multi: any chosen one).
  A hidden question is not required, and an answer sent for it is refused ("not shown"); in
  sums, expressions and templates it is an unanswered optional question (0, ""), and a score
  quiz's `max_score` counts it as one that may be left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from quizzes.engine.formulas import FormulaError, formula_evaluate
from quizzes.engine.numbers import number_text
from quizzes.format.checks import STEP_MIN
from quizzes.format.definition import (
    Answer,
    Answers,
    Choice,
    Definition,
    HasQuestions,
    Outcome,
    Programs,
    Question,
)

NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BIDI_CONTROL_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
STEP_TOLERANCE = 1e-6
ANSWER = "Answer this question."
CHOOSE_ONE = "Choose one of the options."
NOT_A_NUMBER = "Enter a number."
NOT_SHOWN = "This question is not shown for these answers; leave it out."


@dataclass(frozen=True)
class ScoreResult:
    """A visitor's result: the outcome, the numbers, and what templates may print."""

    outcome_key: str
    score: float | None
    max_score: float | None
    values: dict[str, float] = field(default_factory=dict)
    context: dict[str, object] = field(default_factory=dict)


def condition_met(q: Question, answers: Mapping[str, object], shown: Collection[str]) -> bool:
    """Whether `q` is shown, given the answers so far and the earlier questions shown."""
    cond = q.get("show_if")
    if cond is None:
        return True
    if cond["question"] not in shown:
        return False
    answer = answers.get(cond["question"])
    picked = answer if isinstance(answer, list) else [answer]
    return any(isinstance(p, str) and p in cond["choices"] for p in picked)


def questions_shown(*, definition: HasQuestions, answers: Mapping[str, object]) -> list[str]:
    """The keys of the questions shown for these answers (raw or clean), in the quiz's order."""
    shown: list[str] = []
    for q in definition["questions"]:
        if condition_met(q, answers, shown):
            shown.append(q["key"])
    return shown


class ScoringError(ValueError):
    """An expression failed while a visitor took the quiz; `message` says which and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def answers_validate(
    *, definition: HasQuestions, answers: object
) -> tuple[Answers, dict[str, list[str]]]:
    """Clean API answers (spec/api.md, the 400 cases).

    Returns `(clean, errors)`: `clean` maps each answered question key to its clean value
    (number -> float, single -> choice key, multi -> list of choice keys, text -> stripped
    str); `errors` maps a question key, or "answers" for the body as a whole, to messages in
    plain words. Nothing is clean unless `errors` is empty. Never raises.
    """
    if not isinstance(answers, dict):
        return {}, {"answers": ["Send the answers as an object of question keys and answers."]}
    questions = {q["key"]: q for q in definition["questions"]}
    errors: dict[str, list[str]] = {}
    unknown = [f"Unknown question {key!r}." for key in answers if key not in questions]
    if unknown:
        errors["answers"] = unknown
    clean: Answers = {}
    shown: list[str] = []
    for key, q in questions.items():
        raw = answers.get(key)
        unanswered = raw is None or (isinstance(raw, str) and not raw.strip())
        if "show_if" in q:
            if q["show_if"]["question"] in errors:
                continue  # shown or not is unknown until that answer is fixed
            if not condition_met(q, clean, shown):
                if not unanswered and raw != []:
                    errors[key] = [NOT_SHOWN]
                continue
        shown.append(key)
        if unanswered:
            if q["required"]:
                errors[key] = [ANSWER]
            continue
        value, message = _CLEANERS[q["type"]](q, raw)
        if message:
            errors[key] = [message]
        elif value is not None:
            clean[key] = value
    return clean, errors


def _single_clean(q: Question, raw: object) -> tuple[Answer | None, str]:
    if isinstance(raw, str) and any(c["key"] == raw for c in q["choices"]):
        return raw, ""
    return None, CHOOSE_ONE


def _multi_clean(q: Question, raw: object) -> tuple[Answer | None, str]:
    keys = [c["key"] for c in q["choices"]]
    if not isinstance(raw, list):
        return None, "Choose from the options (a list of them)."
    if not all(isinstance(k, str) and k in keys for k in raw):
        return None, "Choose only from the options."
    if len(set(raw)) != len(raw):
        return None, "Choose each option only once."
    lo = max(q["min_choices"] or 0, 1 if q["required"] else 0)
    hi = len(keys) if q["max_choices"] is None else q["max_choices"]
    if not raw and lo == 0:
        return None, ""  # an optional multi left empty is unanswered
    if len(raw) < lo:
        return None, f"Choose at least {_options(lo)}."
    if len(raw) > hi:
        return None, f"Choose at most {_options(hi)}."
    return [k for k in keys if k in raw], ""


def _options(n: int) -> str:
    return f"{n} option" if n == 1 else f"{n} options"


def _number_clean(q: Question, raw: object) -> tuple[Answer | None, str]:
    if isinstance(raw, bool):
        return None, NOT_A_NUMBER
    if isinstance(raw, str) and NUMBER_RE.match(raw.strip()):
        raw = raw.strip()
    elif not isinstance(raw, int | float):
        return None, NOT_A_NUMBER
    try:
        x = float(raw)
    except OverflowError:  # an int too large for a float: out of any range, not "not a number"
        x = 1e300 if raw > 0 else -1e300  # type: ignore[operator]
    lo, hi, step = q["min"], q["max"], q["step"]
    between = f"between {number_text(lo)} and {number_text(hi)}"
    if not math.isfinite(x):
        return None, NOT_A_NUMBER
    if not lo <= x <= hi:
        return None, f"Enter a number {between}."
    # A step below STEP_MIN (refused at import; a legacy row may hold 1e-320) is no grid:
    # dividing by it overflows, and no visitor could type a number on it anyway.
    if step and step >= STEP_MIN:
        steps = (x - lo) / step
        if abs(steps - round(steps)) > STEP_TOLERANCE:
            return None, f"Enter a number {between} in steps of {number_text(step)}."
    return x, ""


def _text_clean(q: Question, raw: object) -> tuple[Answer | None, str]:
    if not isinstance(raw, str):
        return None, "Enter text."
    text = BIDI_CONTROL_RE.sub("", raw).strip()
    if CONTROL_RE.search(text):
        return None, "Remove the control characters from the text."
    if len(text) > q["max_length"]:
        return None, f"Use at most {q['max_length']} characters."
    return text, ""


_CLEANERS = {
    "single": _single_clean,
    "multi": _multi_clean,
    "number": _number_clean,
    "text": _text_clean,
}


def score_compute(*, definition: Definition, answers: Answers, programs: Programs) -> ScoreResult:
    """The result of clean answers (from `answers_validate`) under the quiz's kind.

    Raises ScoringError, with a message fit for the visitor and the editor, only when a
    calculator's expression fails or none of its outcomes matches.
    """
    kind = definition["kind"]
    outcomes = definition["outcomes"]
    context = _context(definition, answers)
    values: dict[str, float] = {}
    score: float | None = None
    max_score: float | None = None
    if kind == "personality":
        outcome_key, score = _personality(definition, answers)
    elif kind == "score":
        score = _total(_value(q, answers.get(q["key"])) for q in definition["questions"])
        max_score = _max_total(definition)
        outcome_key = _by_bounds(outcomes, score)
    elif kind == "trivia":
        scored = [q for q in definition["questions"] if _correct(q)]
        score = float(sum(1 for q in scored if _is_right(q, answers.get(q["key"]))))
        max_score = float(len(scored))
        outcome_key = _by_bounds(outcomes, score)
    else:
        outcome_key, values = _calculator(definition, answers, programs)
    context.update(values)
    if score is not None:
        context["score"] = score
    if max_score is not None:
        context["max_score"] = max_score
    return ScoreResult(outcome_key, score, max_score, values, context)


def _total(numbers: Iterable[float]) -> float:
    # fsum and rounding keep 0.1 + 0.2 at 0.3, so bounds such as `max: 0.3` hold.
    return round(math.fsum(numbers), 10) + 0.0


def _chosen(q: Question, answer: object) -> list[Choice]:
    picked = answer if isinstance(answer, list) else [answer]
    return [c for c in q.get("choices", []) if c["key"] in picked]


def _value(q: Question, answer: object) -> float:
    """A question's value in sums and expressions; 0 when unanswered or a text."""
    if answer is None or q["type"] == "text":
        return 0.0
    if q["type"] == "number":
        return float(answer)  # type: ignore[arg-type]
    return _total(c["value"] for c in _chosen(q, answer))


def _context(definition: Definition, answers: Answers) -> dict[str, object]:
    context: dict[str, object] = {}
    for q in definition["questions"]:
        answer = answers.get(q["key"])
        if answer is None:
            context[q["key"]] = ""
        elif q["type"] in ("single", "multi"):
            context[q["key"]] = ", ".join(c["label"] for c in _chosen(q, answer))
        else:
            context[q["key"]] = answer
    return context


def _personality(definition: Definition, answers: Answers) -> tuple[str, float]:
    points: dict[str, list[float]] = {o["key"]: [] for o in definition["outcomes"]}
    for q in definition["questions"]:
        if q["type"] in ("single", "multi") and answers.get(q["key"]) is not None:
            for choice in _chosen(q, answers[q["key"]]):
                for outcome, p in choice["points"].items():
                    points[outcome].append(p)
    totals = {key: _total(ps) for key, ps in points.items()}
    # max() returns the first of equal totals, so ties go to the outcome listed first.
    winner = max(totals, key=lambda key: totals[key])
    return winner, totals[winner]


def _correct(q: Question) -> set[str]:
    if q["type"] not in ("single", "multi"):
        return set()
    return {c["key"] for c in q["choices"] if c["correct"]}


def _is_right(q: Question, answer: object) -> bool:
    if answer is None:
        return False
    return {c["key"] for c in _chosen(q, answer)} == _correct(q)


def _max_total(definition: Definition) -> float:
    """The highest total a score quiz's answers can reach (unanswered optional ones add 0)."""
    best: list[float] = []
    for q in definition["questions"]:
        # A question that may be hidden may also add nothing.
        options: list[float] = [] if q["required"] and "show_if" not in q else [0.0]
        if q["type"] == "number":
            options.append(q["max"])
        elif q["type"] == "single":
            options += [c["value"] for c in q["choices"]]
        elif q["type"] == "multi":
            ranked = sorted((c["value"] for c in q["choices"]), reverse=True)
            lo = max(q["min_choices"] or 0, 1)
            hi = len(ranked) if q["max_choices"] is None else q["max_choices"]
            options += [math.fsum(ranked[:k]) for k in range(lo, hi + 1)]
        best.append(max(options, default=0.0))
    return _total(best)


def _by_bounds(outcomes: list[Outcome], score: float) -> str:
    """The first outcome with min <= score <= max, else the one nearest the score."""

    def distance(o: Outcome) -> float:
        if o["min"] is not None and score < o["min"]:
            return o["min"] - score
        if o["max"] is not None and score > o["max"]:
            return score - o["max"]
        return 0.0

    return min(outcomes, key=distance)["key"]  # min() keeps the first of equal distances


def _calculator(
    definition: Definition, answers: Answers, programs: Programs
) -> tuple[str, dict[str, float]]:
    env = {
        q["key"]: _value(q, answers.get(q["key"]))
        for q in definition["questions"]
        if q["type"] != "text"
    }
    values: dict[str, float] = {}
    for v in definition["variables"]:
        try:
            values[v["key"]] = formula_evaluate(programs["variables"][v["key"]], env=env)
        except FormulaError as exc:
            raise ScoringError(f"Could not work out {v['key']}: {exc.message}") from exc
        env[v["key"]] = values[v["key"]]
    for o in definition["outcomes"]:
        if o["when"] is None:
            return o["key"], values
        try:
            if formula_evaluate(programs["when"][o["key"]], env=env):
                return o["key"], values
        except FormulaError as exc:
            raise ScoringError(f"Could not decide on {o['key']}: {exc.message}") from exc
    raise ScoringError("None of the results matches these answers.")
