"""The types of the published definition (quizzes/format/definition.py) say what the
validator makes.

mypy trusts these TypedDicts; these tests keep them honest: every demo and spec example, and
a file using every optional key, validates to dicts with exactly the typed keys and types.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path

import pytest

from quizzes.format.definition import Card, Choice, Definition, Outcome, Question, Variable
from quizzes.format.quizfile import quizfile_validate
from tests.conftest import SPEC_EXAMPLES, demo_files
from tests.quizzes.conditions import smoke_quiz, trivia_quiz

EVERY_KEY = {
    "format": "quizbuilder/1",
    "slug": "every-key",
    "language": "en",
    "title": "Every key",
    "description": "All the optional keys at once.",
    "cover": "images/cover.png",
    "theme": {"brand": "#1d4ed8", "background": "#f8fafc", "font": "lora"},
    "retention_days": 7,
    "kind": "calculator",
    "questions": [
        {"key": "name", "type": "text", "prompt": "Name?", "max_length": 30, "required": False},
        {"key": "x", "type": "number", "prompt": "x?", "min": 0, "max": 9, "step": 1, "unit": "kg"},
        {
            "key": "one",
            "type": "single",
            "prompt": "One?",
            "help": "Pick.",
            "choices": [{"key": "a", "label": "A", "value": 1}, {"key": "b", "label": "B"}],
        },
        {
            "key": "many",
            "type": "multi",
            "prompt": "Many?",
            "min_choices": 1,
            "max_choices": 2,
            "choices": [{"key": "a", "label": "A", "value": 2}, {"key": "b", "label": "B"}],
        },
    ],
    "variables": [{"key": "total", "expr": "x + one + many", "label": "Total", "unit": "kg"}],
    "outcomes": [
        {"key": "big", "title": "{name}: {total}", "when": "total > 5", "card": {"subline": "Big"}},
        {
            "key": "small",
            "title": "Small",
            "description": "{total}",
            "cta": {"label": "More", "url": "https://example.com/more"},
        },
    ],
    # spec/integrations.md
    "cta": {"label": "Shop {outcome}", "url": "https://example.com/shop"},
    "lead": {"fields": ["email"], "consent": "I agree.", "double_opt_in": True},
    "card": {
        "headline": "{outcome}",
        "subline": "Try it",
        "background": "#112233",
        "gradient_to": "#445566",
        "text_color": "#ffffff",
        "image": "images/card.png",
    },
}
# Every key left to its default: null bounds and steps, empty cards and descriptions.
BARE = {
    "format": "quizbuilder/1",
    "slug": "bare",
    "title": "Bare",
    "kind": "score",
    "questions": [
        {"key": "x", "type": "number", "prompt": "x?", "min": 0, "max": 9},
        {
            "key": "many",
            "type": "multi",
            "prompt": "Many?",
            "choices": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
        },
        {"key": "name", "type": "text", "prompt": "Name?"},
    ],
    "outcomes": [{"key": "low", "title": "Low", "max": 3}, {"key": "high", "title": "High"}],
}
TYPE_KEYS = {
    "single": {"choices"},
    "multi": {"choices", "min_choices", "max_choices"},
    "number": {"min", "max", "step", "unit"},
    "text": {"max_length"},
}


def _files() -> list[tuple[str, dict]]:
    paths = [*demo_files(), *sorted(SPEC_EXAMPLES.glob("*.json"))]
    found = [
        (f"{p.parent.name}/{p.name}", json.loads(Path(p).read_text(encoding="utf-8")))
        for p in paths
    ]
    extensions = [("smoke", smoke_quiz()), ("trivia-extensions", trivia_quiz())]
    return [*found, ("every-key", EVERY_KEY), ("bare", BARE), *extensions]


def _conforms(value: object, hint: object) -> bool:
    """A small runtime reading of the hints used in definition.py."""
    origin = typing.get_origin(hint)
    if hint is typing.Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, h) for h in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin is list:
        (item,) = typing.get_args(hint) or (typing.Any,)
        return isinstance(value, list) and all(_conforms(v, item) for v in value)
    if origin is dict:
        k, v = typing.get_args(hint)
        return isinstance(value, dict) and all(
            _conforms(a, k) and _conforms(b, v) for a, b in value.items()
        )
    if hint is float:
        return isinstance(value, float)  # normalised: every number is a float
    if hint is list:
        return isinstance(value, list)
    if typing.is_typeddict(hint):
        return isinstance(value, dict) and not _problems(value, hint)
    return isinstance(value, hint)  # type: ignore[arg-type]


def _problems(data: dict, typed: type) -> list[str]:
    hints = typing.get_type_hints(typed)
    required, optional = typed.__required_keys__, typed.__optional_keys__  # type: ignore[attr-defined]
    problems = [f"missing {k}" for k in required - data.keys()]
    problems += [f"untyped {k}" for k in data.keys() - required - optional]
    problems += [
        f"{k}={data[k]!r} is not {hints[k]}"
        for k in data.keys() & hints.keys()
        if not _conforms(data[k], hints[k])
    ]
    return problems


@pytest.mark.parametrize(("name", "data"), _files(), ids=[name for name, _ in _files()])
def test_a_valid_file_becomes_a_definition_with_exactly_its_typed_keys(name, data):
    definition, problems = quizfile_validate(data)
    assert problems == []
    assert definition is not None
    assert _problems(dict(definition), Definition) == []


def test_a_question_carries_the_keys_of_its_type_and_no_other():
    definition, _ = quizfile_validate(EVERY_KEY)
    assert definition is not None
    common = Question.__required_keys__
    for q in definition["questions"]:
        assert set(q) == common | TYPE_KEYS[q["type"]], q["key"]
    # The rest are the extensions any question may carry (only when given).
    extensions = {"image", "explanation", "show_if"}
    assert set().union(*TYPE_KEYS.values()) | extensions == Question.__optional_keys__


def test_the_typed_parts_are_the_normalised_parts():
    definition, _ = quizfile_validate(EVERY_KEY)
    assert definition is not None
    # "feedback" is trivia's only (test_extensions has it).
    every = Definition.__required_keys__ | Definition.__optional_keys__
    assert set(definition) == every - {"feedback"}
    assert set(definition["card"]) == Card.__optional_keys__
    assert set(definition["questions"][2]["choices"][0]) == Choice.__required_keys__
    assert set(definition["outcomes"][0]) == Outcome.__required_keys__
    every_variable_key = Variable.__required_keys__ | Variable.__optional_keys__
    assert set(definition["variables"][0]) == every_variable_key
