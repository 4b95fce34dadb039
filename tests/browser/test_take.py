"""A visitor on a phone takes each demo quiz in Chromium and lands on the expected result.

JavaScript on (questions change without page loads, the take goes to the JSON API, a reload
keeps the answers) and, once, JavaScript off (plain forms). Screenshots of a question and a
result, in English and in Chinese, go to /tmp/shots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import IN_CI, demo_data, demo_files
from tests.quizzes.takehelp import TAKES

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("/tmp/shots")
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0 Mobile Safari/537.36"
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    # A transactional test flushes the tables, the roles made by a data migration included.
    from django.contrib.auth.models import Group

    for name in ("Authors", "Editors"):
        Group.objects.get_or_create(name=name)


@pytest.fixture(scope="module")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def phone(browser, *, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_UA,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(10_000)
    return context


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def answer_screen(page, index: int, question: dict, answer) -> None:
    screen = page.locator(f'[data-screen="{index}"]')
    screen.wait_for(state="visible")
    if question["type"] == "single":
        screen.locator(f'label.choice:has(input[value="{answer}"])').tap()
        return  # a tap advances by itself
    if question["type"] == "multi":
        for key in answer or []:
            screen.locator(f'label.choice:has(input[value="{key}"])').tap()
    elif answer is not None:
        screen.locator("input[name=answer]").fill(str(answer))
    screen.locator("[data-next]").tap()


def take_with_js(
    page, base: str, slug: str, *, reload_after: int | None = None, shot_name: str | None = None
) -> None:
    data = demo_data(slug)
    answers = TAKES[slug]["answers"]
    page.goto(f"{base}/q/{slug}/")
    page.locator("[data-start]").tap()
    for index, question in enumerate(data["questions"]):
        if shot_name and index == 0:
            page.locator('[data-screen="0"]').wait_for(state="visible")
            shot(page, shot_name)
        if reload_after is not None and index == reload_after:
            page.reload()
            page.locator(f'[data-screen="{index}"]').wait_for(state="visible")
        answer_screen(page, index, question, answers.get(question["key"]))
    page.wait_for_url("**/r/*/")


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: p.stem)
def test_each_demo_quiz_taken_on_a_phone_lands_on_its_result(browser, live_server, publish, path):
    slug = path.stem
    publish(slug)
    context = phone(browser)
    page = context.new_page()
    loads = []
    page.on("load", lambda page: loads.append(page.url))
    take_with_js(page, live_server.url, slug)
    assert page.locator("h1").inner_text() == TAKES[slug]["title"]
    # Intro, then the result: no page loads between the questions.
    assert len(loads) == 2 and "/q/" in loads[0] and "/r/" in loads[1]
    context.close()


def test_a_reload_in_the_middle_keeps_the_answers(browser, live_server, publish):
    publish("weight-in-10-years")
    context = phone(browser)
    page = context.new_page()
    take_with_js(page, live_server.url, "weight-in-10-years", reload_after=3)
    assert page.locator("h1").inner_text() == TAKES["weight-in-10-years"]["title"]
    context.close()


def test_an_error_shows_next_to_the_question(browser, live_server, publish):
    publish("weight-in-10-years")
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/weight-in-10-years/")
    page.locator("[data-start]").tap()
    answer_screen(page, 0, {"type": "text"}, "Ada")
    answer_screen(page, 1, {"type": "number"}, "900")
    for index in (2,):
        answer_screen(page, index, {"type": "number"}, "30")
    answer_screen(page, 3, {"type": "single"}, "never")
    answer_screen(page, 4, {"type": "multi"}, [])
    answer_screen(page, 5, {"type": "single"}, "short")
    screen = page.locator('[data-screen="1"]')
    screen.wait_for(state="visible")
    assert screen.locator("[data-errors]").inner_text() == ("Enter a number between 30 and 250.")
    context.close()


def test_the_english_and_chinese_screens(browser, live_server, publish):
    for slug, name in (("weight-in-10-years", "en"), ("ni-shi-na-zhong-ka-fei", "zh")):
        publish(slug)
        context = phone(browser)
        page = context.new_page()
        take_with_js(page, live_server.url, slug, shot_name=f"question-{name}")
        page.locator(".result-image").wait_for()
        shot(page, f"result-{name}")
        assert page.locator("h1").inner_text() == TAKES[slug]["title"]
        context.close()


def test_a_quiz_taken_with_javascript_off(browser, live_server, publish):
    slug = "how-stressed-are-you"
    publish(slug)
    context = phone(browser, javascript=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/{slug}/")
    page.locator("[data-start]").click()
    answers = TAKES[slug]["answers"]
    for question in demo_data(slug)["questions"]:
        answer = answers.get(question["key"])
        for key in answer if isinstance(answer, list) else [answer]:
            page.locator(f'label.choice:has(input[value="{key}"])').click()
        page.locator("button[value=next]").click()
    page.wait_for_url("**/r/*/")
    assert page.locator("h1").inner_text() == TAKES[slug]["title"]
    assert page.locator("[data-score]").inner_text() == "8 / 19"
    shot(page, "result-nojs")
    context.close()
