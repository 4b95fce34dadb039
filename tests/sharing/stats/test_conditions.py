"""Drop-off with display conditions: a question shown only to some visitors has its drop-off
counted among the takes that were shown it, and the questions after it among those that got
past it; rollups give the same figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from quizzes.authoring.services import quiz_import
from quizzes.models import AnswerEvent, Quiz, Result, ShownEvent
from sharing.stats.ranges import quiz_stats
from sharing.stats.rollups import stats_rollup
from tests.quizzes.conditions import smoke_quiz
from tests.quizzes.takehelp import post_json, responses_url

pytestmark = pytest.mark.django_db
SLUG = "smoke-check"
ANSWERS = f"/api/quizzes/{SLUG}/answers/"


@pytest.fixture
def smoke(editor):
    quiz_import(data=smoke_quiz(), user=editor, publish=True)
    return Quiz.objects.select_related("live_version").get(slug=SLUG)


@pytest.fixture
def takes(smoke, visitor):
    # Two complete takes (one shown "How many a day?"), two that stop early: one shown the
    # question and leaving there, one answering "no" and leaving before the age.
    for answers in ({"smoke": "no", "age": 30}, {"smoke": "yes", "per_day": 5, "age": 40}):
        assert post_json(visitor, responses_url(SLUG), {"answers": answers}).status_code == 201
    post_json(visitor, ANSWERS, {"take": "c" * 22, "question": "smoke"})
    post_json(visitor, ANSWERS, {"take": "c" * 22, "question": "per_day", "shown": True})
    post_json(visitor, ANSWERS, {"take": "d" * 22, "question": "smoke"})
    return smoke


def test_a_conditional_question_says_how_many_takes_were_shown_it(takes):
    body = quiz_stats(takes)
    assert body["starts"] == 4
    assert body["by_question"] == [
        {"key": "smoke", "answered": 4},
        {"key": "per_day", "answered": 1, "shown": 2},
        {"key": "age", "answered": 2},
    ]


def test_the_stats_page_counts_drop_off_among_those_shown_the_question(takes, editor):
    client = Client()
    client.force_login(editor)
    html = client.get(f"/editor/quizzes/{SLUG}/stats/").content.decode()
    rows = {
        key: re.findall(r'<td class="num">([^<]*)</td>', cells)
        for key, cells in re.findall(r'<tr data-question="([^"]+)">(.*?)</tr>', html)
    }
    # reached, answered, drop-off: 2 of the 4 were shown it and 1 left there; 3 got past it,
    # of whom 2 answered the age.
    assert rows == {
        "smoke": ["4", "4", "–"],
        "per_day": ["2", "1", "50%"],
        "age": ["3", "2", "33%"],
    }


def test_rollups_keep_the_shown_counts(takes):
    yesterday = timezone.now() - dt.timedelta(days=1)
    for model in (AnswerEvent, ShownEvent, Result):
        model.objects.update(created_at=yesterday)
    live = quiz_stats(takes, yesterday.date())
    assert live["by_question"][1] == {"key": "per_day", "answered": 1, "shown": 2}
    assert stats_rollup() >= 1
    ShownEvent.objects.all().delete()  # read from the rollup, not the events
    assert quiz_stats(takes, yesterday.date())["by_question"] == live["by_question"]
