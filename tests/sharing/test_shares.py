"""POST /api/results/<id>/shares/ and the share bar."""

from __future__ import annotations

import json
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from quizzes.models import Result
from sharing.models import Referral, Share, ShareKind
from tests.factories import ResultFactory
from tests.sharing.conftest import ANSWERS, SLUG, code_of, complete

CHANNELS = [
    "native",
    "copy",
    "qr",
    "whatsapp",
    "telegram",
    "x",
    "facebook",
    "line",
    "weibo",
    "wechat",
    "email",
    "other",
]


@pytest.fixture
def owner(browser):
    """The visitor who got the result: only they make its share links."""
    return browser()


@pytest.fixture
def result(published_quiz, owner):
    return complete(owner)


def post(client, result_id, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        f"/api/results/{result_id}/shares/", data, content_type="application/json", **extra
    )


@pytest.mark.parametrize("channel", CHANNELS)
def test_each_channel_gets_a_counted_link_of_its_own(result, owner, channel):
    response = post(owner, result["id"], {"channel": channel})
    assert response.status_code == 201
    body = response.json()
    assert body["channel"] == channel
    assert body["share_url"].startswith("http://testserver/s/")
    row = Share.objects.get(code=code_of(body["share_url"]))
    assert (row.kind, row.channel, row.result_id) == (ShareKind.BUTTON, channel, result["id"])
    assert code_of(body["share_url"]) != code_of(result["share_url"])


def test_the_same_result_and_channel_give_back_the_same_link(result, owner):
    first = post(owner, result["id"], {"channel": "whatsapp"}).json()
    second = post(owner, result["id"], {"channel": "whatsapp"}).json()
    assert first == second
    assert Share.objects.filter(kind=ShareKind.BUTTON).count() == 1


def test_the_qr_button_reuses_the_cards_qr_link_and_counts_it_once(result, owner):
    from sharing.cards.inputs import result_qr_share

    card_link = result_qr_share(result=Result.objects.get(pk=result["id"]))
    assert card_link.kind == ShareKind.DEFAULT  # drawn on the card: not a share by itself

    first = post(owner, result["id"], {"channel": "qr"})
    second = post(owner, result["id"], {"channel": "qr"})

    assert first.status_code == second.status_code == 201
    assert (
        code_of(first.json()["share_url"]) == card_link.code == code_of(second.json()["share_url"])
    )
    assert list(Share.objects.filter(channel="qr").values_list("kind", flat=True)) == [
        ShareKind.BUTTON
    ]


def test_link_gives_back_the_default_link_which_is_not_a_share(result, owner):
    body = post(owner, result["id"], {"channel": "link"}).json()
    assert body == {"channel": "link", "share_url": result["share_url"]}
    assert Share.objects.filter(kind=ShareKind.BUTTON).count() == 0


