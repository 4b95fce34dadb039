"""The share page served from the cache (sharing/pages.py): the same counts, fewer statements.

The first visit of a share draws its page and keeps the share's facts; the visits after it
(friends, reloads, bots) are counted exactly as before without reading the share.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quizzes.models import Result
from sharing import pages
from sharing.models import Click, Preview, Share, ShareKind
from tests.sharing.conftest import code_of, complete, own_code, path_of, share, take_ref

BOT = "WhatsApp/2.23.20.0 A"


@pytest.fixture
def warm_share(published_quiz, browser):
    """A shared result whose page a first friend has opened (the cache knows it)."""
    owner = browser()
    result = complete(owner)
    url = share(owner, result["id"], "whatsapp")
    assert browser().get(path_of(url)).status_code == 200
    assert any(code_of(url) in key for key in pages._local)
    return owner, result, url


def statements(client: Client, path: str) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SAVEPOINT")]
    sql = [s for s in sql if not s.startswith("RELEASE SAVEPOINT")]
    return sql, response.content.decode()


def test_a_new_friend_is_one_click_and_one_own_link_without_reading_the_share(warm_share, browser):
    _, _, url = warm_share
    friend = browser()
    sql, html = statements(friend, path_of(url))
    assert all(s.startswith(("INSERT", "WITH")) for s in sql), sql
    assert len(sql) == (1 if connection.vendor == "postgresql" else 2)
    code = own_code(html)
    assert code and Share.objects.get(code=code).owner == Click.objects.last().visitor
    assert Share.objects.get(code=code).parent.code == code_of(url)
    assert take_ref(html) == code_of(url)
    assert "qbOwnCode" not in html and "qbCsrfMarker" not in html
    assert friend.cookies["csrftoken"].value  # the language switcher's token is real
    assert Click.objects.count() == 2  # the first friend's and this one


def test_a_returning_friend_is_no_statement_and_counts_nothing_more(warm_share, browser):
    _, _, url = warm_share
    friend = browser()
    first = own_code(friend.get(path_of(url)).content.decode())
    assert pages.OWN_COOKIE in friend.cookies
    sql, html = statements(friend, path_of(url))
    assert sql == []  # their own link comes from their signed cookie
    assert own_code(html) == first
    assert Click.objects.count() == 2
    assert Share.objects.filter(kind=ShareKind.MINTED).count() == 2


def test_without_the_own_cookie_a_returning_friend_is_one_read(warm_share, browser):
    _, _, url = warm_share
    friend = browser()
    first = own_code(friend.get(path_of(url)).content.decode())
    del friend.cookies[pages.OWN_COOKIE]
    sql, html = statements(friend, path_of(url))
    assert len(sql) == 1 and sql[0].startswith("SELECT"), sql
    assert own_code(html) == first
    assert Click.objects.count() == 2


def test_another_browsers_own_cookie_proves_nothing(warm_share, browser):
    _, _, url = warm_share
    friend, other = browser(), browser()
    friend.get(path_of(url))
    other.get("/")  # a visitor already, but not this share's friend yet
    other.cookies[pages.OWN_COOKIE] = friend.cookies[pages.OWN_COOKIE].value
    html = other.get(path_of(url)).content.decode()
    assert own_code(html) != own_code(friend.get(path_of(url)).content.decode())
    assert Click.objects.count() == 3  # the first friend's, friend's and other's


def test_every_bot_fetch_is_one_insert_and_the_same_page(warm_share):
    _, _, url = warm_share
    pages = []
    for _ in range(3):
        response = Client(HTTP_USER_AGENT=BOT).get(path_of(url))
        assert response.status_code == 200 and response.cookies == {}
        pages.append(response.content)
    sql, _ = statements(Client(HTTP_USER_AGENT=BOT), path_of(url))
    assert len(sql) == 1 and sql[0].startswith("INSERT"), sql
    assert pages[0] == pages[1] == pages[2]
    assert Preview.objects.count() == 4
    assert Click.objects.count() == 1  # only the first friend's


def test_a_fetch_without_a_user_agent_is_a_preview_from_the_kept_page_too(warm_share):
    # api.md: a missing User-Agent is a preview bot; the kept page's path once counted it
    # as a new friend's click (found by tests/sharing/test_two_processes.py).
    _, _, url = warm_share
    for _ in range(2):
        response = Client().get(path_of(url))
        assert response.status_code == 200 and response.cookies == {}
    assert Preview.objects.count() == 2
    assert Click.objects.count() == 1  # only the first friend's


def test_the_owner_still_counts_as_neither_once_the_page_is_cached(warm_share):
    owner, _, url = warm_share
    html = owner.get(path_of(url)).content.decode()
    assert "Take the test again" in html
    assert own_code(html) is None
    assert (Click.objects.count(), Preview.objects.count()) == (1, 0)


def test_a_deleted_result_link_is_gone_at_once_though_it_was_cached(warm_share, browser):
    owner, result, url = warm_share
    assert owner.post(f"/r/{result['id']}/delete/").status_code in (200, 302)
    assert Result.objects.get(pk=result["id"]).deleted_at is not None
    assert browser().get(path_of(url)).status_code == 410
    assert Client(HTTP_USER_AGENT=BOT).get(path_of(url)).status_code == 410
    assert Preview.objects.count() == 0


def test_without_the_cache_the_page_is_served_and_counted_the_ordinary_way(
    warm_share, browser, monkeypatch
):
    _, _, url = warm_share
    monkeypatch.setattr(cache, "get", lambda key, default=None, version=None: default)
    monkeypatch.setattr(pages, "LOCAL_SECONDS", 0)
    friend = browser()
    html = friend.get(path_of(url)).content.decode()
    assert own_code(html)
    assert Client(HTTP_USER_AGENT=BOT).get(path_of(url)).status_code == 200
    assert (Click.objects.count(), Preview.objects.count()) == (2, 1)


def test_a_friend_sees_the_quizs_own_look_on_the_share_page_drawn_and_kept(publish, browser):
    # The share page is the friend's first screen: it wore the site's look, and the quiz
    # switched to its own only at the first question.
    publish("which-morning-drink", theme={"brand": "#0f766e", "font": "fredoka"})
    owner = browser()
    url = share(owner, complete(owner)["id"], "whatsapp")

    for _visit in ("drawn", "kept"):
        html = browser().get(path_of(url)).content.decode()
        assert 'href="/q/which-morning-drink/theme.css?v=' in html
        assert "themed" in html.split("<body", 1)[1].split(">", 1)[0]
