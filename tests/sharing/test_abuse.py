"""Abuse of the stats and of the limits: every 429 says when to retry (Retry-After), and
nobody can skew a quiz's stats (issue 9, finding 6): floods of starts, clicks and minted
links from one address are capped, only a result's owner shares it, and the editors see
how many requests were refused."""

from __future__ import annotations

import json
import re
import secrets

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tokens import token_create
from quizzes.models import AnswerEvent
from sharing.models import Click, RefusedRequest, Share, ShareKind
from tests.sharing.conftest import (
    ANSWERS,
    BROWSER_UA,
    SLUG,
    code_of,
    complete,
    own_code,
    path_of,
    share,
)

pytestmark = pytest.mark.django_db


def retry_after(response) -> int:
    assert response.status_code == 429
    return int(response["Retry-After"])


def post_json(client: Client, url: str, body: dict, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLED = True
    return settings


# --- Retry-After on every 429 ---------------------------------------------------------------


def test_a_submission_past_the_limit_says_when_to_retry(published_quiz, limits):
    limits.RATELIMIT_SUBMISSIONS_PER_VISITOR = "1/h"
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    url = f"/api/quizzes/{SLUG}/responses/"
    assert post_json(client, url, {"answers": ANSWERS}).status_code == 201
    response = post_json(client, url, {"answers": ANSWERS})
    assert 1 <= retry_after(response) <= 3600
    assert response.json() == {
        "errors": {"rate_limit": ["Too many submissions. Please wait a while and try again."]}
    }


def test_the_page_form_past_the_limit_says_when_to_retry(published_quiz, limits):
    limits.RATELIMIT_SUBMISSIONS_PER_VISITOR = "0/m"
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    page = client.get(f"/q/{SLUG}/take/")
    for key in ("alarm", "weekend", "music", "name"):
        state = re.search(r'name="state" value="([^"]+)"', page.content.decode()).group(1)
        page = client.post(
            f"/q/{SLUG}/take/", {"state": state, "answer": ANSWERS[key], "action": "next"}
        )
    assert 1 <= retry_after(page) <= 60


def test_allauths_429_says_when_to_retry(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    client = Client()
    form = {"login": "nobody@example.com", "password": "wrong password!"}
    assert client.post(reverse("account_login"), form).status_code == 200
    assert retry_after(client.post(reverse("account_login"), form)) == 60


# --- nobody can skew a quiz's stats (finding 6) ------------------------------------------------

ATTACKER = "203.0.113.66"
FRIEND = "198.51.100.23"


def stats_body(editor) -> dict:
    _, token = token_create(user=editor)
    response = Client().get(f"/api/quizzes/{SLUG}/stats/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    return response.json()


def cookieless(address: str) -> Client:
    """A client that never keeps our cookie: every request is a new visitor (api.md)."""
    client = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=address)
    client.cookies.clear()
    return client


def test_a_flood_of_random_takes_leaves_the_completion_rate_alone(published_quiz, editor, limits):
    limits.RATELIMIT_STARTS_PER_IP = "5/h"
    complete(Client(HTTP_USER_AGENT=BROWSER_UA))
    complete(Client(HTTP_USER_AGENT=BROWSER_UA))
    url = f"/api/quizzes/{SLUG}/answers/"
    statuses = []
    for _ in range(300):
        body = {"take": secrets.token_urlsafe(16), "question": "alarm"}
        statuses.append(post_json(cookieless(ATTACKER), url, body))
    assert [r.status_code for r in statuses] == [202] * 5 + [429] * 295
    assert 1 <= retry_after(statuses[-1]) <= 3600
    assert statuses[-1].json() == {
        "errors": {"rate_limit": ["Too many new attempts. Please wait a while and try again."]}
    }
    stats = stats_body(editor)
    # 2 real starts and completions; the flood adds 5 starts (the limit), not 300.
    assert (stats["starts"], stats["completions"]) == (7, 2)
    assert stats["completion_rate"] == round(2 / 7, 4)
    assert stats["refused"] == {"view": 0, "start": 295, "submission": 0, "click": 0, "share": 0}


def test_a_started_take_goes_on_past_the_start_limit(published_quiz, limits):
    limits.RATELIMIT_STARTS_PER_VISITOR = "1/h"
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    url = f"/api/quizzes/{SLUG}/answers/"
    take = secrets.token_urlsafe(16)
    for question in ("alarm", "weekend", "music"):
        assert post_json(client, url, {"take": take, "question": question}).status_code == 202
    other = {"take": secrets.token_urlsafe(16), "question": "alarm"}
    assert post_json(client, url, other).status_code == 429
    assert AnswerEvent.objects.filter(take=take).count() == 3


def test_the_page_flow_past_the_start_limit_still_serves_the_next_question(published_quiz, limits):
    limits.RATELIMIT_STARTS_PER_IP = "0/h"
    client = Client(HTTP_USER_AGENT=BROWSER_UA)
    page = client.get(f"/q/{SLUG}/take/")
    state = re.search(r'name="state" value="([^"]+)"', page.content.decode()).group(1)
    page = client.post(
        f"/q/{SLUG}/take/", {"state": state, "answer": ANSWERS["alarm"], "action": "next"}
    )
    assert page.status_code == 200
    assert 'name="state"' in page.content.decode()
    assert AnswerEvent.objects.count() == 0
    assert RefusedRequest.objects.get(kind="start").count == 1


def test_a_cookieless_flood_of_a_quiz_page_adds_views_only_up_to_the_limit(
    published_quiz, editor, limits
):
    limits.RATELIMIT_VIEWS_PER_IP = "10/h"
    pages = [cookieless(ATTACKER).get(f"/q/{SLUG}/") for _ in range(60)]
    pages += [cookieless(ATTACKER).get(f"/api/quizzes/{SLUG}/") for _ in range(40)]
    assert [p.status_code for p in pages] == [200] * 100
    friend = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=FRIEND)
    assert friend.get(f"/q/{SLUG}/").status_code == 200
    stats = stats_body(editor)
    assert stats["views"] == 11  # the flood's first 10, and the friend from elsewhere
    assert stats["refused"]["view"] == 90


@pytest.fixture
def owner_share(published_quiz):
    owner = Client(HTTP_USER_AGENT=BROWSER_UA)
    result = complete(owner)
    return owner, result, share(owner, result["id"], "whatsapp")


def test_a_cookieless_flood_of_a_share_page_adds_clicks_only_up_to_the_limit(
    owner_share, editor, limits
):
    limits.RATELIMIT_CLICKS_PER_IP = "10/h"
    _, _, url = owner_share
    pages = [cookieless(ATTACKER).get(path_of(url)) for _ in range(200)]
    # Every request still gets the page (og tags and all); only the first 10 count.
    assert [p.status_code for p in pages] == [200] * 200
    assert all(b'property="og:image"' in p.content for p in pages)
    assert Click.objects.filter(share__code=code_of(url)).count() == 10
    assert Share.objects.filter(kind=ShareKind.MINTED).count() == 10
    assert [own_code(p.content.decode()) is not None for p in pages] == [True] * 10 + [False] * 190
    stats = stats_body(editor)
    assert stats["clicks"] == 10
    assert stats["refused"]["click"] == 190


def test_a_friends_first_visit_counts_as_a_click_under_the_limits(owner_share, limits):
    limits.RATELIMIT_CLICKS_PER_IP = "1/h"
    _, _, url = owner_share
    for _ in range(20):
        cookieless(ATTACKER).get(path_of(url))
    friend = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=FRIEND)
    assert not friend.cookies  # no cookie of ours yet
    first = friend.get(path_of(url))
    assert first.status_code == 200
    assert own_code(first.content.decode()) is not None
    # Reloads are the same click: they neither count again nor use up the limit.
    for _ in range(5):
        assert own_code(friend.get(path_of(url)).content.decode()) is not None
    assert Click.objects.filter(share__code=code_of(url)).count() == 2  # attacker's 1 + friend
    assert RefusedRequest.objects.get(kind="click").count == 19


