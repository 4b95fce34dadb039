"""The quizbuilder/1 validator: every rule reported at its exact JSON path, never a crash."""

from __future__ import annotations

import copy
import io
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.format.export import quizfile_export
from quizzes.format.quizfile import Problem, quiz_programs, quizfile_validate
from quizzes.models import Quiz

# No database, broker or cache: the PostgreSQL + Redis pass skips these (tests/runner.py),
# but for the few that import into the database (tests/conftest.py keeps them).
pytestmark = pytest.mark.pure

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "spec-examples"

# Messages of quizzes.engine.formulas and quizzes.engine.templating, as they appear after the path.
# The placeholders a text may use, in the quiz's order: a card's {outcome}, the questions,
# the values, the score.
DRINK_NAMES = "{{alarm}}, {{weekend}}, {{music}}, {{name}}, {{score}}"
WEIGHT_NAMES = (
    "{{outcome}}, {{name}}, {{weight}}, {{age}}, {{exercise}}, {{snacks}}, {{sleep}}, "
    "{{age_drift}}, {{weight_10y}}, {{change}}"
)
UNKNOWN_PLACEHOLDER_NME = "{path}: unknown placeholder {{nme}}: use " + DRINK_NAMES
UNKNOWN_PLACEHOLDER_OUTCOME = "{path}: unknown placeholder {{outcome}}: use " + DRINK_NAMES
UNKNOWN_PLACEHOLDER_SCORE = "{path}: unknown placeholder {{score}}: use " + WEIGHT_NAMES
UNKNOWN_NAME_HIEGHT = "{path}: unknown name 'hieght'"
UNKNOWN_NAME_NAME = "{path}: unknown name 'name'"
UNKNOWN_NAME_CHANGE = "{path}: unknown name 'change'"
FORBIDDEN_ATTRIBUTE = "{path}: attribute access is not allowed"
BLOW_UP = "{path}: the exponent 387420489 is too large (at most 1000)"
DIVISION_BY_ZERO = "{path}: division by zero"


