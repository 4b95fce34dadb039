"""The loop in Chromium: a visitor shares by copying, a friend opens the link, sees the
visitor's card and takes the test; an editor then sees the figures on the stats page.

Two browser contexts (two phones, two cookie jars) on a live server. Screenshots of the share
page and the stats page go to /tmp/shots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, PHONE_UA, SHOTS
from tests.conftest import IN_CI

DESKTOP_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0 Safari/537.36"
)
SLUG = "which-morning-drink"
CHOICES = {"alarm": "up", "weekend": "project", "music": "techno"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]


def phone(chromium, base: str):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_UA,
        device_scale_factor=2,
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    context.set_default_timeout(15_000)
    return context


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def until(page, selector: str, check: str) -> None:
    """Wait until `check` (a function of the element) is true; the CSP forbids eval, which
    page.wait_for_function would need."""
    element = page.locator(selector)
    for _ in range(100):
        if element.evaluate(check):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{selector}: {check} never became true")


def take(page, name: str) -> None:
    """Answer the morning-drink quiz from its intro page (JavaScript on)."""
    page.wait_for_load_state("load")  # take.js (deferred) has set up the screens
    page.locator("[data-start]").tap()
    for index, key in enumerate(["alarm", "weekend", "music"]):
        screen = page.locator(f'[data-screen="{index}"]')
        screen.wait_for(state="visible")
        screen.locator(f'label.choice:has(input[value="{CHOICES[key]}"])').tap()
    last = page.locator('[data-screen="3"]')
    last.wait_for(state="visible")
    last.locator("input[name=answer]").fill(name)
    last.locator("[data-next]").tap()
    page.wait_for_url("**/r/*/")


def take_pages(page, name: str) -> None:
    """Answer the morning-drink quiz on its one-question-per-page flow (a tap on a single
    choice submits the form)."""
    for key in ["alarm", "weekend", "music"]:
        with page.expect_navigation():
            page.locator(f'label.choice:has(input[value="{CHOICES[key]}"])').tap()
    page.locator("input[name=answer]").fill(name)
    page.locator("button[value=next]").tap()
    page.wait_for_url("**/r/*/")


def test_a_friend_takes_the_test_from_a_copied_link_and_the_editor_sees_it(
    chromium, live_server, publish, editor, settings
):
    from quizzes.models import Result
    from sharing.models import Click, Share

    settings.SITE_URL = live_server.url  # absolute image URLs point at this server
    publish(SLUG)
    base = live_server.url

    visitor = phone(chromium, base)
    page = visitor.new_page()
    page.goto(f"{base}/q/{SLUG}/")
    take(page, "Ana")
    title = page.locator("h1").inner_text()
    page.locator('button[data-channel="copy"]').tap()
    page.locator("[data-copied]").wait_for(state="visible")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(rf"{re.escape(base)}/s/[\w-]+/", copied)
    assert page.locator("[data-share-link]").input_value() == copied
    assert Share.objects.get(kind="button").channel == "copy"
    shot(page, "share-result-page")

    friend = phone(chromium, base)
    fpage = friend.new_page()
    fpage.goto(copied)
    assert fpage.locator("h1").inner_text() == title
    until(fpage, ".result-image img", "img => img.complete && img.naturalWidth > 0")
    # The address bar now shows the friend's own link (private sharing).
    minted = Share.objects.get(kind="minted")
    fpage.wait_for_url(f"{base}/s/{minted.code}/")
    shot(fpage, "share-landing")
    assert Click.objects.count() == 1
    fpage.locator("[data-take]").tap()
    # Straight to question 1 (the share page was the intro): one question per page.
    fpage.wait_for_url(f"{base}/q/{SLUG}/take/?ref=*")
    take_pages(fpage, "Ben")

    code = copied.rstrip("/").rsplit("/", 1)[-1]
    friend_result = Result.objects.exclude(referral__share=None).get()
    assert (friend_result.referral.share.code, friend_result.referral.depth) == (code, 1)
    assert Result.objects.count() == 2

    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, user_agent=DESKTOP_UA)
    staff = desk.new_page()
    staff.goto(f"{base}/accounts/login/")
    staff.locator("input[name=login]").fill(editor.email)
    staff.locator("input[name=password]").fill("correct horse battery")
    staff.locator("form button[type=submit]").last.click()
    staff.wait_for_url(lambda url: "/accounts/login/" not in url)
    staff.goto(f"{base}/editor/quizzes/{SLUG}/stats/")

    def figure(name: str) -> str:
        return staff.locator(f'[data-figure="{name}"] b').inner_text()

    assert [figure(n) for n in ("completions", "shares", "clicks", "referred_completions")] == [
        "2",
        "1",
        "1",
        "1",
    ]
    assert (figure("viral_coefficient"), figure("max_depth")) == ("0.50", "1")
    assert staff.locator('tr[data-channel="copy"] td.num').all_inner_texts() == ["1", "1", "1"]
    shot(staff, "share-stats-page")

    # WeChat has no share URL: its button shows a QR code of the WeChat link to scan.
    page.locator('summary[data-channel="wechat"]').tap()
    until(page, "[data-qr]", "img => img.src.endsWith('/qr.svg') && img.naturalWidth > 0")
    assert Share.objects.filter(kind="button", channel="wechat").count() == 1
    # A phone cannot scan its own screen: it shows WeChat's two ways instead of the code.
    assert not page.locator("[data-qr]").is_visible()
    page.locator(".wechat-phone").scroll_into_view_if_needed()
    assert page.locator(".wechat-phone").is_visible()
    shot(page, "share-wechat-qr")
    for context in (visitor, friend, desk):
        context.close()


def serve_media(context) -> None:
    """Serve /media/ from MEDIA_ROOT (the live server runs with DEBUG off, and so without
    the debug media view), so the screenshots show the real cards."""
    from django.conf import settings

    def fulfil(route):
        name = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
        path = Path(settings.MEDIA_ROOT) / name
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="")

    context.route("**/media/**", fulfil)


def login(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def taken_on_a_phone(chromium, live_server, publish, settings):
    """The demo quiz published and taken by Ana on a phone (media served): her result page."""
    settings.SITE_URL = live_server.url
    publish(SLUG)
    visitor = phone(chromium, live_server.url)
    serve_media(visitor)
    page = visitor.new_page()
    page.goto(f"{live_server.url}/q/{SLUG}/")
    take(page, "Ana")
    return page


def test_save_image_appears_when_the_square_follows_a_page_that_came_with_its_picture(
    chromium, live_server, publish, settings
):
    """The link card was ready when the page loaded, the square not yet: the page asks for
    the square by itself (it used to wait for a picture swap that never came)."""
    from quizzes.models import Result
    from sharing.tasks import render_result_card, render_square_card

    page = taken_on_a_phone(chromium, live_server, publish, settings)
    result = Result.objects.get()
    render_result_card(result.id)  # the link card only: its square is still queued
    page.reload()
    until(page, ".result-image img", "img => img.complete && img.naturalWidth > 0")
    assert page.locator("[data-save-image]").is_hidden()

    render_square_card(result.id)  # the worker draws it a moment later

    page.locator("[data-save-image]").wait_for(state="visible", timeout=10_000)


def test_the_result_page_offers_the_square_card_and_the_pages_fit_a_phone(
    chromium, live_server, publish, editor, settings
):
    from quizzes.models import Result
    from sharing.tasks import render_result_card, render_square_card
    from tests.factories import card_of

    base = live_server.url
    page = taken_on_a_phone(chromium, live_server, publish, settings)
    assert page.locator("[data-save-image]").is_hidden()  # no worker yet: no square card

    result = Result.objects.get()
    render_result_card(result.id)  # what the worker does: the og card, then the square
    render_square_card(result.id)
    page.reload()
    result.refresh_from_db()
    save = page.locator("[data-save-image]")
    assert save.is_visible()
    assert save.get_attribute("href") == f"{base}/media/{card_of(result).square_name}"
    until(page, ".result-image img", "img => img.complete && img.naturalWidth > 0")
    assert page_width(page) <= 390
    shot(page, "share-result-ready-390")

    # Opening WeChat's QR panel keeps the grid: WeChat stays one cell, the panel goes below.
    email = page.locator('a[data-channel="email"]').bounding_box()
    wechat_before = page.locator('summary[data-channel="wechat"]').bounding_box()
    page.locator('summary[data-channel="wechat"]').tap()
    until(page, "[data-qr]", "img => img.src.endsWith('/qr.svg') && img.naturalWidth > 0")
    assert page.locator("[data-qr-panel]").is_visible()
    page.wait_for_timeout(400)  # the tap's press feedback (a short scale) settles
    wechat = page.locator('summary[data-channel="wechat"]').bounding_box()
    # To the pixel: layout may land a fraction of one apart while the page settles.
    assert all(abs(wechat[k] - wechat_before[k]) < 1 for k in ("x", "y", "width", "height"))
    assert abs(wechat["width"] - email["width"]) < 1 and abs(wechat["y"] - email["y"]) < 1
    page.locator("[data-qr-panel]").scroll_into_view_if_needed()
    shot(page, "share-wechat-open-390")

    # The editor's stats page and account page fit a phone.
    login(page, base, editor)
    page.goto(f"{base}/editor/quizzes/{SLUG}/stats/")
    assert page_width(page) <= 390
    outcome = result.outcome_key
    title = page.locator(f'tr[data-outcome="{outcome}"] td').first.inner_text()
    assert title == result.title  # the outcome's title, not its key
    smallest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('svg.chart text')].map("
        "t => t.getBoundingClientRect().height))"
    )
    assert smallest >= 11
    shot(page, "share-stats-390")
    page.goto(f"{base}/account/")
    page.locator("input[name=name]").fill("weekly report")
    page.locator("form.token-form button").click()
    page.locator("[data-new-token]").wait_for()
    assert page_width(page) <= 390
    assert "Bearer <token>" in page.locator("main").inner_text()
    shot(page, "account-390")

    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, user_agent=DESKTOP_UA)
    staff = desk.new_page()
    login(staff, base, editor)
    staff.goto(f"{base}/editor/quizzes/{SLUG}/stats/")
    shot(staff, "share-stats-1280")
    for context in (page.context, desk):
        context.close()
