"""A trivia quiz with `"feedback": true` says right or wrong after each scored question: on
the next page without JavaScript, in the screen's hidden box take.js opens with it; the API
gives the right answers only to a quiz with feedback on."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from quizzes.authoring.services import quiz_import
from tests.quizzes.conditions import trivia_images, trivia_quiz
from tests.quizzes.taking.test_pages import step

pytestmark = pytest.mark.django_db
SLUG = "flags-and-capitals"


@pytest.fixture
def quiz(editor):
    def _quiz(feedback: bool):
        return quiz_import(
            data=trivia_quiz(feedback=feedback),
            user=editor,
            images=trivia_images(),
            publish=True,
        )

    return _quiz


def said(page) -> str:
    box = re.search(r'<div class="feedback[^"]*"[^>]*data-feedback-done>(.*?)</div>', page, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", box.group(1))).split()) if box else ""


def test_the_next_page_says_wrong_with_the_answer_and_the_explanation(visitor, quiz):
    quiz(True)
    page = step(visitor, SLUG, visitor.get(f"/q/{SLUG}/take/"), "lyon")
    assert said(page.content.decode()) == (
        "Capital of France? ✗ Not quite: the answer is Paris Paris has been the capital since 987."
    )
    assert 'role="status"' in page.content.decode()
    page = step(visitor, SLUG, page, "yes")  # not scored: nothing to say
    assert said(page.content.decode()) == ""
    page = step(visitor, SLUG, page, ["japan", "peru"])
    assert page.status_code == 302


def test_a_right_answer_is_right_and_back_says_nothing(visitor, quiz):
    quiz(True)
    page = step(visitor, SLUG, visitor.get(f"/q/{SLUG}/take/"), "paris")
    assert said(page.content.decode()) == (
        "Capital of France? ✓ Right! Paris has been the capital since 987."
    )
    page = step(visitor, SLUG, page, action="back")
    assert said(page.content.decode()) == ""


def test_without_feedback_no_page_tells(visitor, quiz):
    quiz(False)
    page = step(visitor, SLUG, visitor.get(f"/q/{SLUG}/take/"), "lyon")
    assert said(page.content.decode()) == ""
    intro = visitor.get(f"/q/{SLUG}/").content.decode()
    assert "data-correct" not in intro and "987" not in intro and "data-feedback" not in intro


def test_the_intro_gives_take_js_each_scored_screen_its_right_answers(visitor, quiz):
    quiz(True)
    intro = visitor.get(f"/q/{SLUG}/").content.decode()
    correct = {
        key: json.loads(unescape(value))
        for key, value in re.findall(r'data-key="(\w+)"[^>]*data-correct="([^"]+)"', intro)
    }
    assert correct == {"france": ["paris"], "red": ["japan", "peru"]}
    assert intro.count("data-feedback ") == 2
    assert "Paris has been the capital since 987." in intro


def test_the_api_gives_the_right_answers_only_with_feedback_on(visitor, quiz):
    quiz(False)
    body = visitor.get(f"/api/quizzes/{SLUG}/").json()
    text = json.dumps(body)
    assert "feedback" not in text and "correct" not in text and "987" not in text

    quiz(True)
    body = visitor.get(f"/api/quizzes/{SLUG}/").json()
    assert body["feedback"] is True
    assert [q["feedback"] for q in body["questions"]] == [
        {"correct": ["paris"], "explanation": "Paris has been the capital since 987."},
        None,
        {"correct": ["japan", "peru"], "explanation": "Both have a red stripe."},
    ]
