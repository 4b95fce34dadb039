"""Headers and cookies that keep visitors safe: a Permissions-Policy on every response, results
and per-visitor JSON never stored by a cache, and cookies that production sends over HTTPS
only and never on cross-site subrequests."""

from __future__ import annotations

import json
import secrets

import pytest
from django.test import Client

from accounts.tokens import token_create
from quizzes.taking.services import take_new
from tests.sharing.conftest import ANSWERS, BROWSER_UA, SLUG, complete, share
from tests.test_settings import run_django

OFF = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "midi"]
SELF = ["clipboard-write", "web-share", "publickey-credentials-get"]


def directives(header: str) -> dict[str, str]:
    """The header as a dict: camera=() gives {"camera": "()"}."""
    pairs = (part.strip().partition("=") for part in header.split(","))
    return {name: value for name, _, value in pairs}


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.fixture
def result_id(publish) -> str:
    publish(SLUG)
    return complete(Client(HTTP_USER_AGENT=BROWSER_UA))["id"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        f"/q/{SLUG}/",
        "/r/{result}/",
        "/api/quizzes/",
        f"/api/quizzes/{SLUG}/",
        "/api/results/{result}/",
        "/accounts/login/",
        "/s/no-such-code/",
        "/no-such-page/",
    ],
)
def test_every_response_turns_off_the_browser_features_no_page_uses(client, result_id, url):
    response = client.get(url.format(result=result_id), HTTP_USER_AGENT=BROWSER_UA)

    policy = directives(response["Permissions-Policy"])
    assert {name: policy[name] for name in OFF} == dict.fromkeys(OFF, "()")
    # Kept for this origin: the Copy buttons, the share sheet, security keys for 2FA.
    assert {name: policy[name] for name in SELF} == dict.fromkeys(SELF, "(self)")


# Results and per-visitor JSON: never kept by a browser's or a proxy's cache.


def test_the_result_page_and_the_result_api_are_private_and_not_stored(client, result_id):
    page = client.get(f"/r/{result_id}/")
    api = client.get(f"/api/results/{result_id}/")
    missing = client.get("/api/results/nope/")

    assert (page.status_code, api.status_code, missing.status_code) == (200, 200, 404)
    for response in (page, api, missing):
        assert cache_control(response) == {"private", "no-store"}


def test_a_deleted_result_page_is_not_stored_either(visitor, publish):
    publish(SLUG)
    result = complete(visitor)["id"]
    visitor.post(f"/r/{result}/delete/")

    gone = visitor.get(f"/r/{result}/")

    assert gone.status_code == 410
    assert cache_control(gone) == {"private", "no-store"}


def test_posting_answers_and_shares_answers_private_unstored_json(visitor, publish):
    publish(SLUG)
    created = visitor.post(
        f"/api/quizzes/{SLUG}/responses/",
        json.dumps({"answers": ANSWERS}),
        content_type="application/json",
    )
    shared = visitor.post(
        f"/api/results/{created.json()['id']}/shares/",
        json.dumps({"channel": "link"}),
        content_type="application/json",
    )
    answered = visitor.post(
        f"/api/quizzes/{SLUG}/answers/",
        json.dumps({"take": take_new(), "question": "alarm"}),
        content_type="application/json",
    )

    assert (created.status_code, shared.status_code, answered.status_code) == (201, 201, 202)
    for response in (created, shared, answered):
        assert cache_control(response) == {"private", "no-store"}


def test_the_take_page_which_carries_the_answers_so_far_is_not_stored(visitor, publish):
    publish(SLUG)

    page = visitor.get(f"/q/{SLUG}/take/")

    assert page.status_code == 200
    assert cache_control(page) == {"private", "no-store"}


def test_editors_stats_page_and_api_are_private_and_not_stored(client, publish, editor):
    publish(SLUG)
    _, token = token_create(user=editor)
    api = client.get(f"/api/quizzes/{SLUG}/stats/", HTTP_AUTHORIZATION=f"Bearer {token}")
    client.force_login(editor)
    page = client.get(f"/editor/quizzes/{SLUG}/stats/")

    assert (api.status_code, page.status_code) == (200, 200)
    for response in (api, page):
        assert cache_control(response) == {"private", "no-store"}


def test_the_share_page_stays_uncached_for_people_and_bots(publish, visitor, friend):
    publish(SLUG)
    url = share(visitor, complete(visitor)["id"], "link")
    bot = Client(HTTP_USER_AGENT="WhatsApp/2.23.20.0 A")

    for response in (friend.get(url), bot.get(url)):
        assert response.status_code == 200
        assert {"private", "no-store"} <= cache_control(response)


# Cookies.


PRODUCTION_COOKIES = """
import django, json
django.setup()
from django.test import Client
# As nginx forwards a visitor's HTTPS request (README, "Production").
response = Client().post(
    "/i18n/setlang/", {"language": "zh-hans", "next": "/"},
    HTTP_HOST="quiz.example.com", HTTP_X_FORWARDED_PROTO="https",
)
print(json.dumps({
    name: {"secure": bool(c["secure"]), "samesite": c["samesite"], "httponly": bool(c["httponly"])}
    for name, c in response.cookies.items()
}))
"""


def test_production_sends_the_language_and_visitor_cookies_over_https_only(tmp_path):
    done = run_django(
        PRODUCTION_COOKIES,
        tmp_path,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="quiz.example.com",
        SITE_URL="https://quiz.example.com",
    )

    assert done.returncode == 0, done.stderr
    cookies = json.loads(done.stdout)
    wanted = {"secure": True, "samesite": "Lax", "httponly": True}
    # The visitor cookie also works inside an iframe on a business's site (CHIPS, issue 13).
    visitor = {**wanted, "samesite": "None; Partitioned"}
    assert cookies == {"django_language": wanted, "qb_visitor": visitor}


def test_in_development_the_visitor_cookie_is_secure_when_the_request_is(settings, client, publish):
    settings.DEBUG = True  # as under `make run`, whose plain-HTTP visitors keep their cookie
    publish(SLUG)

    plain = client.get(f"/q/{SLUG}/", HTTP_USER_AGENT=BROWSER_UA)
    https = Client().get(f"/q/{SLUG}/", HTTP_USER_AGENT=BROWSER_UA, secure=True)

    assert plain.cookies["qb_visitor"]["secure"] == ""
    assert https.cookies["qb_visitor"]["secure"] is True
    assert https.cookies["qb_visitor"]["samesite"] == "None; Partitioned"  # CHIPS (issue 13)
    assert plain.cookies["qb_visitor"]["samesite"] == "Lax"


def test_the_language_cookie_is_lax_and_out_of_reach_of_scripts(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    cookie = response.cookies["django_language"]
    assert response.status_code == 302
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
