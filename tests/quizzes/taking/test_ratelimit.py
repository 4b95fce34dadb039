"""Submission rate limits per visitor and per IP hash (settings RATELIMIT_*)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quizzes.models import Result
from quizzes.taking.ratelimit import rate_parse
from tests.quizzes.takehelp import BROWSER_UA, TAKES, post_json, responses_url

pytestmark = pytest.mark.django_db
ANSWERS = TAKES["which-morning-drink"]["answers"]


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_SUBMISSIONS_PER_VISITOR = "3/h"
    settings.RATELIMIT_SUBMISSIONS_PER_IP = "5/h"
    return settings


def submit(client, **extra):
    return post_json(client, responses_url("which-morning-drink"), {"answers": ANSWERS}, **extra)


def test_rates_read_as_count_per_period():
    assert rate_parse("30/h") == (30, 3600)
    assert rate_parse("120/h") == (120, 3600)
    assert rate_parse("5/m") == (5, 60)
    assert rate_parse("10/15m") == (10, 900)
    with pytest.raises(ValueError):
        rate_parse("5/fortnight")


def test_a_visitor_past_the_limit_gets_a_json_429(visitor, publish, limits):
    publish("which-morning-drink")
    statuses = [submit(visitor).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    response = submit(visitor)
    assert response.status_code == 429
    assert response.json() == {
        "errors": {"rate_limit": ["Too many submissions. Please wait a while and try again."]}
    }
    assert Result.objects.count() == 3


def test_many_visitors_from_one_address_share_the_ip_limit(publish, limits):
    publish("which-morning-drink")
    statuses = [
        submit(Client(HTTP_USER_AGENT=BROWSER_UA), REMOTE_ADDR="198.51.100.9").status_code
        for _ in range(6)
    ]
    assert statuses == [201] * 5 + [429]
    other = submit(Client(HTTP_USER_AGENT=BROWSER_UA), REMOTE_ADDR="198.51.100.10")
    assert other.status_code == 201


def test_the_page_form_gets_a_friendly_429(visitor, publish, limits):
    publish("which-morning-drink")
    limits.RATELIMIT_SUBMISSIONS_PER_VISITOR = "0/h"
    page = visitor.get("/q/which-morning-drink/take/")
    for key in ("alarm", "weekend", "music", "name"):
        html = page.content.decode()
        state = re.search(r'name="state" value="([^"]+)"', html).group(1)
        page = visitor.post(
            "/q/which-morning-drink/take/",
            {"state": state, "answer": ANSWERS[key], "action": "next"},
        )
    assert page.status_code == 429
    assert "Slow down a little" in page.content.decode()
    assert Result.objects.count() == 0


def test_limits_are_off_when_disabled(visitor, publish, settings):
    settings.RATELIMIT_ENABLED = False
    settings.RATELIMIT_SUBMISSIONS_PER_VISITOR = "1/h"
    publish("which-morning-drink")
    assert [submit(visitor).status_code for _ in range(3)] == [201, 201, 201]
