"""The studio's preview column in Chromium (issue 11): the phone-sized frame follows the
outline and the "Show result" switch, the result image follows the switch, its layout tabs
and every save, and the card fields' palettes and contrast warning work. Screenshots land in
/tmp/shots-h2/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from quizzes.authoring.rows import version_file_data
from quizzes.authoring.services import quiz_import
from tests.conftest import demo_data

SHOTS = Path("/tmp/shots-h2")
SLUG = "which-morning-drink"

pytestmark = pytest.mark.urls("tests.browser.studio_harness_urls")


def _page(browser, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/test-studio-harness/{SLUG}/")
    return context, page, errors


def _frame_text(page) -> str:
    return page.frame_locator(".phone-screen:not(.is-loading)").locator("main").inner_text()


def _until(page, expression: str) -> None:
    """Wait until `expression` is true in the page; the CSP forbids the eval that
    page.wait_for_function needs (tests/browser/test_share_loop.py's `until`)."""
    for _ in range(100):
        if page.evaluate(
            f"() => {{ try {{ return !!({expression}); }} catch (e) {{ return false; }} }}"
        ):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def _emit(page, name: str, detail: dict) -> None:
    page.evaluate(
        "([n, d]) => document.body.dispatchEvent(new CustomEvent(n, {detail: d, bubbles: true}))",
        [name, detail],
    )


def test_the_previews_follow_the_outline_the_switch_and_each_save(browser, live_server, author):
    SHOTS.mkdir(parents=True, exist_ok=True)
    version = quiz_import(data=demo_data(SLUG), user=author)
    context, page, errors = _page(browser, live_server, author, {"width": 1280, "height": 1000})

    _until(page, "document.querySelector('.phone-screen').contentDocument?.title")
    assert "Which morning drink are you?" in _frame_text(page)
    card = page.locator("[data-card-image]")
    _until(page, "document.querySelector('[data-card-image]').naturalWidth === 1200")

    _emit(page, "studio-focus", {"page": "question:1"})
    _until(
        page,
        "!document.querySelector('.phone-screen.is-loading') && "
        "document.querySelector('.phone-screen').contentDocument.body.innerText"
        ".includes('Perfect Saturday?')",
    )
    assert page.locator("[data-preview-showing]").inner_text() == "Showing: question 2"
    # A tap on an answer in the frame shows it chosen but goes nowhere (no take starts).
    screen = page.frame_locator(".phone-screen:not(.is-loading)")
    screen.locator("input[type=radio]").first.check()
    page.wait_for_timeout(500)
    assert "Perfect Saturday?" in _frame_text(page)
    screen.get_by_role("button", name="Next").click()
    page.wait_for_timeout(300)
    assert "Perfect Saturday?" in _frame_text(page)
    page.locator(".page-preview").screenshot(path=str(SHOTS / "page-preview-question.png"))

    page.select_option("#page-preview-outcome", "2")
    _until(
        page,
        "document.querySelector('.phone-screen:not(.is-loading)').contentDocument.body"
        ".innerText.includes('Green Tea')",
    )
    _until(page, "document.querySelector('[data-card-image]').src.includes('outcome=2')")

    document = version_file_data(version=version)
    document["card"]["background"] = "#065f46"
    version.document = document
    version.revision = 7
    version.save(update_fields=["document", "revision"])
    _emit(page, "studio-saved", {"revision": 7})
    _until(page, "document.querySelector('[data-card-image]').src.includes('rev=7')")
    _until(page, "document.querySelector('.phone-screen:not(.is-loading)').src.includes('rev=7')")

    page.get_by_role("tab", name="Story").click()
    _until(page, "document.querySelector('[data-card-image]').naturalHeight === 1920")
    assert page.get_by_role("tab", name="Story").get_attribute("aria-selected") == "true"
    page.locator(".card-preview").screenshot(path=str(SHOTS / "card-preview-story.png"))
    page.keyboard.press("ArrowRight")  # wraps round to the first tab
    assert page.get_by_role("tab", name="Link preview").get_attribute("aria-selected") == "true"
    _until(page, "document.querySelector('[data-card-image]').naturalHeight === 630")

    page.screenshot(path=str(SHOTS / "studio-preview-desktop.png"), full_page=True)
    assert card.get_attribute("alt")
    assert errors == []
    context.close()


def test_a_palette_sets_the_colours_and_the_contrast_warning_follows(browser, live_server, author):
    SHOTS.mkdir(parents=True, exist_ok=True)
    quiz_import(data=demo_data(SLUG), user=author)
    context, page, errors = _page(browser, live_server, author, {"width": 390, "height": 844})
    warning = page.locator("#card-contrast")
    changes: list[str] = []
    page.expose_function("changed", lambda name: changes.append(name))
    page.evaluate("document.addEventListener('change', e => window.changed(e.target.name))")

    page.get_by_role("button", name="Use the Paper colours").click()

    assert page.locator("#card-background").input_value() == "#fefce8"
    assert page.locator("#card-text_color").input_value() == "#1c1917"
    assert sorted(changes) == ["card-background", "card-gradient_to", "card-text_color"]
    assert warning.inner_text() == ""

    page.locator("#card-text_color").evaluate(
        "el => { el.value = '#ffffff'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    assert "contrast 1.0:1" in warning.inner_text()
    assert warning.is_visible()
    page.screenshot(path=str(SHOTS / "card-fields-phone.png"), full_page=True)

    page.get_by_role("button", name="Use the Night colours").click()
    assert warning.inner_text() == ""
    _until(page, "document.querySelector('.phone-screen').contentDocument?.title")
    page.locator(".page-preview").screenshot(path=str(SHOTS / "page-preview-phone.png"))
    page.locator(".card-preview").screenshot(path=str(SHOTS / "card-preview-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    context.close()
