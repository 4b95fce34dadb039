"""Field checks for quizbuilder/1 files: JSON types, keys, lengths and patterns.

`quizfile.quizfile_validate` drives these. Every check appends a `Problem` (JSON path and a
plain message) and returns the normalised value; none of them ever raises, whatever JSON-like
value it is given. Cross-field rules that need the whole file (duplicate keys, names in
expressions and templates, corners) live in `quizfile` and `quizcorners`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, cast

from quizzes.engine.numbers import number_text
from quizzes.format.definition import Card, Question

MAGNITUDE = 1e15  # the same limit as a formula result: nothing larger can be computed with
# A number question's grid: a finer step than STEP_MIN, or more than STEP_COUNT_MAX steps
# from min to max, means nothing to a visitor and overflows the grid check (1e-320 did).
STEP_MIN = 1e-9
STEP_COUNT_MAX = 1e12
# Caps on the lists of a quiz: far above any real quiz, low enough that a hostile file cannot
# make a page, a corner check or a scoring pass do unbounded work.
MAX_QUESTIONS = 100
MAX_CHOICES = 50
MAX_OUTCOMES = 100
MAX_VARIABLES = 100
KEY_MESSAGE = "must start with a-z and have at most 40 characters of a-z, 0-9 and _"
KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,39}\Z")
# Choices and outcomes are never names in expressions, so they may also use digits and "-".
ITEM_KEY_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}\Z")
ITEM_KEY_MESSAGE = "must be 1 to 40 characters of a-z, 0-9, _ and -, starting with a-z or 0-9"
COLOUR_RE = re.compile(r"#[0-9a-fA-F]{6}\Z")
IMAGE_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\Z")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")
CARD_TEXT_KEYS = ("headline", "subline")
CARD_KEYS = ("headline", "subline", "background", "gradient_to", "text_color", "image")
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


LONE_SURROGATE = "must be valid Unicode text (it holds a lone surrogate such as \\ud800)"


def text_is_unicode(value: str) -> bool:
    """False for a string with a lone surrogate ("\\ud800" in JSON): it cannot be encoded."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (a JSON path such as `questions[2].choices[0].key`) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def at(path: str, key: object) -> str:
    """The JSON path of `key` inside the object at `path` ("$" is the whole file)."""
    if isinstance(key, str) and _PLAIN.match(key):
        return key if path == "$" else f"{path}.{key}"
    part = json.dumps(key) if isinstance(key, str) else repr(key)
    return f"[{part}]" if path == "$" else f"{path}[{part}]"


