"""In Chromium: a take with a display condition (JavaScript on: the hidden question is
skipped, the progress counts the shown ones, Back walks them) and the take page of a question
with an image and image answers, on a phone (390x844) and a desktop (1280x800); screenshots
go to /tmp/shots/conditions-*.png and /tmp/shots/image-grid-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.authoring.services import quiz_import
from quizzes.models import Result, ShownEvent
from tests.browser.conftest import CHROMIUM
from tests.browser.test_take import phone, shot
from tests.conftest import IN_CI
from tests.quizzes.conditions import smoke_quiz, trivia_images, trivia_quiz

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]


def progress(screen) -> str:
    return screen.locator("[data-progress-text]").inner_text()


def test_a_take_skips_the_hidden_question_and_shows_it_for_yes(browser, live_server, editor):
    quiz_import(data=smoke_quiz(), user=editor, publish=True)
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/smoke-check/")
    page.locator("[data-start]").tap()
    first = page.locator('[data-screen="0"]')
    first.wait_for(state="visible")
    assert progress(first) == "1 of 2"
    first.locator('label.choice:has(input[value="yes"])').tap()
    per_day = page.locator('[data-screen="1"]')
    per_day.wait_for(state="visible")
    assert progress(per_day) == "2 of 3"
    shot(page, "conditions-shown")
    page.go_back()
    first.wait_for(state="visible")
    first.locator('label.choice:has(input[value="no"])').tap()
    age = page.locator('[data-screen="2"]')
    age.wait_for(state="visible")
    assert progress(age) == "2 of 2"
    assert age.locator("[data-next]").inner_text() == "See my result"
    # After a reload, Back still skips the hidden question.
    page.reload()
    age.wait_for(state="visible")
    page.go_back()
    first.wait_for(state="visible")
    assert first.locator('input[value="no"]').is_checked()
    first.locator("[data-next]").tap()  # "no" is still chosen: a tap on it changes nothing
    age.wait_for(state="visible")
    age.locator("input[name=answer]").fill("30")
    age.locator("[data-next]").tap()
    page.wait_for_url("**/r/*/")
    assert page.locator("h1").inner_text() == "Smoke-free at 30"
    assert Result.objects.get().answers == {"smoke": "no", "age": 30.0}
    # Shown once (counted for the drop-off); the answer of the take made it a start first.
    assert list(ShownEvent.objects.values_list("question_key", flat=True)) == ["per_day"]
    context.close()


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("phone", {"width": 390, "height": 844}), ("desktop", {"width": 1280, "height": 800})],
)
def test_image_answers_show_as_a_two_column_grid(browser, live_server, editor, name, viewport):
    quiz_import(data=trivia_quiz(), user=editor, images=trivia_images(), publish=True)
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/flags-and-capitals/take/")
    image = page.locator(".question-img")
    assert image.get_attribute("alt") == "Capital of France?"
    tiles = page.locator(".image-choice")
    assert tiles.count() == 2
    first, second = tiles.nth(0).bounding_box(), tiles.nth(1).bounding_box()
    assert first and second
    assert first["y"] == second["y"] and second["x"] > first["x"] + first["width"] / 2
    assert page.locator(".tile-img").nth(0).get_attribute("alt") == "Paris"
    # The radio is named by its label once (not "Paris Paris" through the image's alt too).
    assert page.get_by_role("radio", name="Paris", exact=True).count() == 1
    page.wait_for_function(
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    )
    shot(page, f"image-grid-{name}")
    tiles.nth(0).click()
    assert page.locator('input[value="paris"]').is_checked()
    context.close()


def test_the_trivia_answer_review_on_a_phone(browser, live_server, editor):
    quiz_import(data=trivia_quiz(), user=editor, images=trivia_images(), publish=True)
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/flags-and-capitals/")
    page.locator("[data-start]").tap()
    page.locator('[data-screen="0"] label.choice:has(input[value="lyon"])').tap()
    page.locator('[data-screen="1"] label.choice:has(input[value="yes"])').tap()
    red = page.locator('[data-screen="2"]')
    red.wait_for(state="visible")
    assert progress(red) == "3 of 3"
    for key in ("japan", "peru"):
        red.locator(f'label.choice:has(input[value="{key}"])').tap()
    red.locator("[data-next]").tap()
    page.wait_for_url("**/r/*/")
    items = page.locator(".review-item")
    assert items.count() == 2
    assert "Wrong" in items.nth(0).inner_text() and "Right" in items.nth(1).inner_text()
    shot(page, "answer-review")
    context.close()
