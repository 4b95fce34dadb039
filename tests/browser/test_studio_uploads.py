"""A refused image in the studio, in real Chromium: the reason shows beside the field it was
picked in (the page's script once wiped it with the problems it places itself), stays there
through the next autosave, and a result's closed section opens to show it."""

from __future__ import annotations

from django.test import Client
from playwright.sync_api import expect

from quizzes.authoring.services import quiz_import
from tests.conftest import demo_data

SLUG = "which-morning-drink"
NOT_AN_IMAGE = "This image cannot be used: The file is not a readable PNG, JPEG or WebP image."
FAKE = {"name": "cat.png", "mimeType": "image/png", "buffer": b"<?php echo 1; ?>"}


def _page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/editor/quizzes/{SLUG}/studio/")
    page.wait_for_load_state("networkidle")
    return context, page


def test_a_refused_image_is_shown_beside_its_field_and_survives_the_next_save(
    browser, live_server, author
):
    quiz_import(data=demo_data(SLUG), user=author)
    context, page = _page(browser, live_server, author)

    page.set_input_files("input[name='upload.cover']", files=[FAKE])

    error = page.locator("#upload-error-cover")
    expect(error).to_have_text(NOT_AN_IMAGE)
    expect(error).to_be_in_viewport()
    cover = page.locator("input[name='upload.cover']")
    expect(cover).to_be_focused()
    expect(cover).to_have_attribute("aria-describedby", "upload-error-cover")
    page.locator("#f-title").fill("A new title")
    page.wait_for_function(
        "() => !document.querySelector('#studio-status .saved')?.textContent.includes('…')"
    )
    page.wait_for_load_state("networkidle")
    expect(page.locator("#upload-error-cover")).to_have_text(NOT_AN_IMAGE)
    context.close()


def test_a_refused_result_image_opens_its_section_to_show_why(browser, live_server, author):
    quiz_import(data=demo_data(SLUG), user=author)
    context, page = _page(browser, live_server, author)
    field = page.locator("input[name='upload.o-1-card-image']")
    expect(field).to_be_hidden()  # in the result's closed "image" section

    field.set_input_files(files=[FAKE])

    error = page.locator("#upload-error-o-1-card-image")
    expect(error).to_have_text(NOT_AN_IMAGE)
    expect(error).to_be_visible()
    expect(page.locator("input[name='upload.o-1-card-image']")).to_be_focused()
    context.close()
