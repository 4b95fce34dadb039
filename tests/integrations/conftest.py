"""Fixtures for the integrations tests: the published demo quiz with a call to action and a
lead form set in its live version (as the quiz file sets them), browsers, the loop's steps."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sharing.conftest import ANSWERS, BROWSER_UA, SLUG, code_of, complete, path_of, share

__all__ = ["ANSWERS", "BROWSER_UA", "SLUG", "code_of", "complete", "path_of", "share"]

CTA = {"label": "Get 10% off, {name}", "url": "https://shop.example.com/drinks?src=quiz"}
LEAD = {
    "fields": ["email", "name"],
    "position": "after_result",
    "required": False,
    "consent": "I agree that Drinks Ltd may email me about my result.",
}


def definition_set(quiz: Any, **changes: Any) -> None:
    """Change the live version's definition (keys the quiz file holds: cta, lead)."""
    from quizzes.selectors import published_cache_clear

    version = quiz.live_version
    version.definition = {**version.definition, **changes}
    version.save(update_fields=["definition"])
    published_cache_clear(slug=quiz.slug)


@pytest.fixture
def published_quiz(publish):
    from quizzes.models import Quiz

    publish(SLUG)
    return Quiz.objects.select_related("live_version").get(slug=SLUG)


@pytest.fixture
def cta_quiz(published_quiz):
    definition_set(published_quiz, cta=CTA)
    return published_quiz


@pytest.fixture
def lead_quiz(published_quiz):
    definition_set(published_quiz, lead=LEAD)
    return published_quiz


@pytest.fixture
def browser():
    from django.test import Client

    def make(ua: str = BROWSER_UA) -> Client:
        return Client(HTTP_USER_AGENT=ua)

    return make
