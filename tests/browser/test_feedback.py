"""A trivia quiz with feedback on a phone, JavaScript on: the first Next (or a tap on a single
choice) opens "Right!" or "Not quite: the answer is …" with the explanation, focused; the next
Next goes on. Screenshots in /tmp/shots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.authoring.services import quiz_import
from tests.browser.conftest import CHROMIUM
from tests.browser.test_take import phone, shot
from tests.conftest import IN_CI
from tests.quizzes.conditions import trivia_images, trivia_quiz

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]
SLUG = "flags-and-capitals"


def test_feedback_comes_before_the_next_question(browser, live_server, editor):
    quiz_import(data=trivia_quiz(feedback=True), user=editor, images=trivia_images(), publish=True)
    page = phone(browser).new_page()
    page.goto(f"{live_server.url}/q/{SLUG}/")
    page.locator("[data-start]").tap()
    first = page.locator('[data-screen="0"]')
    first.locator('label.choice:has(input[value="lyon"])').tap()
    box = first.locator("[data-feedback]")
    box.wait_for(state="visible")
    assert " ".join(box.inner_text().split()) == (
        "✗ Not quite: the answer is Paris Paris has been the capital since 987."
    )
    assert page.evaluate("document.activeElement.hasAttribute('data-feedback')")
    assert first.is_visible()  # it waits for the visitor
    shot(page, "trivia-feedback-wrong")
    first.locator("[data-next]").tap()
    second = page.locator('[data-screen="1"]')
    second.wait_for(state="visible")
    second.locator('label.choice:has(input[value="yes"])').tap()  # not scored: no feedback
    third = page.locator('[data-screen="2"]')
    third.wait_for(state="visible")
    for key in ("japan", "peru"):
        third.locator(f'label.choice:has(input[value="{key}"])').tap()
    third.locator("[data-next]").tap()
    third.locator("[data-feedback]").wait_for(state="visible")
    assert third.locator("[data-right]").is_visible()
    assert not third.locator("[data-wrong]").is_visible()
    shot(page, "trivia-feedback-right")
    third.locator("[data-next]").tap()
    page.wait_for_url("**/r/*/")
    assert page.locator(".review-item").count() == 2


def test_without_javascript_the_next_page_says_it(browser, live_server, editor):
    quiz_import(data=trivia_quiz(feedback=True), user=editor, images=trivia_images(), publish=True)
    page = phone(browser, javascript=False).new_page()
    page.goto(f"{live_server.url}/q/{SLUG}/take/")
    page.locator('label.choice:has(input[value="paris"])').tap()
    page.locator("button[value=next]").tap()
    box = page.locator("[data-feedback-done]")
    box.wait_for(state="visible")
    assert "✓ Right!" in box.inner_text()
    assert page.locator(".question-prompt").inner_text().startswith("Do you know flags?")
    shot(page, "trivia-feedback-nojs")