def example(slug: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{slug}.json").read_text(encoding="utf-8"))


def weight() -> dict[str, Any]:
    return example("weight-in-10-years")


def drink() -> dict[str, Any]:
    return example("which-morning-drink")


def problems(data: object) -> list[str]:
    definition, found = quizfile_validate(data)
    assert definition is None
    return [str(p) for p in found]


def score_quiz(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "quizbuilder/1",
        "slug": "how-tidy",
        "title": "How tidy are you?",
        "kind": "score",
        "questions": [
            {
                "key": "desk",
                "type": "single",
                "prompt": "Your desk?",
                "choices": [
                    {"key": "clean", "label": "Clean", "value": 2},
                    {"key": "mess", "label": "Mess"},
                ],
            }
        ],
        "outcomes": [
            {"key": "messy", "title": "Messy", "max": 1},
            {"key": "tidy", "title": "Tidy", "min": 1},
        ],
    }
    data.update(changes)
    return data


def trivia_quiz() -> dict[str, Any]:
    return {
        "format": "quizbuilder/1",
        "slug": "capitals",
        "title": "Capitals",
        "kind": "trivia",
        "questions": [
            {
                "key": "france",
                "type": "single",
                "prompt": "Capital of France?",
                "choices": [
                    {"key": "paris", "label": "Paris", "correct": True},
                    {"key": "lyon", "label": "Lyon"},
                ],
            },
            {
                "key": "nordic",
                "type": "multi",
                "prompt": "Nordic capitals?",
                "choices": [
                    {"key": "oslo", "label": "Oslo", "correct": True},
                    {"key": "rome", "label": "Rome"},
                    {"key": "helsinki", "label": "Helsinki", "correct": True},
                ],
            },
        ],
        "outcomes": [
            {"key": "low", "title": "Keep going", "max": 1},
            {"key": "top", "title": "Top", "min": 2},
        ],
    }


# --- the spec's examples --------------------------------------------------------------------


def test_both_spec_examples_validate() -> None:
    for data in (weight(), drink()):
        definition, found = quizfile_validate(data)
        assert found == []
        assert definition is not None
        assert definition["slug"] == data["slug"]


def test_it_fills_every_default() -> None:
    definition, _ = quizfile_validate(weight())
    assert definition is not None
    name, number, _age, exercise, snacks, _sleep = definition["questions"]
    assert name == {
        "key": "name",
        "type": "text",
        "prompt": "Your first name (it goes on your result card)",
        "help": "",
        "required": False,
        "max_length": 30,
    }
    assert number["min"] == 30.0 and isinstance(number["min"], float)
    assert number["step"] == 0.1 and number["unit"] == "kg" and number["required"] is True
    assert exercise["choices"][0] == {
        "key": "never",
        "label": "Hardly ever",
        "value": 0.9,
        "points": {},
        "correct": False,
    }
    assert snacks["min_choices"] is None and snacks["max_choices"] is None
    assert definition["outcomes"][2] == {
        "key": "heavier",
        "title": "{name}, in 10 years you'll weigh {weight_10y} kg",
        "description": "That's {change} kg more than today. Small changes add up: try "
        "swapping the sugary drinks first.",
        "min": None,
        "max": None,
        "when": None,
        "card": {},
    }
    assert definition["card"]["background"] == "#0f766e"


def test_it_fills_defaults_of_a_personality_quiz() -> None:
    definition, _ = quizfile_validate(drink())
    assert definition is not None
    up = definition["questions"][0]["choices"][0]
    assert up == {
        "key": "up",
        "label": "Jump up, ready to go",
        "value": 0.0,
        "points": {"espresso": 2.0, "smoothie": 1.0},
        "correct": False,
    }
    assert definition["variables"] == []
    assert definition["description"].startswith("Four questions")


def test_it_stores_the_language_in_lower_case() -> None:
    definition, _ = quizfile_validate({**drink(), "language": "zh-Hans"})
    assert definition is not None
    assert definition["language"] == "zh-hans"
    definition, _ = quizfile_validate({k: v for k, v in drink().items() if k != "language"})
    assert definition is not None
    assert definition["language"] == "en"


def test_problems_print_as_path_and_message() -> None:
    assert str(Problem("questions[2].choices[0].points.hero", "unknown outcome")) == (
        "questions[2].choices[0].points.hero: unknown outcome"
    )


# --- one rule at a time ----------------------------------------------------------------------


def test_it_refuses_a_file_that_is_not_an_object() -> None:
    assert problems(["quizbuilder/1"]) == ["$: must be an object"]


def test_it_refuses_a_wrong_format_string() -> None:
    assert problems({**drink(), "format": "quizbuilder/2"}) == ['format: must be "quizbuilder/1"']


def test_it_refuses_an_unknown_key_at_the_top() -> None:
    assert problems({**drink(), "titel": "Typo"}) == ["titel: unknown key"]


def test_it_refuses_an_unknown_key_in_a_choice() -> None:
    data = drink()
    data["questions"][1]["choices"][2]["lable"] = "Typo"
    assert problems(data) == ["questions[1].choices[2].lable: unknown key"]


def test_it_names_a_key_that_belongs_to_another_question_type() -> None:
    data = drink()
    data["questions"][0]["min"] = 1
    assert problems(data) == ["questions[0].min: only number questions have min"]


def test_it_refuses_missing_required_keys() -> None:
    data = drink()
    del data["title"]
    del data["questions"][2]["prompt"]
    assert problems(data) == [
        "title: missing required key",
        "questions[2].prompt: missing required key",
    ]


def test_it_refuses_a_bad_slug() -> None:
    assert problems({**drink(), "slug": "Morning Drink"}) == [
        "slug: must be 1 to 60 characters of a-z, 0-9 and -"
    ]


def test_it_refuses_a_bool_as_a_number() -> None:
    data = weight()
    data["questions"][3]["choices"][0]["value"] = True
    assert problems(data) == ["questions[3].choices[0].value: must be a number"]


def test_it_refuses_a_bad_question_key() -> None:
    data = drink()
    data["questions"][0]["key"] = "Alarm"
    # The problem is reported once, at the key; nothing cascades from it.
    assert problems(data) == [
        "questions[0].key: must start with a-z and have at most 40 characters of a-z, 0-9 and _"
    ]


def test_it_refuses_a_duplicate_question_key() -> None:
    data = drink()
    data["questions"][2]["key"] = "alarm"
    assert problems(data) == [
        "questions[2].key: duplicate question key 'alarm' (also questions[0])"
    ]


def test_it_refuses_a_duplicate_choice_key() -> None:
    data = drink()
    data["questions"][1]["choices"][2]["key"] = "hike"
    assert problems(data) == [
        "questions[1].choices[2].key: duplicate choice key 'hike' (also choices[0])"
    ]


def test_it_refuses_a_duplicate_outcome_key() -> None:
    data = drink()
    data["outcomes"][3]["key"] = "latte"
    assert problems(data)[0] == "outcomes[3].key: duplicate outcome key 'latte' (also outcomes[1])"


def test_it_refuses_a_duplicate_variable_key() -> None:
    data = weight()
    data["variables"][2]["key"] = "age_drift"
    assert problems(data)[0] == (
        "variables[2].key: duplicate variable key 'age_drift' (also variables[0])"
    )


def test_it_refuses_a_variable_named_like_a_question() -> None:
    data = weight()
    data["variables"].append({"key": "age", "expr": "1"})
    assert problems(data) == ["variables[3].key: 'age' is already a question key"]


def test_it_refuses_reserved_names() -> None:
    data = weight()
    data["questions"][2]["key"] = "score"
    data["variables"][0]["key"] = "clamp"
    assert problems(data)[:2] == [
        "questions[2].key: 'score' is a reserved name",
        "variables[0].key: 'clamp' is a reserved name",
    ]


def test_it_refuses_min_greater_than_max() -> None:
    data = weight()
    data["questions"][1]["min"] = 300
    assert problems(data) == ["questions[1].min: must not be greater than max (300 > 250)"]


def test_it_refuses_an_outcome_with_min_greater_than_max() -> None:
    data = score_quiz()
    data["outcomes"][0]["min"] = 5
    assert problems(data) == ["outcomes[0].min: must not be greater than max (5 > 1)"]


def test_it_refuses_a_step_of_zero() -> None:
    data = weight()
    data["questions"][1]["step"] = 0
    assert problems(data) == ["questions[1].step: must be greater than 0"]


# --- issue 9, finding 9: bounds a hostile file cannot pass --------------------------------


@pytest.mark.parametrize("step", [1e-320, 5e-324, 1e-10])
def test_it_refuses_a_step_finer_than_a_billionth(step: float) -> None:
    data = weight()
    data["questions"][1]["step"] = step
    assert problems(data) == ["questions[1].step: must be at least 0.000000001"]


def test_it_refuses_a_step_that_makes_over_a_trillion_steps() -> None:
    data = weight()
    data["questions"][1].update(min=0, max=1e6, step=1e-9)  # 1e15 steps
    assert problems(data) == [
        "questions[1].step: is too small for min..max: at most 1000000000000 steps from min "
        "to max are allowed"
    ]


def test_a_step_at_both_limits_is_accepted() -> None:
    data = weight()
    data["questions"][1].update(min=0, max=1000, step=1e-9)  # exactly 1e12 steps
    definition, found = quizfile_validate(data)
    assert found == []
    assert definition is not None and definition["questions"][1]["step"] == 1e-9


def _choices(n: int) -> list[dict[str, Any]]:
    return [{"key": f"c{i}", "label": f"Choice {i}"} for i in range(n)]


def test_it_caps_the_choices_of_a_question_at_50() -> None:
    data = score_quiz()
    data["questions"][0]["choices"] = _choices(50)
    assert quizfile_validate(data)[1] == []
    data["questions"][0]["choices"] = _choices(51)
    assert problems(data) == [
        "questions[0].choices: must have at most 50 entries (51 given)",
    ]


def test_it_caps_questions_outcomes_and_variables_at_100() -> None:
    data = score_quiz()
    question = data["questions"][0]
    data["questions"] = [{**question, "key": f"q{i}"} for i in range(101)]
    data["outcomes"] = [{"key": f"o{i}", "title": f"O{i}"} for i in range(101)]
    assert problems(data) == [
        "outcomes: must have at most 100 entries (101 given)",
        "questions: must have at most 100 entries (101 given)",
    ]
    calculator = weight()
    calculator["variables"] = [{"key": f"v{i}", "expr": "1"} for i in range(101)]
    assert "variables: must have at most 100 entries (101 given)" in problems(calculator)


def test_a_hundred_questions_and_outcomes_are_accepted() -> None:
    data = score_quiz()
    question = data["questions"][0]
    data["questions"] = [{**question, "key": f"q{i}"} for i in range(100)]
    data["outcomes"] = [{"key": f"o{i}", "title": f"O{i}", "min": i} for i in range(100)]
    assert quizfile_validate(data)[1] == []


def test_a_lone_surrogate_in_any_text_is_refused_at_its_path() -> None:
    data = drink()
    data["title"] = "Caf\ud800e"
    data["questions"][0]["choices"][1]["label"] = "\udfff"
    data["outcomes"][0]["card"] = {"headline": "x\udc00"}
    message = "must be valid Unicode text (it holds a lone surrogate such as \\ud800)"
    assert problems(data) == [
        f"title: {message}",
        f"outcomes[0].card.headline: {message}",
        f"questions[0].choices[1].label: {message}",
    ]


def test_it_refuses_min_choices_above_max_choices() -> None:
    data = weight()
    data["questions"][4].update(min_choices=3, max_choices=2)
    assert problems(data) == [
        "questions[4].min_choices: must not be greater than max_choices (3 > 2)"
    ]


def test_it_refuses_max_choices_beyond_the_choices() -> None:
    data = weight()
    data["questions"][4]["max_choices"] = 5
    assert problems(data) == [
        "questions[4].max_choices: must be between 1 and 4 (the number of choices)"
    ]


def test_it_refuses_a_single_question_with_one_choice() -> None:
    data = drink()
    data["questions"][0]["choices"] = data["questions"][0]["choices"][:1]
    assert problems(data) == ["questions[0].choices: needs at least 2 choices"]


def test_it_refuses_an_unknown_question_type() -> None:
    data = drink()
    data["questions"][3]["type"] = "essay"
    assert problems(data) == ["questions[3].type: must be one of single, multi, number, text"]


def test_it_refuses_a_choice_pointing_to_an_unknown_outcome() -> None:
    data = drink()
    data["questions"][2]["choices"][0]["points"] = {"hero": 1}
    assert problems(data) == ["questions[2].choices[0].points.hero: unknown outcome"]


def test_it_refuses_points_outside_personality_quizzes() -> None:
    data = score_quiz()
    data["questions"][0]["choices"][0]["points"] = {"tidy": 1}
    assert problems(data) == ["questions[0].choices[0].points: only personality quizzes use points"]


def test_it_refuses_correct_answers_outside_trivia() -> None:
    data = score_quiz()
    data["questions"][0]["choices"][0]["correct"] = True
    assert problems(data) == [
        "questions[0].choices[0].correct: only trivia quizzes have correct answers"
    ]


def test_it_refuses_when_outside_calculators() -> None:
    data = drink()
    data["outcomes"][0]["when"] = "1"
    assert problems(data) == ["outcomes[0].when: only calculator quizzes use when"]


def test_it_refuses_variables_outside_calculators() -> None:
    assert problems({**drink(), "variables": []}) == [
        "variables: only calculator quizzes have variables"
    ]


def test_it_refuses_bounds_on_personality_outcomes() -> None:
    data = drink()
    data["outcomes"][0]["min"] = 1
    assert problems(data) == ["outcomes[0].min: only score and trivia quizzes use min and max"]


def test_trivia_multi_questions_need_a_correct_choice() -> None:
    data = trivia_quiz()
    for choice in data["questions"][1]["choices"]:
        choice.pop("correct", None)
    assert problems(data) == [
        "questions[1].choices: a multi question in a trivia quiz needs a correct choice"
    ]


def test_trivia_single_questions_have_at_most_one_correct_choice() -> None:
    data = trivia_quiz()
    data["questions"][0]["choices"][1]["correct"] = True
    assert problems(data) == [
        "questions[0].choices[1].correct: a single question has at most one correct choice"
    ]


def test_trivia_correct_set_must_be_choosable() -> None:
    data = trivia_quiz()
    data["questions"][1]["max_choices"] = 1
    assert problems(data) == [
        "questions[1].choices: its 2 correct choices cannot be chosen within min_choices "
        "and max_choices"
    ]


def test_trivia_outcomes_must_cover_every_score() -> None:
    data = trivia_quiz()
    data["outcomes"][1]["min"] = 3
    assert problems(data) == ["outcomes: no outcome matches a score of 2 (scores go from 0 to 2)"]


def test_a_calculator_outcome_after_the_default_is_unreachable() -> None:
    data = weight()
    data["outcomes"][1].pop("when")
    assert problems(data) == [
        "outcomes[2]: unreachable: outcomes[1] has no when, so it always matches first"
    ]


def test_it_refuses_a_bad_language_code() -> None:
    assert problems({**drink(), "language": "english!"}) == [
        "language: must be a language code such as en, pt-br or zh-hans"
    ]


def test_it_refuses_a_bad_colour_and_an_escaping_image_path() -> None:
    data = drink()
    data["card"].update(background="red", image="../secrets/card.png")
    assert problems(data) == [
        "card.background: must be a colour written #rrggbb",
        "card.image: must be a relative path inside the bundle (no '..'), ending in .png, "
        ".jpg, .jpeg or .webp",
    ]


def test_it_refuses_overlong_text_and_nul() -> None:
    data = drink()
    data["title"] = "x" * 201
    data["questions"][0]["choices"][0]["label"] = "a\x00b"
    assert problems(data) == [
        "title: must be at most 200 characters",
        "questions[0].choices[0].label: must not contain NUL characters",
    ]


def test_a_file_with_many_errors_lists_them_all() -> None:
    data = drink()
    data["format"] = "quizbuilder/0"
    data["slug"] = ""
    data["kind"] = "horoscope"
    data["extra"] = 1
    data["questions"][0]["choices"][1]["points"] = {"tea": "2"}
    data["questions"][3]["max_length"] = 0
    data["outcomes"][0]["title"] = ""
    assert problems(data) == [
        "extra: unknown key",
        'format: must be "quizbuilder/1"',
        "slug: must be 1 to 60 characters of a-z, 0-9 and -",
        "kind: must be one of personality, score, trivia, calculator",
        "outcomes[0].title: must not be empty",
        "questions[0].choices[1].points.tea: unknown outcome",
        "questions[3].max_length: must be between 1 and 1000",
    ]


# --- round trip ------------------------------------------------------------------------------


def test_export_puts_format_first_and_leaves_defaults_out() -> None:
    definition, _ = quizfile_validate(weight())
    assert definition is not None
    exported = quizfile_export(definition)
    assert next(iter(exported)) == "format"
    assert "language" not in exported  # "en" is the default
    assert exported["questions"][0] == {
        "key": "name",
        "type": "text",
        "prompt": "Your first name (it goes on your result card)",
        "max_length": 30,
    }
    assert exported["questions"][1]["min"] == 30 and isinstance(
        exported["questions"][1]["min"], int
    )
    assert exported["questions"][5]["choices"][1] == {"key": "ok", "label": "6 to 8 hours"}


def test_export_then_validate_gives_the_same_definition() -> None:
    for data in (weight(), drink(), score_quiz(), trivia_quiz()):
        definition, _ = quizfile_validate(data)
        assert definition is not None
        exported = json.loads(json.dumps(quizfile_export(definition)))
        again, found = quizfile_validate(exported)
        assert found == []
        assert again == definition


def test_programs_are_json_and_cover_every_expression() -> None:
    definition, _ = quizfile_validate(weight())
    assert definition is not None
    programs = quiz_programs(definition)
    assert json.loads(json.dumps(programs)) == programs
    assert list(programs["variables"]) == ["age_drift", "weight_10y", "change"]
    assert list(programs["when"]) == ["lighter", "steady"]
    assert quiz_programs(quizfile_validate(drink())[0] or {}) == {"variables": {}, "when": {}}


# --- never raises ----------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=30,
)


