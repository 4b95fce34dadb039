"""Abuse of the stats and of the limits: every 429 says when to retry (Retry-After)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.sharing.conftest import ANSWERS, BROWSER_UA, SLUG

pytestmark = pytest.mark.django_db


def retry_after(response) -> int:
    assert response.status_code == 429
    return int(response["Retry-After"])


def post_json(client: Client, url: str, body: dict, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLED = True
    return settings


# --- Retry-After on every 429 ---------------------------------------------------------------


def test_a_submission_past_the_limit_says_when_to_retry(published_quiz, limits):
    limits.RATELIMIT_SUBMISSIONS_PER_VISITOR = "1/h"
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    url = f"/api/quizzes/{SLUG}/responses/"
    assert post_json(client, url, {"answers": ANSWERS}).status_code == 201
    response = post_json(client, url, {"answers": ANSWERS})
    assert 1 <= retry_after(response) <= 3600
    assert response.json() == {
        "errors": {"rate_limit": ["Too many submissions. Please wait a while and try again."]}
    }


def test_the_page_form_past_the_limit_says_when_to_retry(published_quiz, limits):
    limits.RATELIMIT_SUBMISSIONS_PER_VISITOR = "0/m"
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    page = client.get(f"/q/{SLUG}/take/")
    for key in ("alarm", "weekend", "music", "name"):
        state = re.search(r'name="state" value="([^"]+)"', page.content.decode()).group(1)
        page = client.post(
            f"/q/{SLUG}/take/", {"state": state, "answer": ANSWERS[key], "action": "next"}
        )
    assert 1 <= retry_after(page) <= 60


def test_allauths_429_says_when_to_retry(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    client = Client()
    form = {"login": "nobody@example.com", "password": "wrong password!"}
    assert client.post(reverse("account_login"), form).status_code == 200
    assert retry_after(client.post(reverse("account_login"), form)) == 60
