"""Every demo quiz finished with the keyboard alone (issue 12, WCAG 2.1.1 and 3.2.2).

Arrow keys move within a radio group and never go on to the next question by themselves;
Tab reaches the Next button and Enter presses it (Enter in a text field submits too). After
each step focus is on the new question's first control (or its chosen answer), so a keyboard
or screen reader user carries on where the eye goes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM
from tests.conftest import IN_CI, demo_data, demo_files
from tests.quizzes.takehelp import TAKES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]

FOCUSED_SCREEN = (
    "() => { const s = document.activeElement && document.activeElement.closest('[data-screen]');"
    " return s ? Number(s.dataset.screen) : -1; }"
)
VISIBLE_SCREEN = (
    "() => { const s = document.querySelector('[data-screen]:not([hidden])');"
    " return s ? Number(s.dataset.screen) : -1; }"
)


def _tab_to(page, selector: str, most: int = 40) -> None:
    for _ in range(most):
        if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _answer(page, index: int, question: dict, answer) -> None:
    screen = page.locator(f'[data-screen="{index}"]')
    keys = [c["key"] for c in question.get("choices", [])]
    if question["type"] == "single":
        target = keys.index(answer)
        if target == 0:
            page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")
            page.wait_for_timeout(250)  # longer than a tap's advance would wait
            assert page.evaluate(VISIBLE_SCREEN) == index, "an arrow key left the question"
        assert screen.locator(f'input[value="{answer}"]').is_checked()
        assert page.evaluate("() => document.activeElement.value") == answer
        _tab_to(page, f'[data-screen="{index}"] [data-next]')
        page.keyboard.press("Enter")
    elif question["type"] == "multi":
        for key in keys:
            if key in (answer or []):
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.matches('[data-next]')")
        page.keyboard.press("Enter")
    else:
        if answer is not None:
            page.keyboard.type(str(answer))
        page.keyboard.press("Enter")


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: p.stem)
def test_each_demo_quiz_is_finished_with_the_keyboard_alone(browser, live_server, publish, path):
    slug = path.stem
    publish(slug)
    data = demo_data(slug)
    answers = TAKES[slug]["answers"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/{slug}/")
    _tab_to(page, "[data-start]")
    page.keyboard.press("Enter")
    for index, question in enumerate(data["questions"]):
        page.locator(f'[data-screen="{index}"]').wait_for(state="visible")
        page.wait_for_function(f"() => ({FOCUSED_SCREEN})() === {index}")
        active = page.evaluate(
            "() => document.activeElement.tagName + ':' + document.activeElement.type"
        )
        assert active.startswith("INPUT:"), active
        _answer(page, index, question, answers.get(question["key"]))
    page.wait_for_url("**/r/*/")
    assert page.locator("h1").inner_text() == TAKES[slug]["title"]
    context.close()
