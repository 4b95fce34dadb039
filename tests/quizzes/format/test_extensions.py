"""The studio's extensions of the file format: display conditions (`show_if`), images on
questions and choices, and explanations; each refusal at its JSON path, and files that
carry them export back equal."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from quizzes.format.bundles import definition_relink, image_paths
from quizzes.format.export import quizfile_export
from quizzes.format.quizfile import quizfile_validate
from tests.quizzes.conditions import smoke_quiz, trivia_quiz

pytestmark = pytest.mark.pure


def problems(data: object) -> list[str]:
    definition, found = quizfile_validate(data)
    assert definition is None
    return [str(p) for p in found]


def with_condition(show_if: Any, at: int = 1) -> dict[str, Any]:
    data = smoke_quiz()
    data["questions"][at]["show_if"] = show_if
    return data


def test_a_file_with_every_extension_validates_and_keeps_them() -> None:
    definition, found = quizfile_validate(trivia_quiz())
    assert found == []
    assert definition is not None
    france, _flags, red = definition["questions"]
    assert france["image"] == "images/paris.png"
    assert france["explanation"] == "Paris has been the capital since 987."
    assert [c.get("image") for c in france["choices"]] == ["images/a.png", "images/b.png"]
    assert red["show_if"] == {"question": "flags", "choices": ["yes"]}
    assert "image" not in red and "explanation" not in definition["questions"][1]


@pytest.mark.parametrize("data", [smoke_quiz(), trivia_quiz()], ids=["smoke", "trivia"])
def test_export_of_import_is_the_file_and_imports_back_equal(data: dict[str, Any]) -> None:
    definition, _ = quizfile_validate(data)
    assert definition is not None
    exported = quizfile_export(definition)
    assert quizfile_validate(exported) == (definition, [])
    assert exported["questions"] == [{k: v for k, v in q.items()} for q in exported["questions"]]
    # The file written back carries the extensions as the author wrote them.
    assert exported["questions"][1].get("show_if") == data["questions"][1].get("show_if")
    assert quizfile_export(quizfile_validate(exported)[0]) == exported  # type: ignore[arg-type]


def test_files_without_extensions_export_as_before() -> None:
    data = smoke_quiz()
    del data["questions"][1]["show_if"]
    definition, _ = quizfile_validate(data)
    assert definition is not None
    for q in definition["questions"]:
        assert not {"show_if", "image", "explanation"} & q.keys()


def test_an_empty_explanation_is_no_explanation() -> None:
    data = trivia_quiz()
    data["questions"][0]["explanation"] = ""
    definition, _ = quizfile_validate(data)
    assert definition is not None
    assert "explanation" not in definition["questions"][0]


@pytest.mark.parametrize(
    ("show_if", "at", "message"),
    [
        (
            {"question": "age", "choices": ["yes"]},
            1,
            "questions[1].show_if.question: must be an earlier question",
        ),
        (
            {"question": "nope", "choices": ["yes"]},
            1,
            "questions[1].show_if.question: must be an earlier question",
        ),
        (
            {"question": "smoke", "choices": ["yes"]},
            0,
            "questions[0].show_if.question: must be an earlier question",
        ),
        (
            {"question": "per_day", "choices": ["yes"]},
            2,
            "questions[2].show_if.question: must be a single or multi question",
        ),
        (
            {"question": "smoke", "choices": ["yes", "maybe"]},
            1,
            "questions[1].show_if.choices[1]: unknown choice 'maybe' of question 'smoke'",
        ),
        (
            {"question": "smoke", "choices": []},
            1,
            "questions[1].show_if.choices: needs at least 1 choice",
        ),
        (
            {"question": "smoke", "choices": "yes"},
            1,
            "questions[1].show_if.choices: must be a list of choice keys",
        ),
        (
            {"question": "smoke", "choices": ["yes", "yes"]},
            1,
            "questions[1].show_if.choices: must not name a choice twice",
        ),
        ({"question": 3, "choices": ["yes"]}, 1, "questions[1].show_if.question: must be a string"),
        ({"question": "smoke"}, 1, "questions[1].show_if.choices: missing required key"),
        (
            {"question": "smoke", "choices": ["yes"], "not": True},
            1,
            "questions[1].show_if.not: unknown key",
        ),
        ("smoke", 1, "questions[1].show_if: must be an object"),
    ],
)
def test_it_refuses_a_broken_condition(show_if: Any, at: int, message: str) -> None:
    assert message in problems(with_condition(show_if, at))


def test_it_refuses_bad_image_paths_on_questions_and_choices() -> None:
    data = trivia_quiz()
    data["questions"][0]["image"] = "../secret.png"
    data["questions"][0]["choices"][1]["image"] = "images/b.gif"
    found = problems(data)
    rule = (
        "must be a relative path inside the bundle (no '..'), ending in .png, .jpg, .jpeg or .webp"
    )
    assert f"questions[0].image: {rule}" in found
    assert f"questions[0].choices[1].image: {rule}" in found


def test_it_refuses_a_long_explanation() -> None:
    data = trivia_quiz()
    data["questions"][0]["explanation"] = "x" * 1001
    assert problems(data) == ["questions[0].explanation: must be at most 1000 characters"]


def test_corners_evaluate_a_hidden_question_at_zero() -> None:
    data = smoke_quiz()
    data["variables"] = [{"key": "year", "expr": "365 / per_day"}]
    assert problems(data) == [
        "variables[0].expr: division by zero when per_day=(not shown)",
    ]


def test_bundles_name_and_relink_question_and_choice_images() -> None:
    data = trivia_quiz()
    assert image_paths(data) == ["images/paris.png", "images/a.png", "images/b.png"]
    relinked = definition_relink(copy.deepcopy(data), {"images/a.png": "images/z.png"})
    assert relinked["questions"][0]["choices"][0]["image"] == "images/z.png"
    assert relinked["questions"][0]["image"] == "images/paris.png"
