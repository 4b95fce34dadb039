"""Calls to action: the result body's tracked link, its redirect with UTM tags, one count per
result, referred clicks, and never an open redirect (spec/integrations.md)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from integrations.models import CtaClick
from tests.integrations.conftest import CTA, code_of, complete, definition_set, path_of, share
from tests.quizzes.helpers import client_for


def test_the_result_body_has_a_tracked_cta_with_its_label_filled(browser, cta_quiz):
    body = complete(browser())
    assert body["cta"] == {
        "label": "Get 10% off, Ana",
        "url": f"http://testserver/go/{body['id']}/",
    }


def test_a_quiz_without_cta_says_null(browser, published_quiz):
    assert complete(browser())["cta"] is None


def test_the_outcomes_own_cta_wins_over_the_quizs(browser, cta_quiz):
    outcomes = [
        {**o, "cta": {"label": "Buy it", "url": "https://shop.example.com/o"}}
        for o in cta_quiz.live_version.definition["outcomes"]
    ]
    definition_set(cta_quiz, outcomes=outcomes)
    visitor = browser()
    body = complete(visitor)
    assert body["cta"]["label"] == "Buy it"
    response = visitor.get(path_of(body["cta"]["url"]))
    assert response["Location"].startswith("https://shop.example.com/o?utm_source=quizbuilder")


def test_the_redirect_adds_utm_tags_and_keeps_the_query(browser, cta_quiz):
    visitor = browser()
    body = complete(visitor)
    response = visitor.get(path_of(body["cta"]["url"]))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CTA["url"].split("?")[0]
    assert parse_qs(location.query) == {
        "src": ["quiz"],
        "utm_source": ["quizbuilder"],
        "utm_medium": ["direct"],
        "utm_campaign": ["which-morning-drink"],
        "utm_content": [body["outcome"]["key"]],
    }


def test_clicks_count_once_per_result_and_referred_ones_carry_the_channel(
    browser, cta_quiz, editor
):
    sharer = browser()
    first = complete(sharer)
    sharer.get(path_of(first["cta"]["url"]))
    sharer.get(path_of(first["cta"]["url"]))
    link = share(sharer, first["id"], "whatsapp")
    friend = browser()
    friend.get(path_of(link))
    second = complete(friend, ref=code_of(link))
    response = friend.get(path_of(second["cta"]["url"]))
    assert parse_qs(urlsplit(response["Location"]).query)["utm_medium"] == ["whatsapp"]
    assert CtaClick.objects.count() == 2
    from sharing.stats.ranges import quiz_stats

    stats = quiz_stats(cta_quiz)
    assert stats["cta_clicks"] == 2
    assert stats["referred_cta_clicks"] == 1
    outcome = second["outcome"]["key"]
    assert stats["by_outcome"][outcome]["cta_clicks"] >= 1
    assert sum(row["cta_clicks"] for row in stats["by_outcome"].values()) == 2
    assert stats["by_channel"]["whatsapp"]["cta_clicks"] == 1
    assert all("cta_clicks" in row for row in stats["by_channel"].values())


def test_it_cannot_be_pointed_anywhere_else(browser, cta_quiz):
    visitor = browser()
    body = complete(visitor)
    path = path_of(body["cta"]["url"])
    for query in ("?url=https://evil.example.com/", "?next=//evil.example.com"):
        response = visitor.get(path + query)
        assert response["Location"].startswith("https://shop.example.com/drinks?")
    assert visitor.get("/go/https%3A%2F%2Fevil.example.com/").status_code == 404
    assert visitor.get("/go/nonexistentresultid00000/").status_code == 404


def test_a_result_without_cta_has_no_redirect(browser, published_quiz):
    visitor = browser()
    body = complete(visitor)
    assert visitor.get(f"/go/{body['id']}/").status_code == 404


def test_the_result_page_shows_the_cta(browser, cta_quiz):
    visitor = browser()
    body = complete(visitor)
    html = visitor.get(path_of(body["result_url"])).content.decode()
    assert f'href="/go/{body["id"]}/"' in html
    assert "Get 10% off, Ana" in html


def test_the_stats_page_and_api_show_the_figures(browser, cta_quiz, editor):
    from accounts.tokens import token_create

    visitor = browser()
    body = complete(visitor)
    visitor.get(path_of(body["cta"]["url"]))
    page = client_for(editor).get(f"/editor/quizzes/{cta_quiz.slug}/stats/").content.decode()
    assert (
        '<div class="figure" data-figure="cta_clicks"><span>Call-to-action clicks</span><b>1</b>'
        in page
    )
    assert 'data-figure="leads"><span>Leads</span><b>0</b>' in page
    _, token = token_create(user=editor)
    api = (
        browser()
        .get(f"/api/quizzes/{cta_quiz.slug}/stats/", HTTP_AUTHORIZATION=f"Bearer {token}")
        .json()
    )
    assert (api["cta_clicks"], api["referred_cta_clicks"], api["leads"]) == (1, 0, 0)
