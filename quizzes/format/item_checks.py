"""The checks of one question (with its choices) and one outcome of a quizbuilder/1 file.

Like the field checks they use (`checks.Checker`), they append a `Problem` and return the
normalised value; none of them ever raises. `quizfile.quizfile_validate` drives them.
"""

from __future__ import annotations

from typing import Any, cast

from quizzes.engine.numbers import number_text
from quizzes.format.checks import (
    ITEM_KEY_MESSAGE,
    ITEM_KEY_RE,
    KEY_MESSAGE,
    KEY_RE,
    MAX_CHOICES,
    STEP_COUNT_MAX,
    STEP_MIN,
    Checker,
    at,
    image_path_ok,
)
from quizzes.format.definition import Question

IMAGE_MESSAGE = (
    "must be a relative path inside the bundle (no '..'), ending in .png, .jpg, .jpeg or .webp"
)
EXPLANATION_MAX = 1000

QUESTION_TYPES = ("single", "multi", "number", "text")
_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "single": ("choices",),
    "multi": ("choices", "min_choices", "max_choices"),
    "number": ("min", "max", "step", "unit"),
    "text": ("max_length",),
}
_TYPE_REQUIRED: dict[str, tuple[str, ...]] = {
    "single": ("choices",),
    "multi": ("choices",),
    "number": ("min", "max"),
    "text": (),
}
_ELSEWHERE = {
    "choices": "only single and multi questions have choices",
    "min_choices": "only multi questions have min_choices",
    "max_choices": "only multi questions have max_choices",
    "min": "only number questions have min",
    "max": "only number questions have max",
    "step": "only number questions have step",
    "unit": "only number questions have unit",
    "max_length": "only text questions have max_length",
}
_ALL_TYPE_KEYS = tuple(dict.fromkeys(k for keys in _TYPE_KEYS.values() for k in keys))
_CHOICE_KEYS = ("key", "label", "value", "points", "correct", "image")
# Extensions every question may carry (README, "Spec extensions and readings").
_EXTRA_KEYS = ("image", "explanation", "show_if")


def question_check(
    ck: Checker, data: object, path: str, *, kind: str | None, outcome_keys: set[str]
) -> Question | None:
    """A normalised question, or None when it breaks a rule of its own (each one reported).

    Duplicate and reserved keys are the caller's: they need the other questions.
    """
    start = ck.mark()
    qtype = data.get("type") if isinstance(data, dict) else None
    known = qtype if isinstance(qtype, str) and qtype in QUESTION_TYPES else None
    optional = (
        "help",
        "required",
        *_EXTRA_KEYS,
        *(_TYPE_KEYS[known] if known else _ALL_TYPE_KEYS),
    )
    required = ("key", "type", "prompt", *(_TYPE_REQUIRED[known] if known else ()))
    q = ck.obj(data, path, required=required, optional=optional, elsewhere=_ELSEWHERE)
    if q is None:
        return None
    key = q.get("key")
    if "key" in q and not (isinstance(key, str) and KEY_RE.match(key)):
        ck.add(at(path, "key"), KEY_MESSAGE if isinstance(key, str) else "must be a string")
    if "type" in q and known is None:
        ck.add(at(path, "type"), "must be one of single, multi, number, text")
    out: dict[str, Any] = {
        "key": key,
        "type": known,
        "prompt": ck.text(q, "prompt", path, max_length=500),
        "help": ck.text(q, "help", path, max_length=1000, allow_empty=True),
        "required": ck.boolean(q, "required", path, known != "text"),
    }
    _extras_check(ck, q, out, path)
    if known in ("single", "multi"):
        out["choices"] = _choices_check(ck, q, path, kind=kind, outcome_keys=outcome_keys)
    if known == "multi":
        _multi_check(ck, q, out, path, kind=kind)
    elif known == "number":
        out["min"] = ck.number(q, "min", path)
        out["max"] = ck.number(q, "max", path)
        ck.bounds(path, out["min"], out["max"])
        out["step"] = _step_check(ck, q, path, out["min"], out["max"])
        out["unit"] = ck.text(q, "unit", path, max_length=20, allow_empty=True)
    elif known == "text":
        max_length = ck.integer(q, "max_length", path, lo=1, hi=1000)
        out["max_length"] = 40 if max_length is None else max_length
    if known == "single" and kind == "trivia":
        correct = [i for i, c in enumerate(out["choices"]) if c["correct"]]
        for i in correct[1:]:
            ck.add(
                f"{path}.choices[{i}].correct", "a single question has at most one correct choice"
            )
    # Without a problem of its own every value is set and of its type: a Question.
    return cast(Question, out) if ck.clean_since(start) else None


