"""The friend loop in Chromium: A takes a quiz and shares by copying the link; B opens it in a
fresh context (another phone), reaches question 1 in one tap, finishes, and sees their result
beside A's, with a share-back.

Played on a phone for the English quiz (the Done-when of issue 12), and for the screenshots
also on a desktop and with the Chinese quiz. Screenshots go to /tmp/shots/friend-loop-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, PHONE_UA, SHOTS
from tests.browser.test_share_loop import DESKTOP_UA
from tests.conftest import IN_CI

PlaywrightError = pytest.importorskip("playwright.sync_api").Error

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "user_agent": PHONE_UA, "device_scale_factor": 2}  # fmt: skip
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "user_agent": DESKTOP_UA}


def context_new(chromium, base: str, device: dict):
    context = chromium.new_context(**device)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    context.set_default_timeout(15_000)
    return context


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"friend-loop-{name}.png"), full_page=True)


def tap(page, locator) -> None:
    # A tap on a phone (has_touch), a click on a desktop.
    if page.evaluate("'ontouchstart' in window"):
        locator.tap()
    else:
        locator.click()


def answer_all(page, *, name: str, last_choice: bool) -> None:
    """Answer the one-question-per-page flow (the take page, JavaScript on) to the result:
    the first (or last) choice of each question, `name` in a text field."""
    for _ in range(20):
        if re.search(r"/r/[^/]+/$", page.url):
            return
        prompt = page.locator("legend.question-prompt").inner_text()
        choices = page.locator("label.choice")
        if choices.count():
            choice = choices.last if last_choice else choices.first
            radio = choice.locator("input[type=radio]").count() > 0
            tap(page, choice)
            if not radio:
                tap(page, page.locator("button[value=next]"))
        else:
            page.locator("input[name=answer]").fill(name)
            tap(page, page.locator("button[value=next]"))
        # A tap on a single choice submits the form (take.js): wait for the next page.
        _until_changed(page, prompt)
    raise AssertionError("the quiz never ended")


def _until_changed(page, prompt: str) -> None:
    # page.wait_for_function needs eval, which the CSP forbids: poll from here instead (the
    # page may be navigating while it is read: read again).
    for _ in range(150):
        page.wait_for_timeout(100)
        if re.search(r"/r/[^/]+/$", page.url):
            return
        try:
            texts = page.locator("legend.question-prompt").all_inner_texts()
        except PlaywrightError:
            continue
        if texts and texts[0] != prompt:
            return
    raise AssertionError(f"still on {prompt!r}")


def play(chromium, base: str, *, slug: str, device: dict, tag: str, same: bool) -> dict:
    """A takes `slug` and copies their link; B opens it, starts with one tap, finishes."""
    a = context_new(chromium, base, device)
    page = a.new_page()
    page.goto(f"{base}/q/{slug}/take/")
    answer_all(page, name="Anna", last_choice=False)
    tap(page, page.locator('button[data-channel="copy"]'))
    page.locator("[data-copied]").wait_for(state="visible")
    link = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(rf"{re.escape(base)}/s/[\w-]+/", link)

    b = context_new(chromium, base, device)
    friend = b.new_page()
    friend.goto(link)
    friend.locator("[data-take]").wait_for(state="visible")
    shot(friend, f"share-page-{tag}")
    code = link.rstrip("/").rsplit("/", 1)[-1]
    tap(friend, friend.locator("[data-take]"))  # the one tap
    friend.wait_for_url(f"{base}/q/{slug}/take/?ref={code}")
    assert friend.locator("legend.question-prompt").count() == 1
    assert friend.locator("[data-progress-text]").inner_text().startswith("1 ")
    first_prompt = friend.locator("legend.question-prompt").inner_text()
    answer_all(friend, name="Bo", last_choice=not same)
    compare = friend.locator("[data-compare]")
    compare.wait_for(state="visible")
    compare.scroll_into_view_if_needed()
    shot(friend, f"comparison-{tag}")
    found = {
        "first_prompt": first_prompt,
        "heading": compare.locator("h2").inner_text(),
        "you": compare.locator('[data-side="you"]').inner_text(),
        "friend": compare.locator('[data-side="friend"]').inner_text(),
        "share_back": compare.locator("[data-share-back]").inner_text(),
        "kind": compare.get_attribute("data-compare"),
    }
    # A opens B's result page: framed for a friend, with a way to take it themselves.
    page.goto(friend.url)
    found["frame"] = page.locator("[data-friend-frame]").inner_text()
    found["take_yourself"] = page.locator("[data-take-yourself]").get_attribute("href")
    shot(page, f"friend-frame-{tag}")
    a.close()
    b.close()
    return found


def test_a_friend_reaches_question_1_in_one_tap_and_sees_the_comparison_on_a_phone(
    chromium, live_server, publish, settings
):
    settings.SITE_URL = live_server.url
    publish("which-morning-drink")
    found = play(chromium, live_server.url, slug="which-morning-drink", device=PHONE,
                 tag="en-phone", same=True)  # fmt: skip
    assert found["first_prompt"] == "Your alarm goes off. You..."
    assert found["kind"] == "same"
    assert found["heading"] == "You and Anna are both Smoothie"
    assert found["you"].split("\n")[:2] == ["You", "Smoothie"]
    assert found["friend"].split("\n")[:2] == ["Anna", "Smoothie"]
    assert found["share_back"] == "Send yours back to Anna"
    assert found["frame"] == "Bo took this test and got…"
    assert found["take_yourself"].startswith("/q/which-morning-drink/take/?ref=")


@pytest.mark.parametrize(
    ("slug", "device", "tag"),
    [
        ("which-morning-drink", DESKTOP, "en-desktop"),
        ("ni-shi-na-zhong-ka-fei", PHONE, "zh-phone"),
        ("ni-shi-na-zhong-ka-fei", DESKTOP, "zh-desktop"),
    ],
)
def test_different_results_side_by_side(chromium, live_server, publish, settings, slug, device,
                                        tag):  # fmt: skip
    settings.SITE_URL = live_server.url
    publish(slug)
    found = play(chromium, live_server.url, slug=slug, device=device, tag=tag, same=False)
    assert found["kind"] == "different"
    assert found["you"].split("\n")[1] != found["friend"].split("\n")[1]


def test_without_javascript_the_result_page_reloads_until_the_picture_is_ready(
    chromium, live_server, publish, settings
):
    from sharing.models import ResultCard

    settings.SITE_URL = live_server.url
    publish("which-morning-drink")
    context = chromium.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/q/which-morning-drink/take/")
    for value in ("up", "project", "techno"):  # no take.js: choose, then Next
        page.locator(f'label.choice:has(input[value="{value}"])').tap()
        with page.expect_navigation():
            page.locator("button[value=next]").tap()
    page.locator("input[name=answer]").fill("Ana")
    with page.expect_navigation():
        page.locator("button[value=next]").tap()
    assert page.locator(".image-placeholder").count() == 1
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    page.wait_for_timeout(3_600)
    assert loads, "a pending picture reloads the page (noscript refresh)"
    result_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    ResultCard.objects.update_or_create(
        result_id=result_id, defaults={"status": "ready", "name": "cards/x.png"}
    )
    page.wait_for_timeout(3_600)  # the reload after that shows the picture
    settled = len(loads)
    assert page.locator(".result-image img").count() == 1
    page.wait_for_timeout(3_600)
    assert len(loads) == settled, "no refresh once the picture is ready"
    context.close()