@pytest.mark.parametrize(
    "body", [{"channel": "myspace"}, {"channel": 3}, {"channel": None}, {}, {"channel": ""}]
)
def test_an_unknown_channel_is_a_400(result, owner, body):
    response = post(owner, result["id"], body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["channel"]
    assert Share.objects.filter(kind=ShareKind.BUTTON).count() == 0


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"whatsapp"', "", "{", "NaN"])
def test_a_body_that_is_not_a_json_object_is_a_400(result, owner, body):
    response = post(owner, result["id"], body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]


def test_an_unknown_result_is_a_404_and_a_deleted_one_a_410_as_its_get(result, owner):
    response = post(owner, "no-such-result-0000000000", {"channel": "x"})
    assert response.status_code == 404
    assert response.json() == {"errors": {"result": ["There is no result at this address."]}}
    Result.objects.filter(pk=result["id"]).update(deleted_at="2025-01-01T00:00:00Z")
    gone = post(owner, result["id"], {"channel": "x"})
    assert gone.status_code == 410
    assert gone.json() == {"errors": {"result": ["This result was deleted by its owner."]}}
    assert owner.get(f"/api/results/{result['id']}/").status_code == 410


def test_only_post_is_allowed(result, owner):
    response = owner.get(f"/api/results/{result['id']}/shares/")
    assert response.status_code == 405
    assert "errors" in response.json()


def test_the_share_bar_links_work_without_javascript(result):
    row = Result.objects.get(pk=result["id"])
    html = render_to_string(
        "sharing/_share_bar.html",
        {"result": row, "share_url": result["share_url"]},
        request=RequestFactory().get("/"),
    )
    url = result["share_url"]
    quoted = url.replace(":", "%3A").replace("/", "%2F")
    for channel, start in [
        ("whatsapp", "https://wa.me/?text="),
        ("telegram", "https://t.me/share/url?url=" + quoted),
        ("x", "https://x.com/intent/tweet?url=" + quoted),
        ("facebook", "https://www.facebook.com/sharer/sharer.php?u=" + quoted),
        ("line", "https://social-plugins.line.me/lineit/share?url=" + quoted),
        ("weibo", "https://service.weibo.com/share/share.php?url=" + quoted),
        ("email", "mailto:?subject="),
    ]:
        assert f'href="{start}' in html, channel
        assert f'data-channel="{channel}"' in html
    assert f'data-api="/api/results/{result["id"]}/shares/"' in html
    assert 'src="data:image/svg+xml' in html  # the WeChat QR code of the link
    # A link to copy by hand: the copy box's own (sharing.services.share_copy_default).
    copy_code = Share.objects.get(channel="copy", kind="default").code
    assert f'value="http://testserver/s/{copy_code}/" data-share-link' in html


def test_a_share_links_qr_code_is_an_svg(result, owner):
    response = owner.get(f"/s/{code_of(result['share_url'])}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b'xmlns="http://www.w3.org/2000/svg"' in response.content
    assert owner.get("/s/unknown-code/qr.svg").status_code == 404


def _bar_order(html: str) -> list[str]:
    return re.findall(r'data-channel="(\w+)"', html)


def test_the_share_bar_keeps_its_order_for_an_english_quiz(result):
    html = render_to_string(
        "sharing/_share_bar.html",
        {"result": Result.objects.get(pk=result["id"]), "share_url": result["share_url"]},
        request=RequestFactory().get("/"),
    )
    assert _bar_order(html) == [
        "native", "copy", "whatsapp", "telegram", "x", "facebook", "line", "weibo", "email",
        "wechat",
    ]  # fmt: skip


def test_a_chinese_quiz_leads_with_wechat_and_weibo_after_the_native_sheet(publish):
    from quizzes.models import Quiz

    quiz = Quiz.objects.get(pk=publish("ni-shi-na-zhong-ka-fei").quiz_id)
    version = quiz.live_version
    assert version.language == "zh-hans"
    row = ResultFactory(version=version)
    html = render_to_string(
        "sharing/_share_bar.html",
        {"result": row, "share_url": "https://example.test/s/abc/"},
        request=RequestFactory().get("/"),
    )
    assert _bar_order(html) == [
        "native", "wechat", "weibo", "copy", "whatsapp", "telegram", "x", "facebook", "line",
        "email",
    ]  # fmt: skip
    assert html.count("data-qr-panel") == 1


# Found by tests/test_fuzz.py on PostgreSQL: a NUL in a share code (the /s/ address or `ref`)
# reached the query and PostgreSQL answered DataError, a 500. A code that cannot be one of ours
# is unknown without asking the database.
@pytest.mark.parametrize("code", ["%00", "a%00b", "abc%20def", "%ED%A0%80"])
def test_a_share_address_that_cannot_be_a_code_is_a_404_without_a_query(db, client, code):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/s/{code}/")
        qr = client.get(f"/s/{code}/qr.svg")
    assert (response.status_code, qr.status_code) == (404, 404)
    assert not [q["sql"] for q in queries if "sharing_share" in q["sql"]]


def test_a_ref_with_a_nul_is_ignored_and_the_response_saved(result, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = json.dumps({"answers": ANSWERS, "ref": "ab\x00cd"})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/quizzes/{SLUG}/responses/", body, content_type="application/json"
        )
    assert response.status_code == 201, response.content
    assert Referral.objects.filter(result_id=response.json()["id"]).first() is None
    assert not [q["sql"] for q in queries if "ab\x00cd" in str(q["sql"])]


def test_share_created_is_announced_once_per_counted_share(result, owner):
    from sharing.cards.inputs import result_qr_share
    from sharing.signals import share_created

    heard: list[tuple[str, str]] = []

    def listener(sender, *, share, **kwargs):
        heard.append((share.channel, share.code))

    share_created.connect(listener)
    try:
        result_qr_share(result=Result.objects.get(pk=result["id"]))  # drawn: not a share
        for channel in ["whatsapp", "whatsapp", "qr", "qr", "link"]:
            post(owner, result["id"], {"channel": channel})
    finally:
        share_created.disconnect(listener)
    assert [channel for channel, _code in heard] == ["whatsapp", "qr"]


def test_a_double_submit_of_a_take_gives_back_the_same_share_url(published_quiz, owner):
    # Found by benchmarks/spike.py: the second POST of a take answered share_url null.
    body = json.dumps({"answers": ANSWERS, "take": "D" * 22})
    url = f"/api/quizzes/{SLUG}/responses/"
    first = owner.post(url, body, content_type="application/json")
    again = owner.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["share_url"] == first.json()["share_url"]
    assert again.json()["share_url"].startswith("http://testserver/s/")