def image_check(ck: Checker, data: dict[str, Any], out: dict[str, Any], path: str) -> None:
    """An optional `image` (a path in the bundle); set on `out` only when given and valid."""
    if "image" not in data:
        return
    value = data["image"]
    if isinstance(value, str) and image_path_ok(value):
        out["image"] = value
    else:
        ck.add(at(path, "image"), IMAGE_MESSAGE)


def _extras_check(ck: Checker, q: dict[str, Any], out: dict[str, Any], path: str) -> None:
    """The extensions: image, explanation, and the form of show_if (what it names is checked
    against the earlier questions by `quizfile`)."""
    image_check(ck, q, out, path)
    explanation = ck.text(q, "explanation", path, max_length=EXPLANATION_MAX, allow_empty=True)
    if explanation:
        out["explanation"] = explanation
    if "show_if" not in q:
        return
    where = at(path, "show_if")
    cond = ck.obj(q["show_if"], where, required=("question", "choices"))
    if cond is None:
        return
    question = cond.get("question")
    if "question" in cond and not isinstance(question, str):
        ck.add(at(where, "question"), "must be a string")
    choices = cond.get("choices")
    if "choices" not in cond:
        return
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        ck.add(at(where, "choices"), "must be a list of choice keys")
    elif not choices:
        ck.add(at(where, "choices"), "needs at least 1 choice")
    elif len(set(choices)) != len(choices):
        ck.add(at(where, "choices"), "must not name a choice twice")
    elif isinstance(question, str):
        out["show_if"] = {"question": question, "choices": list(choices)}


def _step_check(
    ck: Checker, q: dict[str, Any], path: str, lo: float | None, hi: float | None
) -> float | None:
    step = ck.number(q, "step", path)
    if step is None:
        return None
    where = at(path, "step")
    if step <= 0:
        ck.add(where, "must be greater than 0")
    elif step < STEP_MIN:
        ck.add(where, f"must be at least {STEP_MIN:.9f}")
    elif lo is not None and hi is not None and (hi - lo) / step > STEP_COUNT_MAX:
        ck.add(
            where,
            f"is too small for min..max: at most {number_text(STEP_COUNT_MAX)} steps "
            "from min to max are allowed",
        )
    return step


def _choices_check(
    ck: Checker, q: dict[str, Any], path: str, *, kind: str | None, outcome_keys: set[str]
) -> list[dict[str, Any]]:
    choices: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    raw_choices = ck.items(q, "choices", path, least=2, most=MAX_CHOICES, what="choices")
    for i, raw in enumerate(raw_choices):
        where = f"{path}.choices[{i}]"
        c = ck.obj(raw, where, required=("key", "label"), optional=_CHOICE_KEYS[2:])
        if c is None:
            continue
        key = c.get("key")
        if "key" in c and not (isinstance(key, str) and ITEM_KEY_RE.match(key)):
            ck.add(f"{where}.key", ITEM_KEY_MESSAGE if isinstance(key, str) else "must be a string")
        elif isinstance(key, str):
            if key in seen:
                ck.add(f"{where}.key", f"duplicate choice key {key!r} (also choices[{seen[key]}])")
            seen.setdefault(key, i)
        value = ck.number(c, "value", where)
        choices.append(
            {
                "key": key,
                "label": ck.text(c, "label", where, max_length=200),
                "value": 0.0 if value is None else value,
                "points": _points_check(ck, c, where, kind=kind, outcome_keys=outcome_keys),
                "correct": ck.boolean(c, "correct", where, False),
            }
        )
        image_check(ck, c, choices[-1], where)
        if choices[-1]["correct"] and kind is not None and kind != "trivia":
            ck.add(f"{where}.correct", "only trivia quizzes have correct answers")
    return choices


