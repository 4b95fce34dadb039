"""Scoring and answer cleaning: hand-computed results for every kind, properties, 400 cases."""

from __future__ import annotations

import copy
import functools
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizzes.engine.scoring import ScoringError, answers_validate, score_compute
from quizzes.format.quizfile import quiz_programs, quizfile_validate

# No database, broker or cache: the PostgreSQL + Redis pass skips these (tests/runner.py).
pytestmark = pytest.mark.pure

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "spec-examples"


def load(data: dict[str, Any]) -> dict[str, Any]:
    definition, problems = quizfile_validate(data)
    assert problems == []
    assert definition is not None
    return definition


@functools.cache
def _example(slug: str) -> dict[str, Any]:
    return load(json.loads((EXAMPLES / f"{slug}.json").read_text(encoding="utf-8")))


def example(slug: str) -> dict[str, Any]:
    """A fresh copy of a spec example's definition (validated once: corners take a moment)."""
    return copy.deepcopy(_example(slug))


def score(definition: dict[str, Any], answers: dict[str, Any]):
    clean, errors = answers_validate(definition=definition, answers=answers)
    assert errors == {}
    return score_compute(definition=definition, answers=clean, programs=quiz_programs(definition))


def choices(*items: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": key, "label": key.title(), **extra} for key, extra in items]


def quiz(kind: str, questions: list[dict[str, Any]], outcomes: list[dict[str, Any]]) -> dict:
    return load(
        {
            "format": "quizbuilder/1",
            "slug": "t",
            "title": "T",
            "kind": kind,
            "questions": questions,
            "outcomes": outcomes,
        }
    )


TIDY = [
    {
        "key": "desk",
        "type": "single",
        "prompt": "Desk?",
        "choices": choices(("clean", {"value": 2}), ("mess", {})),
    },
    {"key": "hours", "type": "number", "prompt": "Hours?", "min": 0, "max": 10, "required": False},
    {
        "key": "habits",
        "type": "multi",
        "prompt": "Habits?",
        "required": False,
        "max_choices": 2,
        "choices": choices(
            ("lists", {"value": 0.1}), ("bins", {"value": 0.2}), ("piles", {"value": -1})
        ),
    },
]

CAPITALS = [
    {
        "key": "france",
        "type": "single",
        "prompt": "France?",
        "choices": choices(("paris", {"correct": True}), ("lyon", {})),
    },
    {
        "key": "nordic",
        "type": "multi",
        "prompt": "Nordic?",
        "required": False,
        "choices": choices(
            ("oslo", {"correct": True}), ("rome", {}), ("helsinki", {"correct": True})
        ),
    },
    {"key": "name", "type": "text", "prompt": "Name?"},
]


# --- calculator: the weight example ------------------------------------------------------------


def test_the_weight_example_heavier() -> None:
    # age 30 < 40 -> age_drift 0.4; exercise weekly 0.3, snacks soda 0.5 + fruit -0.1 = 0.4,
    # sleep ok 0: weight_10y = round(clamp(80 + 10 * (0.3 + 0.4 + 0 + 0.4), 30, 300), 1)
    # = 91.0; change = round(91 - 80, 1) = 11.0: not <= -1, not < 2 -> heavier.
    result = score(
        example("weight-in-10-years"),
        {
            "name": "Ana",
            "weight": 80,
            "age": 30,
            "exercise": "weekly",
            "snacks": ["soda", "fruit"],
            "sleep": "ok",
        },
    )
    assert result.outcome_key == "heavier"
    assert result.values == {"age_drift": 0.4, "weight_10y": 91.0, "change": 11.0}
    assert result.score is None and result.max_score is None
    assert result.context == {
        "name": "Ana",
        "weight": 80.0,
        "age": 30.0,
        "exercise": "Once or twice a week",
        "snacks": "Sugary drinks, Fresh fruit",
        "sleep": "6 to 8 hours",
        "age_drift": 0.4,
        "weight_10y": 91.0,
        "change": 11.0,
    }


def test_the_weight_example_lighter_with_snacks_unanswered() -> None:
    # age 50 -> drift 0.1; daily -0.3, snacks unanswered 0, sleep ok 0:
    # 100 + 10 * (-0.3 + 0 + 0 + 0.1) = 98.0; change -2.0 <= -1 -> lighter.
    result = score(
        example("weight-in-10-years"),
        {"weight": 100, "age": 50, "exercise": "daily", "sleep": "ok"},
    )
    assert result.outcome_key == "lighter"
    assert result.values["weight_10y"] == 98.0 and result.values["change"] == -2.0
    assert result.context["snacks"] == "" and result.context["name"] == ""


def test_the_weight_example_steady() -> None:
    # age 45 -> 0.1; daily -0.3, no snacks, short sleep 0.3: 70 + 10 * 0.1 = 71.0; change 1.0:
    # not <= -1, but < 2 -> steady.
    result = score(
        example("weight-in-10-years"),
        {"weight": 70, "age": 45, "exercise": "daily", "snacks": [], "sleep": "short"},
    )
    assert (result.outcome_key, result.values["change"]) == ("steady", 1.0)


def test_a_calculator_failing_at_take_time_raises_a_scoring_error() -> None:
    # Import would refuse `1 / weight` (weight 0 is out of range); a stored program meeting an
    # answer it never saw at the corners is what this guards against.
    definition = example("weight-in-10-years")
    definition["variables"].append({"key": "ratio", "expr": "1 / weight"})
    programs = quiz_programs(definition)
    with pytest.raises(ScoringError) as caught:
        score_compute(
            definition=definition,
            answers={"weight": 0.0, "age": 30.0, "exercise": "daily", "sleep": "ok"},
            programs=programs,
        )
    assert caught.value.message.startswith("Could not work out ratio: ")


def test_a_calculator_with_no_matching_outcome_raises_a_scoring_error() -> None:
    definition = example("weight-in-10-years")
    definition["outcomes"][2]["when"] = "change > 100"
    with pytest.raises(ScoringError) as caught:
        score_compute(
            definition=definition,
            answers={"weight": 80.0, "age": 30.0, "exercise": "weekly", "sleep": "ok"},
            programs=quiz_programs(definition),
        )
    assert caught.value.message == "None of the results matches these answers."


# --- personality: the drink example -------------------------------------------------------------


def test_the_drink_example_latte() -> None:
    # snooze: latte 2; cafe: latte 1, green_tea 1; ambient: green_tea 1 -> latte 3, tea 2.
    result = score(
        example("which-morning-drink"),
        {"alarm": "snooze", "weekend": "cafe", "music": "ambient", "name": "Bo"},
    )
    assert (result.outcome_key, result.score, result.max_score) == ("latte", 3.0, None)
    assert result.values == {}
    assert result.context == {
        "alarm": "Snooze. Twice.",
        "weekend": "A café and a book",
        "music": "Ambient",
        "name": "Bo",
        "score": 3.0,
    }


def test_a_personality_tie_goes_to_the_outcome_listed_first() -> None:
    # up: espresso 2, smoothie 1; hike: smoothie 2; techno: espresso 1 -> both 3; espresso is
    # listed before smoothie.
    result = score(
        example("which-morning-drink"), {"alarm": "up", "weekend": "hike", "music": "techno"}
    )
    assert (result.outcome_key, result.score) == ("espresso", 3.0)


# --- score ---------------------------------------------------------------------------------------


def test_a_score_quiz_sums_single_multi_and_number_values() -> None:
    definition = quiz(
        "score",
        TIDY,
        [{"key": "low", "title": "Low", "max": 5}, {"key": "high", "title": "High", "min": 5}],
    )
    # clean 2 + hours 3.5 + lists 0.1 + bins 0.2 = 5.8 -> high (low's max is 5).
    result = score(definition, {"desk": "clean", "hours": 3.5, "habits": ["lists", "bins"]})
    assert (result.outcome_key, result.score) == ("high", 5.8)
    # max: clean 2 + hours 10 + lists 0.1 + bins 0.2 (at most 2 choices) = 12.3
    assert result.max_score == 12.3
    assert result.context["score"] == 5.8 and result.context["max_score"] == 12.3


def test_a_score_sum_has_no_float_noise() -> None:
    definition = quiz(
        "score",
        TIDY,
        [{"key": "exact", "title": "Exact", "max": 0.3}, {"key": "more", "title": "More"}],
    )
    # mess 0 + 0.1 + 0.2 is 0.30000000000000004 in plain floats, which would miss max 0.3.
    result = score(definition, {"desk": "mess", "habits": ["lists", "bins"]})
    assert (result.outcome_key, result.score) == ("exact", 0.3)


def test_a_score_boundary_belongs_to_the_first_outcome() -> None:
    definition = quiz(
        "score",
        TIDY,
        [{"key": "low", "title": "Low", "max": 2}, {"key": "high", "title": "High", "min": 2}],
    )
    assert score(definition, {"desk": "clean"}).outcome_key == "low"


def test_a_score_outside_every_range_gets_the_nearest_outcome() -> None:
    outcomes = [
        {"key": "a", "title": "A", "min": 0, "max": 1},
        {"key": "b", "title": "B", "min": 5},
    ]
    definition = quiz("score", TIDY, outcomes)
    assert score(definition, {"desk": "clean", "hours": 1}).outcome_key == "a"  # 3: 2 vs 2
    assert score(definition, {"desk": "clean", "hours": 2}).outcome_key == "b"  # 4: 3 vs 1
    assert score(definition, {"desk": "mess", "habits": ["piles"]}).outcome_key == "a"  # -1


# --- trivia --------------------------------------------------------------------------------------

TRIVIA_OUTCOMES = [
    {"key": "low", "title": "{score} of {max_score}", "max": 1},
    {"key": "top", "title": "Top", "min": 2},
]


def test_trivia_counts_exact_sets_only() -> None:
    definition = quiz("trivia", CAPITALS, TRIVIA_OUTCOMES)
    both = score(definition, {"france": "paris", "nordic": ["helsinki", "oslo"]})
    assert (both.outcome_key, both.score, both.max_score) == ("top", 2.0, 2.0)
    partial = score(definition, {"france": "paris", "nordic": ["oslo"]})
    assert (partial.outcome_key, partial.score) == ("low", 1.0)
    extra = score(definition, {"france": "lyon", "nordic": ["oslo", "rome", "helsinki"]})
    assert (extra.outcome_key, extra.score) == ("low", 0.0)
    unanswered = score(definition, {"france": "paris"})
    assert unanswered.score == 1.0 and unanswered.context["nordic"] == ""


# --- properties ------------------------------------------------------------------------------

OUTCOME_KEYS = ["a", "b", "c", "d"]


@st.composite
def personality_quizzes(draw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    n_outcomes = draw(st.integers(1, 4))
    keys = OUTCOME_KEYS[:n_outcomes]
    points = st.dictionaries(st.sampled_from(keys), st.sampled_from([0.1, 0.2, 0.5, 1, 2, -1]))
    questions = []
    answers: dict[str, Any] = {}
    for i in range(draw(st.integers(1, 4))):
        qtype = draw(st.sampled_from(["single", "multi"]))
        cs = [
            {"key": f"c{j}", "label": f"C{j}", "points": draw(points)}
            for j in range(draw(st.integers(2, 4)))
        ]
        questions.append({"key": f"q{i}", "type": qtype, "prompt": "?", "choices": cs})
        chosen = draw(st.lists(st.sampled_from([c["key"] for c in cs]), min_size=1, unique=True))
        answers[f"q{i}"] = chosen if qtype == "multi" else chosen[0]
    outcomes = [{"key": k, "title": k.upper()} for k in keys]
    return quiz("personality", questions, outcomes), answers


@settings(max_examples=150, deadline=None)
@given(personality_quizzes())
def test_a_personality_result_has_the_maximum_total(case: tuple[dict, dict]) -> None:
    definition, answers = case
    result = score(definition, answers)
    totals = {o["key"]: [] for o in definition["outcomes"]}
    for q in definition["questions"]:
        picked = answers[q["key"]] if q["type"] == "multi" else [answers[q["key"]]]
        for c in q["choices"]:
            if c["key"] in picked:
                for k, p in c["points"].items():
                    totals[k].append(p)
    best = max(round(math.fsum(v), 10) for v in totals.values())
    assert result.score == best
    assert round(math.fsum(totals[result.outcome_key]), 10) == best
    first = next(k for k, v in totals.items() if round(math.fsum(v), 10) == best)
    assert result.outcome_key == first


NORDIC = ["oslo", "rome", "helsinki"]


@st.composite
def trivia_answers(draw: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {"france": draw(st.sampled_from(["paris", "lyon"]))}
    for key in ("nordic", "more"):
        picked = draw(st.lists(st.sampled_from(NORDIC), unique=True))
        if picked:
            answers[key] = picked
    return answers


@settings(max_examples=150, deadline=None)
@given(trivia_answers(), st.sampled_from(["france", "nordic", "more"]))
def test_trivia_scores_stay_in_range_and_one_more_correct_answer_never_lowers(
    answers: dict[str, Any], question: str
) -> None:
    definition = quiz("trivia", [*CAPITALS[:2], {**CAPITALS[1], "key": "more"}], TRIVIA_OUTCOMES)
    before = score(definition, answers)
    assert before.max_score == 3.0
    assert before.score is not None and 0 <= before.score <= before.max_score
    if question == "france":
        better = {**answers, "france": "paris"}
    else:
        missing = [k for k in ("oslo", "helsinki") if k not in answers.get(question, [])]
        assume(missing)
        better = {**answers, question: [*answers.get(question, []), missing[0]]}
    after = score(definition, better)
    assert after.score is not None and after.score >= before.score


bounds = st.one_of(st.none(), st.integers(-3, 15))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(bounds, bounds), min_size=1, max_size=4),
    st.sampled_from(["clean", "mess"]),
    st.integers(0, 10),
    st.lists(st.sampled_from(["lists", "bins", "piles"]), max_size=2, unique=True),
)
def test_a_score_outcome_satisfies_its_bounds_when_any_does(
    ranges: list[tuple[int | None, int | None]], desk: str, hours: int, habits: list[str]
) -> None:
    outcomes = []
    for i, (lo, hi) in enumerate(ranges):
        lo, hi = (hi, lo) if lo is not None and hi is not None and lo > hi else (lo, hi)
        outcomes.append(
            {
                "key": f"o{i}",
                "title": "O",
                **({"min": lo} if lo is not None else {}),
                **({"max": hi} if hi is not None else {}),
            }
        )
    definition = quiz("score", TIDY, outcomes)
    result = score(definition, {"desk": desk, "hours": hours, "habits": habits})
    assert result.score is not None

    def holds(o: dict[str, Any]) -> bool:
        return (o["min"] is None or o["min"] <= result.score) and (
            o["max"] is None or result.score <= o["max"]
        )

    matching = [o["key"] for o in definition["outcomes"] if holds(o)]
    if matching:
        assert result.outcome_key == matching[0]


# --- answers_validate: the 400 cases --------------------------------------------------------------

WEIGHT_OK = {
    "name": "Ana",
    "weight": 80,
    "age": 30,
    "exercise": "weekly",
    "snacks": ["soda"],
    "sleep": "ok",
}


def errors_of(answers: object, definition: dict[str, Any] | None = None) -> dict[str, list[str]]:
    _clean, errors = answers_validate(
        definition=definition or example("weight-in-10-years"), answers=answers
    )
    return errors


def test_clean_answers_are_typed_and_in_quiz_order() -> None:
    clean, errors = answers_validate(
        definition=example("weight-in-10-years"),
        answers={**WEIGHT_OK, "name": "  Ana ", "weight": "72.5", "snacks": ["fruit", "soda"]},
    )
    assert errors == {}
    assert clean == {
        "name": "Ana",
        "weight": 72.5,
        "age": 30.0,
        "exercise": "weekly",
        "snacks": ["soda", "fruit"],
        "sleep": "ok",
    }


def test_unanswered_optional_questions_are_left_out() -> None:
    clean, errors = answers_validate(
        definition=example("weight-in-10-years"),
        answers={**WEIGHT_OK, "name": "   ", "snacks": []},
    )
    assert errors == {}
    assert "name" not in clean and "snacks" not in clean


def test_it_refuses_answers_that_are_not_an_object() -> None:
    assert errors_of(["weekly"]) == {
        "answers": ["Send the answers as an object of question keys and answers."]
    }


def test_it_refuses_an_unknown_question() -> None:
    assert errors_of({**WEIGHT_OK, "foo": 1}) == {"answers": ["Unknown question 'foo'."]}


def test_it_refuses_a_missing_required_answer() -> None:
    answers = {k: v for k, v in WEIGHT_OK.items() if k != "exercise"}
    assert errors_of({**answers, "sleep": None}) == {
        "exercise": ["Answer this question."],
        "sleep": ["Answer this question."],
    }


def test_it_refuses_an_unknown_choice() -> None:
    assert errors_of({**WEIGHT_OK, "exercise": "sometimes"}) == {
        "exercise": ["Choose one of the options."]
    }


def test_it_refuses_a_list_for_a_single_question() -> None:
    assert errors_of({**WEIGHT_OK, "exercise": ["weekly"]}) == {
        "exercise": ["Choose one of the options."]
    }


def test_it_refuses_a_number_out_of_range() -> None:
    assert errors_of({**WEIGHT_OK, "weight": 251}) == {
        "weight": ["Enter a number between 30 and 250."]
    }


@pytest.mark.parametrize(
    "value", [True, "heavy", "72,5", float("nan"), float("inf"), "1e999", [80], {}]
)
def test_it_refuses_what_is_not_a_number(value: object) -> None:
    assert errors_of({**WEIGHT_OK, "weight": value}) == {"weight": ["Enter a number."]}


def test_it_refuses_a_number_off_the_step_grid() -> None:
    assert errors_of({**WEIGHT_OK, "weight": 72.55, "age": 30.5}) == {
        "weight": ["Enter a number between 30 and 250 in steps of 0.1."],
        "age": ["Enter a number between 14 and 90 in steps of 1."],
    }


def test_it_accepts_float_noise_on_the_step_grid() -> None:
    assert errors_of({**WEIGHT_OK, "weight": 72.50000000001}) == {}


def test_it_refuses_a_text_too_long_counted_after_stripping() -> None:
    assert errors_of({**WEIGHT_OK, "name": "  " + "x" * 30 + "  "}) == {}
    assert errors_of({**WEIGHT_OK, "name": "x" * 31}) == {"name": ["Use at most 30 characters."]}


def test_it_refuses_a_text_that_is_not_a_string() -> None:
    assert errors_of({**WEIGHT_OK, "name": 42}) == {"name": ["Enter text."]}


def test_it_refuses_control_characters_in_text() -> None:
    assert errors_of({**WEIGHT_OK, "name": "A\x00na"}) == {
        "name": ["Remove the control characters from the text."]
    }


def test_it_removes_bidirectional_overrides_from_text() -> None:
    # "\u202eevil" shows as "live" and reverses the page's text after it; Arabic and Hebrew
    # need none of these to be written.
    clean, errors = answers_validate(
        definition=example("weight-in-10-years"),
        answers={**WEIGHT_OK, "name": "\u202eevil\u202c \u2067Ana\u2069 שלום"},
    )
    assert errors == {}
    assert clean["name"] == "evil Ana שלום"


def test_it_refuses_a_multi_answer_that_is_not_a_list() -> None:
    assert errors_of({**WEIGHT_OK, "snacks": "soda"}) == {
        "snacks": ["Choose from the options (a list of them)."]
    }


def test_it_refuses_an_unknown_choice_in_a_multi_answer() -> None:
    assert errors_of({**WEIGHT_OK, "snacks": ["soda", "chips"]}) == {
        "snacks": ["Choose only from the options."]
    }


def test_it_refuses_duplicate_choices() -> None:
    assert errors_of({**WEIGHT_OK, "snacks": ["soda", "soda"]}) == {
        "snacks": ["Choose each option only once."]
    }


def test_it_refuses_too_many_and_too_few_choices() -> None:
    definition = example("weight-in-10-years")
    definition["questions"][4].update(min_choices=2, max_choices=3)
    assert errors_of({**WEIGHT_OK, "snacks": ["soda"]}, definition) == {
        "snacks": ["Choose at least 2 options."]
    }
    assert errors_of({**WEIGHT_OK, "snacks": ["soda", "sweets", "late", "fruit"]}, definition) == {
        "snacks": ["Choose at most 3 options."]
    }


def test_a_required_multi_needs_one_choice() -> None:
    definition = example("weight-in-10-years")
    definition["questions"][4]["required"] = True
    assert errors_of({**WEIGHT_OK, "snacks": []}, definition) == {
        "snacks": ["Choose at least 1 option."]
    }
    assert errors_of({k: v for k, v in WEIGHT_OK.items() if k != "snacks"}, definition) == {
        "snacks": ["Answer this question."]
    }


def test_it_lists_every_error_at_once() -> None:
    assert errors_of({"weight": "x", "bar": 1, "snacks": 3}) == {
        "answers": ["Unknown question 'bar'."],
        "weight": ["Enter a number."],
        "age": ["Answer this question."],
        "exercise": ["Answer this question."],
        "snacks": ["Choose from the options (a list of them)."],
        "sleep": ["Answer this question."],
    }


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.sampled_from([*WEIGHT_OK, "x"]), inner, max_size=6)
        ),
        max_leaves=20,
    )
)
def test_answers_validate_never_raises(answers: object) -> None:
    definition = example("weight-in-10-years")
    clean, errors = answers_validate(definition=definition, answers=answers)
    if not errors:
        result = score_compute(
            definition=definition, answers=clean, programs=quiz_programs(definition)
        )
        assert result.outcome_key in {"lighter", "steady", "heavier"}
