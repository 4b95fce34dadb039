"""A visitor on a phone takes each demo quiz in Chromium and lands on the expected result.

JavaScript on (questions change without page loads, the take goes to the JSON API, a reload
keeps the answers) and, once, JavaScript off (plain forms). Screenshots of a question and a
result, in English and in Chinese, go to /tmp/shots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, PHONE_UA, SHOTS
from tests.conftest import IN_CI, demo_data, demo_files
from tests.quizzes.takehelp import TAKES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]


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


def errors_of(screen) -> str:
    return screen.locator("[data-errors]").text_content()


def is_marked(screen) -> bool:
    return "invalid" in (screen.locator("fieldset.question").get_attribute("class") or "")


def test_each_answer_is_checked_on_next_in_the_servers_words(browser, live_server, publish):
    publish("weight-in-10-years")
    context = phone(browser)
    page = context.new_page()
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/responses/" in r.url else None)
    page.goto(f"{live_server.url}/q/weight-in-10-years/")
    page.locator("[data-start]").tap()
    answer_screen(page, 0, {"type": "text"}, "Ada")
    screen = page.locator('[data-screen="1"]')
    screen.wait_for(state="visible")
    field = screen.locator("input[name=answer]")
    for typed, message in (
        ("", "Answer this question."),
        ("abc", "Enter a number."),
        ("900", "Enter a number between 30 and 250."),
        ("29.9", "Enter a number between 30 and 250."),
        ("72.55", "Enter a number between 30 and 250 in steps of 0.1."),
    ):
        field.fill(typed)
        screen.locator("[data-next]").tap()
        assert errors_of(screen) == message, typed
        assert screen.is_visible() and is_marked(screen)
        assert field.get_attribute("aria-invalid") == "true"
    shot(page, "question-error-js")
    field.fill("72,5")  # a decimal comma, as some phone keyboards type it
    screen.locator("[data-next]").tap()
    page.locator('[data-screen="2"]').wait_for(state="visible")
    assert errors_of(screen) == "" and not is_marked(screen)
    assert field.get_attribute("aria-invalid") is None
    assert sent == []
    context.close()


PICKY = {
    "format": "quizbuilder/1",
    "slug": "picky",
    "title": "Picky",
    "kind": "score",
    "questions": [
        {
            "key": "fruits",
            "type": "multi",
            "prompt": "Pick two or three",
            "min_choices": 2,
            "max_choices": 3,
            "choices": [{"key": k, "label": k.upper(), "value": 1} for k in "abcd"],
        },
        {"key": "nick", "type": "text", "prompt": "Nickname", "max_length": 5},
    ],
    "outcomes": [{"key": "low", "title": "Low", "max": 50}, {"key": "high", "title": "High"}],
}


def test_too_few_or_too_many_choices_are_refused_on_next(browser, live_server, editor):
    from quizzes.authoring.services import quiz_import

    quiz_import(data=PICKY, user=editor, publish=True)
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/picky/")
    page.locator("[data-start]").tap()
    screen = page.locator('[data-screen="0"]')
    screen.wait_for(state="visible")
    screen.locator("[data-next]").tap()
    assert errors_of(screen) == "Answer this question."
    screen.locator('label.choice:has(input[value="a"])').tap()
    screen.locator("[data-next]").tap()
    assert errors_of(screen) == "Choose at least 2 options." and is_marked(screen)
    for key in "bcd":
        screen.locator(f'label.choice:has(input[value="{key}"])').tap()
    screen.locator("[data-next]").tap()
    assert errors_of(screen) == "Choose at most 3 options." and is_marked(screen)
    screen.locator('label.choice:has(input[value="d"])').tap()
    screen.locator("[data-next]").tap()
    page.locator('[data-screen="1"]').wait_for(state="visible")
    assert errors_of(screen) == "" and not is_marked(screen)
    context.close()


def test_server_errors_on_several_questions_are_all_shown(browser, live_server, publish):
    publish("weight-in-10-years")
    context = phone(browser)
    page = context.new_page()
    errors = {
        "sleep": ["Choose one of the options."],
        "weight": ["Enter a number between 30 and 250."],
        "answers": ["Unknown question 'zzz'."],
    }
    page.route("**/responses/", lambda route: route.fulfill(status=400, json={"errors": errors}))
    take_with_js_until_submit(page, live_server.url, "weight-in-10-years")
    first = page.locator('[data-screen="1"]')
    first.wait_for(state="visible")
    assert errors_of(first) == "Enter a number between 30 and 250.Unknown question 'zzz'."
    assert is_marked(first)
    last = page.locator('[data-screen="5"]')
    assert errors_of(last) == "Choose one of the options." and is_marked(last)
    for index in (0, 2, 3, 4):
        other = page.locator(f'[data-screen="{index}"]')
        assert errors_of(other) == "" and not is_marked(other)
    # Fixing the first one clears its mark; the other stays marked until it is answered.
    first.locator("[data-next]").tap()
    page.locator('[data-screen="2"]').wait_for(state="visible")
    assert not is_marked(first) and is_marked(last)
    context.close()


def take_with_js_until_submit(page, base: str, slug: str) -> None:
    data = demo_data(slug)
    answers = TAKES[slug]["answers"]
    page.goto(f"{base}/q/{slug}/")
    page.locator("[data-start]").tap()
    for index, question in enumerate(data["questions"]):
        answer_screen(page, index, question, answers.get(question["key"]))


def test_hidden_share_buttons_stay_hidden(browser, live_server, publish):
    from django.conf import settings
    from django.test import Client

    from tests.quizzes.takehelp import BROWSER_UA, post_json, responses_url

    publish("which-morning-drink")
    answers = TAKES["which-morning-drink"]["answers"]
    owner = Client(HTTP_USER_AGENT=BROWSER_UA)
    created = post_json(owner, responses_url("which-morning-drink"), {"answers": answers})
    url = f"{live_server.url}/r/{created.json()['id']}/"
    # The share bar is its owner's: the browsers below carry the owner's visitor cookie.
    name = settings.VISITOR_COOKIE_NAME
    cookie = {"name": name, "value": owner.cookies[name].value, "url": live_server.url}
    context = phone(browser, javascript=False)
    context.add_cookies([cookie])
    page = context.new_page()
    page.goto(url)
    page.locator("[data-share-bar]").wait_for()
    assert page.locator('[data-channel="native"]').count() == 1
    assert not page.locator('[data-channel="native"]').is_visible()
    assert not page.locator('[data-channel="copy"]').is_visible()
    assert not page.locator("[data-copied]").is_visible()
    shot(page, "result-share-nojs")
    context.close()
    context = phone(browser)
    context.add_cookies([cookie])
    page = context.new_page()
    page.add_init_script("delete Navigator.prototype.share; delete Navigator.prototype.canShare;")
    page.goto(url)
    page.locator("[data-share-bar]").wait_for()
    page.wait_for_load_state("load")
    assert page.evaluate("typeof navigator.share") == "undefined"
    assert not page.locator('[data-channel="native"]').is_visible()
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


def test_a_title_and_an_answer_typed_as_one_long_word_wrap_on_a_phone(
    browser, live_server, publish
):
    # Marketers paste hashtags, URLs and compound words: the page must not widen past the
    # phone (it was 2,374 px wide for a 390 px phone).
    word = "Supercalifragilistic" * 6
    data = demo_data("which-morning-drink")
    questions = data["questions"]
    questions[0] = {**questions[0], "prompt": word}
    questions[0]["choices"] = [
        {**questions[0]["choices"][0], "label": word},
        *questions[0]["choices"][1:],
    ]
    publish("which-morning-drink", title=word, questions=questions)
    context = phone(browser)
    page = context.new_page()

    page.goto(f"{live_server.url}/q/which-morning-drink/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("[data-start]").tap()
    page.locator('[data-screen="0"]').wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "take-long-word-390")
    context.close()
