"""Field checks for quizbuilder/1 files: JSON types, keys, lengths and patterns.

`quizfile.quizfile_validate` drives these. Every check appends a `Problem` (JSON path and a
plain message) and returns the normalised value; none of them ever raises, whatever JSON-like
value it is given. Cross-field rules that need the whole file (duplicate keys, names in
expressions and templates, corners) live in `quizfile` and `corners`; a question's and an
outcome's checks in `item_checks`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, cast

from quizzes.engine.numbers import number_text
from quizzes.format.definition import Card

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
            elif key == "image" and not image_path_ok(value):
                self.add(
                    at(where, key),
                    "must be a relative path inside the bundle (no '..'), ending in "
                    ".png, .jpg, .jpeg or .webp",
                )
                continue
            out[key] = value
        return cast(Card, out)  # its keys are CARD_KEYS, a Card's


def image_path_ok(path: str) -> bool:
    # The pattern already refuses "/" at the start, "\", empty segments and segments that
    # start with "."; the explicit ".." test documents the one that matters.
    return (
        bool(IMAGE_RE.match(path))
        and ".." not in path.split("/")
        and path.lower().endswith(IMAGE_EXTENSIONS)
    )
