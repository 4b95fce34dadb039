"""version_diff: what a reviewer reads about a version in review, from the two documents."""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from quizzes.authoring.diff import Change, version_diff
from quizzes.authoring.rows import quiz_validate
from tests.conftest import demo_data, demo_files


@pytest.fixture(autouse=True)
def _english():
    # The words are translated when version_diff runs: in whatever language is active.
    with translation.override("en"):
        yield


def live(slug: str = "which-morning-drink") -> dict:
    definition, problems = quiz_validate(demo_data(slug))
    assert definition is not None, problems
    return dict(definition)


def lines(changes: list[Change]) -> list[str]:
    return [f"{c.kind}|{c.where}|{c.what}|{c.old}|{c.new}" for c in changes]


def test_an_unchanged_quiz_has_no_changes():
    assert version_diff(old=live(), new=live()) == []


def test_a_raw_draft_leaving_out_defaults_is_no_change():
    # An invalid draft cannot be normalised: the quiz page diffs its document as it is.
    for slug in [p.stem for p in demo_files()]:
        assert version_diff(old=live(slug), new=demo_data(slug)) == [], slug


def test_a_first_version_is_everything_new_in_one_line():
    assert lines(version_diff(old=None, new=demo_data("which-morning-drink"))) == [
        "new|“Which morning drink are you?”|Everything is new: 4 questions, 10 answers, "
        "4 results.||"
    ]


def test_it_names_changed_texts_added_removed_and_moved_questions():
    old = live()
    new = copy.deepcopy(old)
    new["title"] = "Your morning drink"
    new["questions"][0]["prompt"] = "The alarm rings. You..."
    music = new["questions"].pop(2)
    new["questions"].insert(0, music)
    del new["questions"][3]  # name
    new["questions"].append(
        {"key": "city", "type": "text", "prompt": "Your city", "required": False}
    )
    assert lines(version_diff(old=old, new=new)) == [
        "changed|Quiz|Title changed|Which morning drink are you?|Your morning drink",
        "removed|Question 4 “Your name, for your card”|removed||",
        "moved|Question 1 “Pick a soundtrack”|moved from position 3 to 1||",
        "changed|Question 2 “The alarm rings. You...”|Question text changed|"
        "Your alarm goes off. You...|The alarm rings. You...",
        "added|Question 4 “Your city”|added||",
    ]


def test_it_names_answer_and_scoring_changes():
    old = live()
    new = copy.deepcopy(old)
    alarm = new["questions"][0]["choices"]
    alarm[0]["points"] = {"espresso": 3, "smoothie": 1}
    alarm[1]["label"] = "Snooze. Three times."
    alarm.pop(2)
    alarm.append({"key": "run", "label": "Go for a run", "points": {"smoothie": 2}})
    new["outcomes"][0]["title"] = "Double espresso"
    new["outcomes"][1]["card"] = {"background": "#112233"}
    new["card"]["headline"] = "I am {outcome}"
    assert lines(version_diff(old=old, new=new)) == [
        "removed|Question 1 “Your alarm goes off. You...” · answer 3 "
        "“Was already awake, meditating”|removed||",
        "changed|Question 1 “Your alarm goes off. You...” · answer 1 “Jump up, ready to go”|"
        "points for the result “espresso” changed|2|3",
        "changed|Question 1 “Your alarm goes off. You...” · answer 2 “Snooze. Three times.”|"
        "Answer text changed|Snooze. Twice.|Snooze. Three times.",
        "added|Question 1 “Your alarm goes off. You...” · answer 3 “Go for a run”|added||",
        "changed|Result 1 “Double espresso”|Title changed|Espresso|Double espresso",
        "changed|Result 2 “Latte” · card|Card background colour changed|–|#112233",
        "changed|Card|Card headline changed|My morning drink: {outcome}|I am {outcome}",
    ]


def test_it_names_right_answers_bands_and_formulas():
    trivia = live("solar-system-trivia")
    new = copy.deepcopy(trivia)
    choices = new["questions"][0]["choices"]
    right = next(i for i, c in enumerate(choices) if c["correct"])
    wrong = (right + 1) % len(choices)
    choices[right]["correct"], choices[wrong]["correct"] = False, True
    new["outcomes"][0]["max"] = (new["outcomes"][0]["max"] or 0) + 1
    changes = version_diff(old=trivia, new=new)
    whats = [c.what for c in changes]
    assert "now marked as a right answer" in whats
    assert "no longer a right answer" in whats
    assert "Highest changed" in whats

    calc = live("weight-in-10-years")
    new = copy.deepcopy(calc)
    new["variables"][0]["expr"] = new["variables"][0]["expr"] + " + 1"
    [change] = version_diff(old=calc, new=new)
    assert change.what == "Formula changed"
    assert change.new == change.old + " + 1"


def test_a_setting_it_does_not_know_is_named_by_its_key_and_shown_plainly():
    old = live()
    new = copy.deepcopy(old)
    # A format extension this module was not written for (a display condition, say).
    new["questions"][1]["shown_if"] = {"question": "alarm", "choices": ["up", "awake"]}
    assert lines(version_diff(old=old, new=new)) == [
        "changed|Question 2 “Perfect Saturday?”|shown if changed|–|"
        "question: alarm, choices: up, awake"
    ]


def test_it_names_a_feedback_switch_and_a_values_label_and_unit():
    old = live("weight-in-10-years")
    new = copy.deepcopy(old)
    new["variables"][1]["label"] = "Your weight in 10 years"
    del new["variables"][1]["unit"]
    assert lines(version_diff(old=old, new=new)) == [
        "changed|Formula 2 “weight_10y”|Shown as changed|Weight in 10 years|"
        "Your weight in 10 years",
        "changed|Formula 2 “weight_10y”|Unit changed|kg|–",
    ]
    trivia = live("solar-system-trivia")
    switched = {**trivia, "feedback": True}
    assert lines(version_diff(old=trivia, new=switched)) == [
        "changed|Quiz|Right or wrong after each question changed|–|yes"
    ]


def test_a_theme_change_is_named_for_the_reviewer():
    old = live()
    new = copy.deepcopy(old)
    new["theme"] = {"brand": "#0f766e", "font": "lora"}

    changed = lines(version_diff(old=old, new=new))

    assert len(changed) == 1
    assert "Theme" in changed[0]
    assert "brand: #0f766e, font: lora" in changed[0]
