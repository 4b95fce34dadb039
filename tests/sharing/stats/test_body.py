"""The StatsBody type (sharing/stats/body.py) names exactly the keys the stats API sends."""

from __future__ import annotations

import pytest

from accounts.tokens import token_create
from sharing.stats.body import (
    ChannelStats,
    DayStats,
    OutcomeStats,
    QuestionStats,
    StatsBody,
)
from tests.sharing.conftest import SLUG, code_of, complete, share

pytestmark = pytest.mark.django_db


def test_the_stats_api_sends_exactly_the_typed_keys(published_quiz, browser, editor):
    owner, friend = browser(), browser()
    result = complete(owner)
    url = share(owner, result["id"], "copy")
    assert friend.get(f"/s/{code_of(url)}/").status_code == 200
    complete(friend)
    _, token = token_create(user=editor)
    response = owner.get(f"/api/quizzes/{SLUG}/stats/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == StatsBody.__required_keys__ | StatsBody.__optional_keys__
    assert body["by_channel"] and body["by_outcome"] and body["by_question"] and body["by_day"]
    for row in body["by_channel"].values():
        assert set(row) == ChannelStats.__required_keys__
    for row in body["by_outcome"].values():
        assert set(row) == OutcomeStats.__required_keys__
    for row in body["by_question"]:
        assert set(row) == QuestionStats.__required_keys__
    for row in body["by_day"]:
        assert set(row) == DayStats.__required_keys__
    floats = ("completion_rate", "share_rate", "click_to_completion", "viral_coefficient")
    assert all(isinstance(body[k], float) for k in floats)
