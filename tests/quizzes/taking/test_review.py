"""The answer review under a trivia result: each scored question shown to the visitor, their
answer, right or wrong, the right answer and the explanation; for the result's owner only,
and only while the raw answers are kept."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from quizzes.authoring.services import quiz_import
from quizzes.taking.retention import answers_purge
from tests.quizzes.conditions import trivia_images, trivia_quiz
from tests.quizzes.takehelp import post_json, responses_url

pytestmark = pytest.mark.django_db
SLUG = "flags-and-capitals"


@pytest.fixture
def flags(editor):
    return quiz_import(data=trivia_quiz(), user=editor, images=trivia_images(), publish=True)


def take(client, answers: dict) -> str:
    response = post_json(client, responses_url(SLUG), {"answers": answers})
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def review(html: str) -> list[str]:
    items = re.findall(r'<li class="review-item[^"]*" data-review="[^"]+">(.*?)</li>', html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def test_the_owner_sees_each_answer_right_or_wrong_with_the_explanation(visitor, flags):
    result = take(visitor, {"france": "lyon", "flags": "yes", "red": ["japan", "peru"]})
    html = visitor.get(f"/r/{result}/").content.decode()
    assert "Your answers" in html
    assert review(html) == [
        "Capital of France? Your answer: Lyon ✗ Wrong Right answer: Paris "
        "Paris has been the capital since 987.",
        "Which flags have red? Your answer: Japan, Peru ✓ Right Both have a red stripe.",
    ]
    assert html.index('class="answer-review"') > html.index('class="outcome-title"')


def test_a_hidden_question_is_not_reviewed(visitor, flags):
    result = take(visitor, {"france": "paris", "flags": "no"})
    html = visitor.get(f"/r/{result}/").content.decode()
    assert review(html) == [
        "Capital of France? Your answer: Paris ✓ Right Paris has been the capital since 987."
    ]


def test_someone_else_sees_no_answers(visitor, friend, flags):
    result = take(visitor, {"france": "paris", "flags": "no"})
    html = friend.get(f"/r/{result}/").content.decode()
    assert 'class="answer-review"' not in html and "987" not in html


def test_no_review_once_the_answers_are_forgotten(visitor, flags):
    result = take(visitor, {"france": "paris", "flags": "no"})
    assert answers_purge(now=timezone.now() + dt.timedelta(days=31)) == 1
    html = visitor.get(f"/r/{result}/").content.decode()
    assert 'class="answer-review"' not in html


def test_other_kinds_have_no_review(visitor, publish):
    publish("which-morning-drink")
    response = post_json(
        visitor,
        responses_url("which-morning-drink"),
        {"answers": {"alarm": "up", "weekend": "project", "music": "techno"}},
    )
    html = visitor.get(f"/r/{response.json()['id']}/").content.decode()
    assert 'class="answer-review"' not in html


def test_the_demo_trivia_quiz_reviews_all_seven_answers(visitor, publish):
    from tests.quizzes.takehelp import TAKES

    publish("solar-system-trivia")
    answers = TAKES["solar-system-trivia"]["answers"]
    response = post_json(visitor, responses_url("solar-system-trivia"), {"answers": answers})
    html = visitor.get(f"/r/{response.json()['id']}/").content.decode()
    rows = review(html)
    assert len(rows) == 7
    assert sum("✓ Right" in row for row in rows) == 6
    assert "Saturn has well over 100 known moons" in rows[6]
