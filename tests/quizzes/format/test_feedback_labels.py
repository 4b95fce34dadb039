"""Two extensions of the file format (README): a trivia quiz's `feedback` (right or wrong after
each question) and a calculator variable's `label` and `unit` ("How it was worked out");
validated at their JSON paths, and exported back equal."""

from __future__ import annotations

from typing import Any

import pytest

from quizzes.format.export import quizfile_export
from quizzes.format.quizfile import quizfile_validate
from tests.quizzes.conditions import smoke_quiz, trivia_quiz

pytestmark = pytest.mark.pure


def problems(data: object) -> list[str]:
    definition, found = quizfile_validate(data)
    assert definition is None
    return [str(p) for p in found]


def labelled() -> dict[str, Any]:
    return smoke_quiz(
        variables=[{"key": "year", "expr": "per_day * 365", "label": "A year", "unit": "pcs"}]
    )


@pytest.mark.parametrize(
    "data", [trivia_quiz(feedback=True), labelled()], ids=["feedback", "labels"]
)
def test_the_extensions_validate_and_export_back_equal(data: dict[str, Any]) -> None:
    definition, found = quizfile_validate(data)
    assert found == []
    assert definition is not None
    exported = quizfile_export(definition)
    assert exported.get("feedback") == data.get("feedback")
    assert exported.get("variables") == data.get("variables")
    assert quizfile_validate(exported) == (definition, [])


def test_feedback_is_in_the_definition_only_when_true() -> None:
    on, _ = quizfile_validate(trivia_quiz(feedback=True))
    off, _ = quizfile_validate(trivia_quiz(feedback=False))
    assert on is not None and on["feedback"] is True
    assert off is not None and "feedback" not in off
    assert "feedback" not in quizfile_export(off)


def test_feedback_is_refused_off_trivia_and_when_not_a_boolean() -> None:
    assert problems(smoke_quiz(feedback=True)) == ["feedback: only trivia quizzes have feedback"]
    assert problems(trivia_quiz(feedback="yes")) == ["feedback: must be true or false"]


def test_a_variable_label_and_unit_are_checked_at_their_paths() -> None:
    data = smoke_quiz(variables=[{"key": "year", "expr": "1", "label": 3, "unit": "u" * 21}])
    assert problems(data) == [
        "variables[0].label: must be a string",
        "variables[0].unit: must be at most 20 characters",
    ]
    data = smoke_quiz(variables=[{"key": "year", "expr": "1", "colour": "red"}])
    assert problems(data) == ["variables[0].colour: unknown key"]


def test_an_empty_label_is_no_label() -> None:
    definition, _ = quizfile_validate(
        smoke_quiz(variables=[{"key": "year", "expr": "1", "label": " ", "unit": ""}])
    )
    assert definition is not None
    assert definition["variables"] == [{"key": "year", "expr": "1"}]
