"""The demo quizzes: each one is a valid quizbuilder/1 file that imports, publishes, and
scores a hand-computed answer set to the expected outcome (also after an export round trip)."""

from __future__ import annotations

import json

import pytest

from quizzes.engine.scoring import answers_validate, score_compute
from quizzes.engine.templating import template_render
from quizzes.format.export import quizfile_export
from quizzes.format.quizfile import quiz_programs, quizfile_validate
from quizzes.selectors import published_get
from tests.conftest import DEMO_DIR, demo_data, demo_files

# slug, answers, outcome, score, max_score, the outcome title as the visitor reads it
CASES = [
    (
        "which-morning-drink",
        {"alarm": "up", "weekend": "project", "music": "techno", "name": "Ana"},
        "espresso",
        5,
        None,
        "Espresso",
    ),
    # latte 2 and smoothie 2 tie: the outcome listed first wins.
    (
        "which-morning-drink",
        {"alarm": "snooze", "weekend": "hike", "music": "ambient"},
        "latte",
        2,
        None,
        "Latte",
    ),
    # 70 + 10 * (0.3 + (0.5 - 0.1) + 0 + 0.4) = 81.0; change 11.0
    (
        "weight-in-10-years",
        {
            "name": "Ana",
            "weight": 70,
            "age": 30,
            "exercise": "weekly",
            "snacks": ["soda", "fruit"],
            "sleep": "ok",
        },
        "heavier",
        None,
        None,
        "Ana, in 10 years you'll weigh 81 kg",
    ),
    # 80 + 10 * (-0.3 + 0 + 0 + 0.1) = 78.0; change -2.0
    (
        "weight-in-10-years",
        {"name": "Bo", "weight": 80, "age": 50, "exercise": "daily", "sleep": "ok"},
        "lighter",
        None,
        None,
        "Bo, you'll be lighter: 78 kg",
    ),
    # 1 + 2 + 1 + 2 + 2 + (1 + 1 - 1) = 9, in 5..9; max 5 * 3 + 4 = 19
    (
        "how-stressed-are-you",
        {
            "sleep": "fine",
            "buzz": "reply",
            "shoulders": "bit",
            "free_evening": "chores",
            "plate": "often",
            "week": ["room", "desk_lunch", "laughed"],
        },
        "steady",
        9,
        19,
        "Mostly balanced",
    ),
    (
        "how-stressed-are-you",
        {
            "sleep": "baby",
            "buzz": "tomorrow",
            "shoulders": "down",
            "free_evening": "enjoy",
            "plate": "rarely",
            "week": ["laughed"],
        },
        "zen",
        -1,
        19,
        "Zen master",
    ),
    (
        "how-stressed-are-you",
        {
            "sleep": "what_sleep",
            "buzz": "pulse",
            "shoulders": "live",
            "free_evening": "work",
            "plate": "always",
            "week": ["room", "snapped", "desk_lunch", "replay"],
        },
        "boiling",
        19,
        19,
        "Boiling point",
    ),
    # right: closest, sunlight, rings (exact set), olympus, moons = 5 of 7
    (
        "solar-system-trivia",
        {
            "closest": "mercury",
            "hottest": "mercury",
            "sunlight": "minutes",
            "rings": ["saturn", "jupiter", "neptune"],
            "olympus": "volcano",
            "venus_day": "shorter",
            "moons": "saturn",
        },
        "astronomer",
        5,
        7,
        "Astronomer",
    ),
    # the same, but rings misses Jupiter: a multi scores only for exactly its correct set
    (
        "solar-system-trivia",
        {
            "closest": "mercury",
            "hottest": "mercury",
            "sunlight": "minutes",
            "rings": ["saturn", "neptune"],
            "olympus": "volcano",
            "venus_day": "shorter",
            "moons": "saturn",
        },
        "stargazer",
        4,
        7,
        "Stargazer",
    ),
    (
        "solar-system-trivia",
        {
            "closest": "mercury",
            "hottest": "venus",
            "sunlight": "minutes",
            "rings": ["neptune", "jupiter", "saturn"],
            "olympus": "volcano",
            "venus_day": "longer",
            "moons": "saturn",
        },
        "mission_control",
        7,
        7,
        "Mission control",
    ),
    # espresso 2+2+1 = 5 ties pour_over 2+2+1 = 5: espresso is listed first
    (
        "ni-shi-na-zhong-ka-fei",
        {
            "alarm": "up",
            "weekend": "alone",
            "friends_say": "taste",
            "takeout": "fastest",
            "desk": "tools",
        },
        "espresso",
        5,
        None,
        "浓缩咖啡",
    ),
    (
        "ni-shi-na-zhong-ka-fei",
        {
            "alarm": "snooze",
            "weekend": "friends",
            "friends_say": "warm",
            "takeout": "new",
            "desk": "cute",
        },
        "latte",
        10,
        None,
        "拿铁",
    ),
]


