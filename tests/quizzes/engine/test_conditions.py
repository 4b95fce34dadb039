"""Display conditions in the engine: which questions are shown, what answers are refused, and
how a hidden question counts (as an unanswered optional one)."""

from __future__ import annotations

from typing import Any

import pytest

from quizzes.engine.scoring import (
    ANSWER,
    NOT_SHOWN,
    answers_validate,
    questions_shown,
    score_compute,
)
from quizzes.format.definition import Definition
from quizzes.format.quizfile import quiz_programs, quizfile_validate
from tests.quizzes.conditions import smoke_quiz, trivia_quiz

pytestmark = pytest.mark.pure


def valid(data: dict[str, Any]) -> Definition:
    definition, problems = quizfile_validate(data)
    assert problems == [], problems
    assert definition is not None
    return definition


SMOKE = valid(smoke_quiz())


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({}, ["smoke", "age"]),
        ({"smoke": "no"}, ["smoke", "age"]),
        ({"smoke": "yes"}, ["smoke", "per_day", "age"]),
        ({"smoke": ["yes"]}, ["smoke", "per_day", "age"]),
        ({"smoke": 1}, ["smoke", "age"]),
    ],
)
def test_a_question_is_shown_when_the_earlier_answer_is_one_of_its_choices(answers, shown):
    assert questions_shown(definition=SMOKE, answers=answers) == shown


def test_a_hidden_question_is_not_required():
    clean, errors = answers_validate(definition=SMOKE, answers={"smoke": "no", "age": 30})
    assert errors == {}
    assert clean == {"smoke": "no", "age": 30.0}


def test_a_shown_question_is_required_as_usual():
    _, errors = answers_validate(definition=SMOKE, answers={"smoke": "yes", "age": 30})
    assert errors == {"per_day": [ANSWER]}


def test_an_answer_to_a_hidden_question_is_refused_in_plain_words():
    _, errors = answers_validate(definition=SMOKE, answers={"smoke": "no", "per_day": 5, "age": 30})
    assert errors == {"per_day": ["This question is not shown for these answers; leave it out."]}
    assert errors["per_day"] == [NOT_SHOWN]


def test_an_empty_answer_to_a_hidden_question_is_no_answer():
    _, errors = answers_validate(definition=SMOKE, answers={"smoke": "no", "per_day": "", "age": 3})
    assert errors == {"age": ["Enter a number between 10 and 100."]}


def test_a_broken_earlier_answer_leaves_the_condition_undecided():
    _, errors = answers_validate(
        definition=SMOKE, answers={"smoke": "maybe", "per_day": 5, "age": 30}
    )
    assert errors == {"smoke": ["Choose one of the options."]}


def test_a_hidden_question_counts_zero_in_expressions():
    clean, _ = answers_validate(definition=SMOKE, answers={"smoke": "no", "age": 30})
    result = score_compute(definition=SMOKE, answers=clean, programs=quiz_programs(SMOKE))
    assert result.outcome_key == "free"
    assert result.values == {"year": 0.0}
    assert result.context["per_day"] == ""


def test_a_multi_shows_the_question_when_any_chosen_choice_is_listed():
    data = trivia_quiz()
    data["questions"][1] = {
        "key": "flags",
        "type": "multi",
        "prompt": "Which do you know?",
        "required": False,
        "choices": [
            {"key": "yes", "label": "Flags"},
            {"key": "maps", "label": "Maps", "correct": True},
            {"key": "no", "label": "Neither"},
        ],
    }
    definition = valid(data)
    assert "red" in questions_shown(definition=definition, answers={"flags": ["maps", "yes"]})
    assert "red" not in questions_shown(definition=definition, answers={"flags": ["maps"]})
    assert "red" not in questions_shown(definition=definition, answers={})


def test_a_question_under_a_hidden_question_is_hidden_too():
    data = smoke_quiz()
    data["questions"].insert(
        2,
        {
            "key": "brand",
            "type": "single",
            "prompt": "Which brand?",
            "show_if": {"question": "kind", "choices": ["cig"]},
            "choices": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
        },
    )
    data["questions"].insert(
        2,
        {
            "key": "kind",
            "type": "single",
            "prompt": "What do you smoke?",
            "show_if": {"question": "smoke", "choices": ["yes"]},
            "choices": [{"key": "cig", "label": "Cigarettes"}, {"key": "pipe", "label": "Pipe"}],
        },
    )
    definition = valid(data)
    # "kind" was answered once, then "smoke" changed to no: both below it are hidden.
    answers = {"smoke": "no", "kind": "cig"}
    assert questions_shown(definition=definition, answers=answers) == ["smoke", "age"]
    _, errors = answers_validate(definition=definition, answers={**answers, "age": 30})
    assert errors == {"kind": [NOT_SHOWN]}


def test_a_score_quiz_may_reach_its_maximum_without_a_hidden_question():
    data = {
        "format": "quizbuilder/1",
        "slug": "tidy",
        "title": "Tidy?",
        "kind": "score",
        "questions": [
            {
                "key": "desk",
                "type": "single",
                "prompt": "Desk?",
                "choices": [
                    {"key": "clean", "label": "Clean", "value": 2},
                    {"key": "mess", "label": "Mess", "value": -1},
                ],
            },
            {
                "key": "why",
                "type": "single",
                "prompt": "Why a mess?",
                "show_if": {"question": "desk", "choices": ["mess"]},
                "choices": [
                    {"key": "busy", "label": "Busy", "value": -3},
                    {"key": "lazy", "label": "Lazy", "value": -2},
                ],
            },
        ],
        "outcomes": [{"key": "any", "title": "{score} of {max_score}"}],
    }
    definition = valid(data)
    result = score_compute(
        definition=definition, answers={"desk": "clean"}, programs=quiz_programs(definition)
    )
    assert (result.score, result.max_score) == (2.0, 2.0)
