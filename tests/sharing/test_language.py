"""The interface follows the visitor's language choice on every visitor page (intro, question,
result, share page), whatever the quiz's language; the quiz's own texts keep theirs, marked
with `lang` (README "Languages")."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.test import Client

from tests.quizzes.takehelp import TAKES, post_json, responses_url
from tests.quizzes.taking.test_pages import step, take_without_js
from tests.sharing.conftest import path_of, share

pytestmark = pytest.mark.django_db
EN, ZH = "which-morning-drink", "ni-shi-na-zhong-ka-fei"


def speaking(language: str) -> Client:
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile Safari")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def complete(client: Client, slug: str) -> dict:
    response = post_json(client, responses_url(slug), {"answers": TAKES[slug]["answers"]})
    assert response.status_code == 201, response.content
    return response.json()


def pages(client: Client, slug: str, language: str) -> dict[str, str]:
    """The four pages a visitor meets, as HTML (the share page as a friend opens it)."""
    intro = client.get(f"/q/{slug}/").content.decode()
    question = client.get(f"/q/{slug}/take/").content.decode()
    result = complete(client, slug)
    result_page = client.get(path_of(result["result_url"])).content.decode()
    link = path_of(share(client, result["id"], "copy"))
    landing = speaking(language).get(link).content.decode()
    return {"intro": intro, "question": question, "result": result_page, "share": landing}


def test_an_english_quiz_speaks_chinese_to_a_chinese_visitor(publish):
    publish(EN)
    seen = pages(speaking("zh-hans"), EN, "zh-hans")
    for name, html in seen.items():
        assert '<html lang="zh-hans">' in html, name
    assert "开始" in seen["intro"] and ">Start the test<" not in seen["intro"]
    assert "下一题" in seen["question"] and ">Next<" not in seen["question"]
    assert "再测一次" in seen["result"] and "Take it again" not in seen["result"]
    # The quiz's own words stay English, marked so.
    assert re.search(r'<h1[^>]* lang="en">Which morning drink are you\?</h1>', seen["intro"])
    prompt = r'<legend class="question-prompt" id="p-alarm" lang="en">Your alarm'
    assert re.search(prompt, seen["question"])
    assert '<h1 class="outcome-title" lang="en">Espresso</h1>' in seen["result"]


def test_the_share_page_speaks_the_friends_language(publish):
    publish(EN)
    owner = speaking("en")
    result = complete(owner, EN)
    link = path_of(share(owner, result["id"], "copy"))
    html = speaking("zh-hans").get(link).content.decode()
    assert '<html lang="zh-hans">' in html and "开始测试" in html
    assert '<h1 class="landing-title" lang="en">Espresso</h1>' in html


def test_a_chinese_quiz_speaks_english_to_an_english_visitor(publish):
    publish(ZH)
    seen = pages(speaking("en"), ZH, "en")
    for name, html in seen.items():
        assert '<html lang="en">' in html, name
    assert ">Start the test<" in seen["intro"] and "开始测试</a>" not in seen["intro"]
    assert "See my result" in seen["intro"] and "Next" in seen["question"]
    assert "Take it again" in seen["result"]
    assert '<h1 class="outcome-title" lang="zh-hans">浓缩咖啡</h1>' in seen["result"]
    assert re.search(r'<h1[^>]* lang="zh-hans">[^<]+</h1>', seen["intro"])


def test_the_switcher_changes_the_quiz_pages(publish):
    publish(ZH)
    client = speaking("en")
    before = client.get(f"/q/{ZH}/").content.decode()
    assert ">Start the test<" in before
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": f"/q/{ZH}/"})
    after = client.get(f"/q/{ZH}/").content.decode()
    assert '<html lang="zh-hans">' in after and "开始" in after
    # A no-JS page in the middle of a take follows it too.
    page = step(client, ZH, client.get(f"/q/{ZH}/take/"), "up")
    assert "下一题" in page.content.decode()
    url = take_without_js(client, ZH, TAKES[ZH]["answers"])["Location"]
    assert "再测一次" in client.get(url).content.decode()


def test_the_text_sent_to_friends_stays_in_the_quizs_language(publish):
    publish(ZH)
    owner = speaking("en")
    result = complete(owner, ZH)
    html = owner.get(path_of(result["result_url"])).content.decode()
    assert '<html lang="en">' in html and "Share your result" in html
    whatsapp = re.search(r'href="(https://wa\.me/[^"]+)"', html)
    assert whatsapp is not None
    assert unquote(unescape(whatsapp.group(1))).startswith(
        "https://wa.me/?text=我的结果是“浓缩咖啡”。你呢？"
    )