def assert_contract(data: object) -> None:
    definition, found = quizfile_validate(data)
    assert (definition is None) != (found == [])
    assert all(isinstance(p, Problem) and p.path and p.message for p in found)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_the_validator_never_raises_on_any_json(data: object) -> None:
    assert_contract(data)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["weight-in-10-years", "which-morning-drink"]), st.data(), json_values)
def test_the_validator_never_raises_on_a_damaged_example(
    slug: str, draw: Any, junk: object
) -> None:
    data = example(slug)
    path = draw.draw(st.sampled_from(_paths(data)[1:]))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = junk
    assert_contract(copy.deepcopy(data))


# --- expressions and templates -------------------------------------------------------------


def with_variable(expr: str) -> dict[str, Any]:
    data = weight()
    data["variables"].append({"key": "extra", "expr": expr})
    return data


def test_it_refuses_an_unknown_placeholder() -> None:
    data = drink()
    data["outcomes"][1]["description"] = "{nme}, you're warm."
    assert problems(data) == [UNKNOWN_PLACEHOLDER_NME.format(path="outcomes[1].description")]


def test_it_refuses_a_wrong_format_string_in_a_template() -> None:
    data = weight()
    data["card"]["headline"] = "In 10 years I'll weigh {weight_10y:.9f} kg"
    assert problems(data) == [
        "card.headline: wrong format string {weight_10y:.9f}: use ',', '.1f' or ',.2f' "
        "(0 to 6 decimals)"
    ]


