"""Fixtures for the sharing tests: a published quiz, browsers, bots, and the loop's steps
(complete, share, open a share link) done through HTTP as a visitor's browser does them."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest
from django.test import Client

SLUG = "which-morning-drink"
ANSWERS = {"alarm": "up", "weekend": "project", "music": "techno", "name": "Ana"}
BROWSER_UA = "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 Chrome/140 Mobile Safari"
BOT_UA = "WhatsApp/2.23.20.0 A"


@pytest.fixture
def published_quiz(publish):
    from quizzes.models import Quiz

    publish(SLUG)
    return Quiz.objects.select_related("live_version").get(slug=SLUG)


@pytest.fixture
def browser():
    """browser() is a new phone browser with its own cookies (a new visitor)."""

    def make(ua: str = BROWSER_UA) -> Client:
        return Client(HTTP_USER_AGENT=ua)

    return make


def path_of(url: str) -> str:
    return urlparse(url).path


def code_of(url: str) -> str:
    return path_of(url).rstrip("/").rsplit("/", 1)[-1]


def complete(client: Client, *, ref: str | None = None, slug: str = SLUG, **answers) -> dict:
    """Open the quiz and post a response, as the JS take page does; returns the result body."""
    assert client.get(f"/api/quizzes/{slug}/").status_code == 200
    body: dict = {"answers": {**ANSWERS, **answers}}
    if ref is not None:
        body["ref"] = ref
    response = client.post(
        f"/api/quizzes/{slug}/responses/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def share(client: Client, result_id: str, channel: str) -> str:
    response = client.post(
        f"/api/results/{result_id}/shares/",
        json.dumps({"channel": channel}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == channel
    return response.json()["share_url"]


def own_code(html: str) -> str | None:
    """The friend's minted code the page puts in the address bar (data-own-url)."""
    found = re.search(r'data-own-url="/s/([^/"]+)/"', html)
    return found.group(1) if found else None


def take_ref(html: str) -> str | None:
    """The code the page's "Take the test" button carries (to the first question)."""
    found = re.search(r'href="/q/[^"?]+/take/\?ref=([^"&]+)"[^>]*data-take', html)
    return found.group(1) if found else None
