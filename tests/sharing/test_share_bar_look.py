"""The share bar as its owner meets it on the result page (issue 12): the native sheet
first, a brand icon per channel, the copy box holding the link Copy copies, WeChat's two
ways on a phone, and the story image. Through HTTP."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from tests.sharing.conftest import complete

pytestmark = pytest.mark.django_db

BRANDS = ["whatsapp", "telegram", "x", "facebook", "line", "weibo", "wechat", "email"]


@pytest.fixture
def owner(browser):
    return browser()


@pytest.fixture
def result(published_quiz, owner):
    return complete(owner)


@pytest.fixture
def page(result, owner) -> str:
    response = owner.get(f"/r/{result['id']}/")
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    start = html.index('<section class="share"')
    return html[start : html.index("</section>", start)]


def test_the_native_share_sheet_comes_first(page):
    bar = _section(page)
    channels = re.findall(r'data-channel="(\w+)"', bar)
    assert channels[0] == "native"
    assert (
        '<button class="btn block big share-native" type="button" data-channel="native" hidden>'
        in bar
    )


@pytest.mark.parametrize("channel", BRANDS)
def test_each_channel_has_its_brand_icon_beside_its_name(page, channel):
    bar = _section(page)
    start = bar.index(f'class="share-btn ch-{channel}"')
    button = bar[start : bar.index("</span></", start) + 20]
    assert '<span class="ch-icon"><svg class="icon" viewBox="0 0 24 24"' in button
    assert 'aria-hidden="true"' in button
    assert '<path fill="currentColor" d="M' in button


def test_the_copy_box_holds_the_link_that_copy_copies(page, result, owner):
    from sharing.models import Share

    bar = _section(page)
    boxes = re.findall(r'<input id="share-link-[^"]+" type="text" readonly value="([^"]+)"', bar)
    label = f'<label class="copy-label" for="share-link-{result["id"]}">Your share link</label>'
    assert label in bar
    copy_share = Share.objects.get(channel="copy")
    assert copy_share.kind == "default"  # shown, not yet counted as a share
    assert boxes == [f"http://testserver/s/{copy_share.code}/"]
    # Copy (share.js) copies the box's value at once, then asks for the copy link, which is
    # the same one, counted from now on.
    response = owner.post(
        f"/api/results/{result['id']}/shares/",
        json.dumps({"channel": "copy"}),
        content_type="application/json",
    )
    assert response.json()["share_url"] == boxes[0]
    copy_share.refresh_from_db()
    assert copy_share.kind == "button"
    assert owner.get(f"/r/{result['id']}/").content.decode().count(boxes[0]) == 1
    js = Path("static/js/share.js").read_text()
    assert "var url = box.value;" in js
    assert "navigator.clipboard.writeText(url)" in js


def test_wechat_on_a_phone_explains_its_two_ways_and_a_desktop_keeps_the_qr(page):
    bar = _section(page)
    assert 'class="qr wechat-desktop"' in bar and 'alt="QR code of your link"' in bar
    assert "Two ways to share on WeChat from this phone:" in bar
    assert "Save the image, then send it in a WeChat chat or post it to Moments" in bar
    assert "Copy the link, open WeChat and paste it into a chat" in bar
    assert '<button class="link" type="button" data-copy-link>Copy link</button>' in bar


def test_save_for_story_gives_the_owner_the_1080_by_1920_image(page, result, owner):
    assert f'href="/r/{result["id"]}/story.png" download="story.png"' in page

    response = owner.get(f"/r/{result['id']}/story.png")

    assert response.status_code == 302
    name = response["Location"].split("/media/", 1)[-1]
    with default_storage.open(name) as f:
        image = Image.open(io.BytesIO(f.read()))
    assert image.size == (1080, 1920)
    assert owner.get(f"/r/{result['id']}/story.png")["Location"] == response["Location"]


def test_the_story_image_is_only_for_the_owner(result, browser):
    friend = browser()
    assert friend.get(f"/r/{result['id']}/story.png").status_code == 404
    assert friend.get("/r/nope/story.png").status_code == 404


def test_a_deleted_results_story_is_gone(published_quiz, browser):
    owner = browser()
    mine = complete(owner)
    assert owner.post(f"/r/{mine['id']}/delete/").status_code == 302
    assert owner.get(f"/r/{mine['id']}/story.png").status_code == 404