def test_it_refuses_unbalanced_braces_in_a_template() -> None:
    data = drink()
    data["outcomes"][2]["title"] = "Green {tea"
    assert problems(data) == [
        "outcomes[2].title: unbalanced braces: '{' at character 7 is never closed "
        "(write '{{' for a literal brace)"
    ]


def test_outcome_is_a_placeholder_of_cards_only() -> None:
    data = drink()
    data["outcomes"][0]["title"] = "{outcome}!"
    data["outcomes"][0]["card"] = {"subline": "I am {outcome}"}
    assert problems(data) == [UNKNOWN_PLACEHOLDER_OUTCOME.format(path="outcomes[0].title")]


def test_calculators_have_no_score_placeholder() -> None:
    data = weight()
    data["card"]["subline"] = "Score: {score}"
    assert problems(data) == [UNKNOWN_PLACEHOLDER_SCORE.format(path="card.subline")]


def test_it_refuses_a_formula_with_an_unknown_name() -> None:
    assert problems(with_variable("weight * hieght")) == [
        UNKNOWN_NAME_HIEGHT.format(path="variables[3].expr")
    ]


def test_a_text_question_is_not_a_name_in_formulas() -> None:
    assert problems(with_variable("name + 1")) == [
        UNKNOWN_NAME_NAME.format(path="variables[3].expr")
    ]