def test_a_friends_first_visit_counts_with_the_default_limits(owner_share, settings):
    settings.RATELIMIT_ENABLED = True
    _, _, url = owner_share
    friend = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=FRIEND)
    friend.get(path_of(url))
    assert Click.objects.filter(share__code=code_of(url)).count() == 1


def test_only_the_results_owner_makes_its_shares(owner_share, editor):
    owner, result, _ = owner_share
    url = f"/api/results/{result['id']}/shares/"
    before = Share.objects.count()
    for stranger in (Client(HTTP_USER_AGENT=BROWSER_UA), cookieless(ATTACKER)):
        for channel in ("telegram", "link"):
            response = post_json(stranger, url, {"channel": channel})
            assert response.status_code == 403
            assert response.json() == {
                "errors": {"result": ["Only the visitor who got this result can share it."]}
            }
    assert Share.objects.count() == before
    assert post_json(owner, url, {"channel": "telegram"}).status_code == 201
    stats = stats_body(editor)
    assert stats["shares"] == 2  # the owner's whatsapp and telegram
    assert stats["refused"]["share"] == 4


def test_the_stats_page_says_how_many_requests_were_refused(owner_share, editor, limits):
    limits.RATELIMIT_CLICKS_PER_IP = "0/h"
    limits.RATELIMIT_STARTS_PER_IP = "0/h"
    limits.RATELIMIT_SUBMISSIONS_PER_IP = "0/h"
    _, result, url = owner_share
    for _ in range(3):
        cookieless(ATTACKER).get(path_of(url))
    for _ in range(4):
        body = {"take": secrets.token_urlsafe(16), "question": "alarm"}
        post_json(cookieless(ATTACKER), f"/api/quizzes/{SLUG}/answers/", body)
    post_json(cookieless(ATTACKER), f"/api/quizzes/{SLUG}/responses/", {"answers": ANSWERS})
    post_json(cookieless(ATTACKER), f"/api/results/{result['id']}/shares/", {"channel": "x"})
    staff = Client()
    staff.force_login(editor)
    html = staff.get(f"/editor/quizzes/{SLUG}/stats/").content.decode()
    assert "Refused as abuse" in html
    assert "none of them is counted in the figures above" in html
    figures = dict(re.findall(r'data-refused="(\w+)"><span>[^<]+</span><b>(\d+)</b>', html))
    assert figures == {"view": "0", "start": "4", "submission": "1", "click": "3", "share": "1"}


def test_a_stranger_on_a_result_page_gets_the_plain_link_not_the_share_bar(owner_share):
    owner, result, _ = owner_share
    assert b"data-share-bar" in owner.get(f"/r/{result['id']}/").content
    page = Client(HTTP_USER_AGENT=BROWSER_UA).get(f"/r/{result['id']}/").content.decode()
    assert "data-share-bar" not in page
    assert f'value="{result["share_url"]}"' in page


def test_behind_the_proxy_the_click_limit_is_per_client_not_site_wide(owner_share, limits):
    limits.RATELIMIT_CLICKS_PER_IP = "3/h"
    limits.TRUSTED_PROXY_COUNT = 1
    _, _, url = owner_share

    def via_proxy(address: str) -> Client:
        return Client(
            HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address
        )

    for _ in range(10):
        via_proxy(ATTACKER).get(path_of(url))
    friend = via_proxy(FRIEND).get(path_of(url))
    assert own_code(friend.content.decode()) is not None
    assert Click.objects.filter(share__code=code_of(url)).count() == 4