class Checker:
    """Collects problems while checking; each method returns the normalised value or None."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mark(self) -> int:
        return len(self.problems)

    def clean_since(self, mark: int) -> bool:
        return len(self.problems) == mark

    def obj(
        self,
        data: object,
        path: str,
        *,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        elsewhere: dict[str, str] | None = None,
    ) -> dict[str, Any] | None:
        """An object with exactly these keys; `elsewhere` gives a better word for known keys
        that do not belong here (a `min` on a single question)."""
        if not isinstance(data, dict):
            self.add(path, "must be an object")
            return None
        for key in data:
            if key not in required and key not in optional:
                self.add(at(path, key), (elsewhere or {}).get(key, "unknown key"))
        for key in required:
            if key not in data:
                self.add(at(path, key), "missing required key")
        return data

    def text(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        *,
        max_length: int,
        allow_empty: bool = False,
        default: str | None = "",
    ) -> str | None:
        """A string of at most `max_length` characters without NUL (PostgreSQL refuses it) or
        lone surrogates (valid JSON escapes, but no database or UTF-8 file can store them)."""
        if key not in data:
            return default
        value, where = data[key], at(path, key)
        if not isinstance(value, str):
            self.add(where, "must be a string")
        elif "\x00" in value:
            self.add(where, "must not contain NUL characters")
        elif not text_is_unicode(value):
            self.add(where, LONE_SURROGATE)
        elif len(value) > max_length:
            self.add(where, f"must be at most {max_length} characters")
        elif not allow_empty and not value.strip():
            self.add(where, "must not be empty")
        else:
            return value
        return None

    def number(self, data: dict[str, Any], key: str, path: str) -> float | None:
        """A finite JSON number (never a bool) within +-1e15, as a float; None when absent."""
        if key not in data:
            return None
        value, where = data[key], at(path, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(where, "must be a number")
        elif isinstance(value, float) and not math.isfinite(value):
            self.add(where, "must be a finite number")
        elif abs(value) > MAGNITUDE:  # ints are compared before float() so 10**400 cannot overflow
            self.add(where, "must be between -1e15 and 1e15")
        else:
            return float(value)
        return None

    def integer(
        self, data: dict[str, Any], key: str, path: str, *, lo: int, hi: int, what: str = ""
    ) -> int | None:
        """A whole number (2 or 2.0, never a bool) in lo..hi; None when absent."""
        if key not in data:
            return None
        value, where = data[key], at(path, key)
        whole = isinstance(value, int) or (
            isinstance(value, float) and math.isfinite(value) and value == int(value)
        )
        if isinstance(value, bool) or not whole:
            self.add(where, "must be a whole number")
            return None
        if not lo <= value <= hi:
            self.add(where, f"must be between {lo} and {hi}{what}")
            return None
        return int(value)

    def boolean(self, data: dict[str, Any], key: str, path: str, default: bool) -> bool:
        if key not in data:
            return default
        if not isinstance(data[key], bool):
            self.add(at(path, key), "must be true or false")
            return default
        return data[key]

    def items(
        self, data: dict[str, Any], key: str, path: str, *, least: int, most: int, what: str
    ) -> list:
        """A list of `least` to `most` entries ([] when absent or broken). A longer one is
        reported and only its first `most` entries are checked: a hostile file costs no more
        work than the largest valid one."""
        if key not in data:
            return []
        value = data[key]
        if not isinstance(value, list):
            self.add(at(path, key), "must be a list")
            return []
        if len(value) < least:
            self.add(at(path, key), f"needs at least {least} {what}")
        if len(value) > most:
            self.add(at(path, key), f"must have at most {most} entries ({len(value)} given)")
            return value[:most]
        return value

    def bounds(self, path: str, lo: float | None, hi: float | None) -> None:
        if lo is not None and hi is not None and lo > hi:
            self.add(
                at(path, "min"),
                f"must not be greater than max ({number_text(lo)} > {number_text(hi)})",
            )

    def card(self, data: dict[str, Any], path: str) -> Card:
        """A card: text lines, `#rrggbb` colours (stored lower-case), a relative image path."""
        if "card" not in data:
            return {}
        where = at(path, "card")
        card = self.obj(data["card"], where, required=(), optional=CARD_KEYS)
        if card is None:
            return {}
        out: dict[str, str] = {}
        for key in CARD_KEYS:
            if key not in card:
                continue
            value = self.text(card, key, where, max_length=200, allow_empty=True, default=None)
            if value is None:
                continue
            if key in ("background", "gradient_to", "text_color"):
                if not COLOUR_RE.match(value):
                    self.add(at(where, key), "must be a colour written #rrggbb")
                    continue
                value = value.lower()
            elif key == "image" and not _image_path_ok(value):
                self.add(
                    at(where, key),
                    "must be a relative path inside the bundle (no '..'), ending in "
                    ".png, .jpg, .jpeg or .webp",
                )
                continue
            out[key] = value
        return cast(Card, out)  # its keys are CARD_KEYS, a Card's


def _image_path_ok(path: str) -> bool:
    # The pattern already refuses "/" at the start, "\", empty segments and segments that
    # start with "."; the explicit ".." test documents the one that matters.
    return (
        bool(IMAGE_RE.match(path))
        and ".." not in path.split("/")
        and path.lower().endswith(IMAGE_EXTENSIONS)
    )


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
_CHOICE_KEYS = ("key", "label", "value", "points", "correct")


def question_check(
    ck: Checker, data: object, path: str, *, kind: str | None, outcome_keys: set[str]
) -> Question | None:
    """A normalised question, or None when it breaks a rule of its own (each one reported).

    Duplicate and reserved keys are the caller's: they need the other questions.
    """
    start = ck.mark()
    qtype = data.get("type") if isinstance(data, dict) else None
    known = qtype if isinstance(qtype, str) and qtype in QUESTION_TYPES else None
    optional = ("help", "required", *(_TYPE_KEYS[known] if known else _ALL_TYPE_KEYS))
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


_OUTCOME_KEYS = ("key", "title", "description", "min", "max", "when", "card")


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