def test_a_variable_cannot_use_a_later_one() -> None:
    data = weight()
    data["variables"][0]["expr"] = "change"
    assert problems(data) == [UNKNOWN_NAME_CHANGE.format(path="variables[0].expr")]


def test_it_refuses_forbidden_syntax() -> None:
    assert problems(with_variable("weight.real")) == [
        FORBIDDEN_ATTRIBUTE.format(path="variables[3].expr")
    ]


def test_it_refuses_a_blow_up() -> None:
    assert problems(with_variable("9 ** 9 ** 9")) == [BLOW_UP.format(path="variables[3].expr")]


def test_it_refuses_a_division_by_zero_at_the_corners() -> None:
    # weight's min is 30, so weight - 30 is 0 at that corner.
    assert problems(with_variable("100 / (weight - 30)")) == [
        DIVISION_BY_ZERO.format(path="variables[3].expr") + " when weight=30"
    ]


def test_a_corner_failure_names_the_answers_behind_the_variables_used() -> None:
    # extra reads change, hence weight_10y, hence every non-text answer. The first corner
    # (in question order) with change 0: weight 30, age 14 (age_drift 0.4), daily -0.3,
    # fruit -0.1, sleep ok 0 -> 30 + 10 * (-0.3 - 0.1 + 0 + 0.4) = 30, change 0.
    assert problems(with_variable("1 / change")) == [
        DIVISION_BY_ZERO.format(path="variables[3].expr")
        + " when weight=30, age=14, exercise=daily, snacks=[fruit], sleep=ok"
    ]