def _score(definition: dict, answers: dict):
    clean, errors = answers_validate(definition=definition, answers=answers)
    assert errors == {}
    return score_compute(definition=definition, answers=clean, programs=quiz_programs(definition))


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: p.stem)
def test_each_demo_is_a_valid_file_with_cards(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    definition, problems = quizfile_validate(data)
    assert problems == []
    assert path.stem == definition["slug"]
    card = definition["card"]
    assert {"headline", "subline", "background", "gradient_to"} <= set(card)


def test_the_demos_cover_every_kind_and_chinese():
    demos = [json.loads(p.read_text(encoding="utf-8")) for p in demo_files()]
    assert {d["kind"] for d in demos} == {"personality", "score", "trivia", "calculator"}
    assert any(d.get("language") == "zh-hans" for d in demos)
    trivia = next(d for d in demos if d["kind"] == "trivia")
    multi = [q for q in trivia["questions"] if q["type"] == "multi"]
    assert multi and sum(1 for c in multi[0]["choices"] if c.get("correct")) > 1
    score = next(d for d in demos if d["kind"] == "score")
    assert all("min" in o or "max" in o for o in score["outcomes"])


def test_every_demo_has_a_hand_computed_case():
    assert {p.stem for p in demo_files()} <= {case[0] for case in CASES}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "answers", "outcome", "score", "max_score", "title"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
def test_a_demo_imports_publishes_and_scores_as_hand_computed(
    slug, answers, outcome, score, max_score, title, publish
):
    version = publish(slug)
    published = published_get(slug=slug)
    assert published is not None and published.version_id == version.pk
    result = _score(published.definition, answers)
    assert result.outcome_key == outcome
    assert result.score == score
    assert result.max_score == max_score
    chosen = next(o for o in published.definition["outcomes"] if o["key"] == outcome)
    assert template_render(chosen["title"], context=result.context) == title

    # The canonical export of the file scores the same.
    again, problems = quizfile_validate(quizfile_export(published.definition))
    assert problems == []
    assert _score(again, answers).outcome_key == outcome


def test_the_demo_folder_is_where_load_demo_reads():
    assert (DEMO_DIR / "how-stressed-are-you.json").exists()
    assert demo_data("ni-shi-na-zhong-ka-fei")["language"] == "zh-hans"


@pytest.mark.django_db
def test_the_weight_demo_words_a_loss_without_a_minus_sign(client, publish):
    # 80 + 10 * (-0.3 + 0 + 0 + 0.1) = 78.0: 2 kg lighter, said as "from 80 kg down to 78 kg".
    publish("weight-in-10-years")
    answers = {"name": "Bo", "weight": 80, "age": 50, "exercise": "daily", "sleep": "ok"}
    response = client.post(
        "/api/quizzes/weight-in-10-years/responses/",
        json.dumps({"answers": answers}),
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["outcome"]["key"] == "lighter"
    # The change keeps its sign, as a difference in brackets, never after "take off".
    assert body["outcome"]["description"] == (
        "Your habits take you from 80 kg down to 78 kg over ten years (-2 kg). Keep going."
    )