def _points_check(
    ck: Checker, c: dict[str, Any], where: str, *, kind: str | None, outcome_keys: set[str]
) -> dict[str, float]:
    if "points" not in c:
        return {}
    raw = c["points"]
    if not isinstance(raw, dict):
        ck.add(f"{where}.points", "must be an object")
        return {}
    if raw and kind is not None and kind != "personality":
        ck.add(f"{where}.points", "only personality quizzes use points")
        return {}
    points: dict[str, float] = {}
    for outcome in raw:
        if outcome not in outcome_keys:
            ck.add(at(f"{where}.points", outcome), "unknown outcome")
            continue
        number = ck.number(raw, outcome, f"{where}.points")
        if number is not None:
            points[outcome] = number
    return points


def _multi_check(
    ck: Checker, q: dict[str, Any], out: dict[str, Any], path: str, *, kind: str | None
) -> None:
    n = len(out["choices"])
    what = " (the number of choices)"
    out["min_choices"] = ck.integer(q, "min_choices", path, lo=0, hi=n, what=what)
    out["max_choices"] = ck.integer(q, "max_choices", path, lo=1, hi=max(n, 1), what=what)
    lo, hi = out["min_choices"], out["max_choices"]
    if lo is not None and hi is not None and lo > hi:
        ck.add(f"{path}.min_choices", f"must not be greater than max_choices ({lo} > {hi})")
    if kind != "trivia":
        return
    correct = sum(1 for c in out["choices"] if c["correct"])
    if correct == 0:
        ck.add(f"{path}.choices", "a multi question in a trivia quiz needs a correct choice")
    elif correct < (lo or 0) or correct > (n if hi is None else hi):
        ck.add(
            f"{path}.choices",
            f"its {correct} correct choices cannot be chosen within min_choices and max_choices",
        )


# "cta": spec/integrations.md, checked by quizfile (integration_checks.cta_check).
_OUTCOME_KEYS = ("key", "title", "description", "min", "max", "when", "card", "cta")


def outcome_check(ck: Checker, data: object, path: str, *, kind: str | None) -> dict[str, Any]:
    """A normalised outcome (checked field by field; the caller checks duplicates and names)."""
    o = ck.obj(data, path, required=("key", "title"), optional=_OUTCOME_KEYS[2:]) or {}
    key = o.get("key")
    if "key" in o and not (isinstance(key, str) and ITEM_KEY_RE.match(key)):
        ck.add(at(path, "key"), ITEM_KEY_MESSAGE if isinstance(key, str) else "must be a string")
    lo, hi = ck.number(o, "min", path), ck.number(o, "max", path)
    ck.bounds(path, lo, hi)
    out: dict[str, Any] = {
        "key": key,
        "title": ck.text(o, "title", path, max_length=200),
        "description": ck.text(o, "description", path, max_length=5000, allow_empty=True),
        "min": lo,
        "max": hi,
        "when": ck.text(o, "when", path, max_length=500, default=None),
        "card": ck.card(o, path),
    }
    for bound in ("min", "max"):
        if bound in o and kind in ("personality", "calculator"):
            ck.add(at(path, bound), "only score and trivia quizzes use min and max")
    if "when" in o and kind is not None and kind != "calculator":
        ck.add(at(path, "when"), "only calculator quizzes use when")
    return out