def test_a_when_failing_at_a_corner_is_reported_at_the_outcome() -> None:
    data = weight()
    data["outcomes"][1]["when"] = "100 / (age - 90) < 2"
    assert problems(data) == [DIVISION_BY_ZERO.format(path="outcomes[1].when") + " when age=90"]


def test_it_refuses_a_calculator_whose_outcomes_can_all_miss() -> None:
    # Nothing matches 2 <= change <= 3 any more. First such corner: weight 30, age 14 (0.4),
    # daily -0.3, fruit -0.1, short sleep 0.3 -> 30 + 10 * 0.3 = 33, change 3.
    data = weight()
    data["outcomes"][2]["when"] = "change > 3"
    assert problems(data) == [
        "outcomes: no outcome matches when weight=30, age=14, exercise=daily, snacks=[fruit], "
        "sleep=short"
    ]


def test_it_refuses_an_overlong_expression() -> None:
    assert problems(with_variable("1 + " * 130 + "1")) == [
        "variables[3].expr: must be at most 500 characters"
    ]


# --- the same refusals through import_quiz: a clear message per line, nothing saved -------


def _import_refused(path: Path) -> list[str]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    err = io.StringIO()
    with pytest.raises(CommandError, match=r"refused, \d+ problems?; nothing was saved"):
        call_command("import_quiz", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


@pytest.mark.django_db
def test_import_quiz_refuses_a_lone_surrogate_with_its_path(editor, tmp_path) -> None:
    data = drink()
    data["title"] = "Caf\ud800"
    data["questions"][0]["choices"][0]["points"] = {"\udc00": 1}
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps(data), encoding="ascii")  # "\ud800" escapes, as JSON allows
    assert _import_refused(path) == [
        "title: must be valid Unicode text (it holds a lone surrogate such as \\ud800)",
        'questions[0].choices[0].points["\\udc00"]: the key must be valid Unicode text '
        "(it holds a lone surrogate such as \\ud800)",
    ]
    assert not Quiz.objects.exists()


