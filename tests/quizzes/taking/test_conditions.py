"""A take with a display condition, through HTTP: "Do you smoke?" yes/no -> "How many a
day?" (shown only for yes) -> "How old are you?"; page flow (skip, progress, back) and API
(the condition in the quiz, a 400 for an answer to a hidden question, shown events)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from quizzes.authoring.services import quiz_import
from quizzes.models import AnswerEvent, Result, ShownEvent
from tests.quizzes.conditions import smoke_quiz
from tests.quizzes.takehelp import post_json, responses_url
from tests.quizzes.taking.test_pages import field, step

pytestmark = pytest.mark.django_db
SLUG = "smoke-check"


@pytest.fixture
def smoke(editor):
    return quiz_import(data=smoke_quiz(), user=editor, publish=True)


def on_screen(page) -> tuple[str, str]:
    """(the prompt, "n of m") of a question page."""
    html = page.content.decode()
    prompt = re.search(r'class="question-prompt"[^>]*>([^<]+)', html)
    progress = re.search(r"(\d+ of \d+)</span>", html)
    assert prompt and progress, html
    return prompt.group(1).strip(), progress.group(1)


def test_no_skips_the_hidden_question_and_the_progress_counts_the_shown_ones(visitor, smoke):
    page = visitor.get(f"/q/{SLUG}/take/")
    assert on_screen(page) == ("Do you smoke?", "1 of 2")
    page = step(visitor, SLUG, page, "no")
    assert on_screen(page) == ("How old are you?", "2 of 2")
    page = step(visitor, SLUG, page, 30)
    assert page.status_code == 302
    result = Result.objects.get()
    assert result.title == "Smoke-free at 30"
    assert result.answers == {"smoke": "no", "age": 30.0}
    assert not ShownEvent.objects.exists()


def test_yes_shows_the_question_and_back_walks_the_shown_ones(visitor, smoke):
    page = visitor.get(f"/q/{SLUG}/take/")
    page = step(visitor, SLUG, page, "yes")
    assert on_screen(page) == ("How many a day?", "2 of 3")
    page = step(visitor, SLUG, page, 10)
    assert on_screen(page) == ("How old are you?", "3 of 3")
    page = step(visitor, SLUG, page, action="back")
    assert on_screen(page) == ("How many a day?", "2 of 3")
    assert 'value="10"' in page.content.decode()
    page = step(visitor, SLUG, page, action="back")
    assert on_screen(page) == ("Do you smoke?", "1 of 3")
    # Changing the answer hides the question again; its old answer is not sent.
    page = step(visitor, SLUG, page, "no")
    assert on_screen(page) == ("How old are you?", "2 of 2")
    page = step(visitor, SLUG, page, action="back")
    assert on_screen(page) == ("Do you smoke?", "1 of 2")
    page = step(visitor, SLUG, page, "yes")
    page = step(visitor, SLUG, page, 20)
    page = step(visitor, SLUG, page, 40)
    assert page.status_code == 302
    result = Result.objects.get()
    assert result.title == "7300 cigarettes a year"
    assert result.answers == {"smoke": "yes", "per_day": 20.0, "age": 40.0}
    assert list(ShownEvent.objects.values_list("question_key", flat=True)) == ["per_day"]
    assert AnswerEvent.objects.filter(take=result.take).count() == 3


def test_a_shown_question_is_required(visitor, smoke):
    page = step(visitor, SLUG, visitor.get(f"/q/{SLUG}/take/"), "yes")
    page = step(visitor, SLUG, page, "")
    assert on_screen(page) == ("How many a day?", "2 of 3")
    assert "Answer this question." in page.content.decode()


def test_the_api_quiz_gives_the_condition(visitor, smoke):
    body = visitor.get(f"/api/quizzes/{SLUG}/").json()
    assert [q["show_if"] for q in body["questions"]] == [
        None,
        {"question": "smoke", "choices": ["yes"]},
        None,
    ]


def test_the_api_refuses_an_answer_to_a_hidden_question(visitor, smoke):
    response = post_json(
        visitor, responses_url(SLUG), {"answers": {"smoke": "no", "per_day": 5, "age": 30}}
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"per_day": ["This question is not shown for these answers; leave it out."]}
    }
    assert not Result.objects.exists()


def test_the_api_takes_a_hidden_question_left_out_and_needs_a_shown_one(visitor, smoke):
    response = post_json(visitor, responses_url(SLUG), {"answers": {"smoke": "yes", "age": 30}})
    assert response.status_code == 400
    assert response.json() == {"errors": {"per_day": ["Answer this question."]}}
    response = post_json(visitor, responses_url(SLUG), {"answers": {"smoke": "no", "age": 30}})
    assert response.status_code == 201
    assert response.json()["outcome"]["title"] == "Smoke-free at 30"
    body = {"answers": {"smoke": "yes", "per_day": 2, "age": 30}, "take": "t" * 22}
    response = post_json(visitor, responses_url(SLUG), body)
    assert response.status_code == 201
    assert response.json()["values"] == {"year": 730}
    # The result counts the take as shown the question (the drop-off's denominator).
    assert list(ShownEvent.objects.values_list("take", "question_key")) == [("t" * 22, "per_day")]


def test_the_answers_api_counts_a_shown_question_of_a_started_take_only(visitor, smoke):
    url = f"/api/quizzes/{SLUG}/answers/"
    take = "s" * 22
    response = post_json(visitor, url, {"take": take, "question": "per_day", "shown": True})
    assert response.status_code == 202
    assert not ShownEvent.objects.exists()  # not started: nothing counted, no start made
    assert post_json(visitor, url, {"take": take, "question": "smoke"}).status_code == 202
    for _ in range(2):
        response = post_json(visitor, url, {"take": take, "question": "per_day", "shown": True})
        assert response.status_code == 202
    assert ShownEvent.objects.count() == 1
    assert AnswerEvent.objects.filter(take=take).count() == 1


def test_the_intro_gives_each_screen_its_condition(visitor, smoke):
    html = visitor.get(f"/q/{SLUG}/").content.decode()
    tags = re.findall(r'<section class="q-screen"[^>]*>', html)
    found = [
        (re.search(r'data-key="([^"]+)"', tag), re.search(r'data-show-if="([^"]+)"', tag))
        for tag in tags
    ]
    # (PostgreSQL's jsonb may reorder the object's keys: compare it parsed.)
    assert [
        (key.group(1), json.loads(unescape(cond.group(1))) if cond else None)  # type: ignore[union-attr]
        for key, cond in found
    ] == [
        ("smoke", None),
        ("per_day", {"question": "smoke", "choices": ["yes"]}),
        ("age", None),
    ]
    assert field(html, "csrfmiddlewaretoken")