@pytest.mark.django_db
def test_import_quiz_refuses_a_tiny_step_and_too_many_choices(editor, tmp_path) -> None:
    data = weight()
    data["questions"][1]["step"] = 1e-320
    data["questions"][3]["choices"] = [
        {"key": f"c{i}", "label": f"C{i}", "value": 0} for i in range(51)
    ]
    path = tmp_path / "quiz.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _import_refused(path) == [
        "questions[1].step: must be at least 0.000000001",
        "questions[3].choices: must have at most 50 entries (51 given)",
    ]
    assert not Quiz.objects.exists()


@pytest.mark.django_db
def test_import_quiz_refuses_a_file_nested_too_deeply(editor, tmp_path) -> None:
    path = tmp_path / "quiz.json"
    path.write_text('{"title": ' + "[" * 900 + "]" * 900 + "}", encoding="utf-8")
    assert _import_refused(path) == ["$: not valid JSON: nested too deeply"]


@pytest.mark.django_db
def test_a_legacy_version_with_a_tiny_step_still_takes_answers(visitor, publish) -> None:
    from quizzes.selectors import published_cache_clear
    from tests.quizzes.takehelp import TAKES, post_json, responses_url

    slug = "weight-in-10-years"
    version = publish(slug)
    # As stored before import bounded `step`: every answer used to be a 500 (OverflowError).
    version.definition["questions"][1]["step"] = 1e-320
    version.save(update_fields=["definition"])
    published_cache_clear(slug=slug)
    answers = {**TAKES[slug]["answers"], "weight": 70.123}
    response = post_json(visitor, responses_url(slug), {"answers": answers})
    assert response.status_code == 201
    assert response.json()["outcome"]["key"] == "heavier"
    # The page's own check (take.js) drops that grid too, as the server does.
    html = visitor.get(f"/q/{slug}/").content.decode()
    check = re.search(r'data-key="weight" data-type="number" data-check="([^"]+)"', html)
    assert check is not None
    rules = json.loads(unescape(check[1]))
    assert rules["step"] is None and "step" not in rules["messages"]
