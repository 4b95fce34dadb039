"""The client address behind a proxy (settings TRUSTED_PROXY_COUNT, TRUSTED_PROXIES): the
header is believed only through them, for our own limits and for allauth's."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from core.visitors import client_address
from quizzes.models import Result
from tests.factories import UserFactory
from tests.quizzes.takehelp import BROWSER_UA, TAKES, post_json, responses_url

ANSWERS = TAKES["which-morning-drink"]["answers"]
PROXY = "127.0.0.1"  # the README's nginx, on the same machine
LOCKED = "Too many failed login attempts. Try again later."


def address(remote: str = PROXY, forwarded: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXIES = 0, []
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_one_trusted_proxy_gives_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # nginx appends the peer it saw; what the client wrote to the left of it is not believed.
    assert address(forwarded="6.6.6.6, 198.51.100.1") == "198.51.100.1"
    assert address(forwarded="198.51.100.1") == "198.51.100.1"


def test_two_trusted_proxies_give_the_second_address_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(forwarded="6.6.6.6, 198.51.100.1, 10.0.0.2") == "198.51.100.1"


def test_a_header_shorter_than_the_chain_or_not_an_address_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert address(forwarded="198.51.100.1") == PROXY
    settings.TRUSTED_PROXY_COUNT = 1
    assert address(forwarded="not-an-address") == PROXY
    assert address() == PROXY


def test_the_header_of_a_peer_that_is_not_a_trusted_proxy_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert address("10.1.2.3", "6.6.6.6, 198.51.100.1") == "198.51.100.1"


def test_trusted_proxies_alone_give_the_right_most_untrusted_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "::1/128"]
    assert address("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2") == "198.51.100.1"
    assert address("::1", "2001:db8::1") == "2001:db8::1"


# --- through HTTP: the submission limit per address ----------------------------------------


@pytest.fixture
def ip_limit(settings, publish):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_SUBMISSIONS_PER_VISITOR = "100/h"
    settings.RATELIMIT_SUBMISSIONS_PER_IP = "2/h"
    publish("which-morning-drink")
    return settings


def submit(forwarded: str) -> int:
    client = Client(HTTP_USER_AGENT=BROWSER_UA)  # a new visitor each time
    url = responses_url("which-morning-drink")
    response = post_json(
        client, url, {"answers": ANSWERS}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
    )
    return response.status_code


@pytest.mark.django_db
def test_spoofed_headers_from_one_address_share_its_limit(ip_limit):
    ip_limit.TRUSTED_PROXY_COUNT = 0
    statuses = [submit(f"198.51.100.{n}") for n in range(1, 4)]
    assert statuses == [201, 201, 429]
    assert Result.objects.count() == 2


@pytest.mark.django_db
def test_clients_behind_a_trusted_proxy_get_limits_of_their_own(ip_limit):
    ip_limit.TRUSTED_PROXY_COUNT = 1
    assert [submit("198.51.100.1") for _ in range(3)] == [201, 201, 429]
    # Another client behind the same proxy is not locked out by the first one...
    assert submit("198.51.100.2") == 201
    # ...and the first cannot escape its limit by writing another address to the left.
    assert submit("6.6.6.6, 198.51.100.1") == 429


# --- through HTTP: allauth's failed-login limit per address ---------------------------------


def log_in(email: str, password: str, forwarded: str):
    return Client().post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def fail_logins(forwarded: str) -> None:
    # Ten different accounts, so that only the per-address limit (10/m/ip) is reached.
    for n in range(10):
        response = log_in(f"nobody{n}@example.com", "wrong password!", forwarded)
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()


@pytest.mark.django_db
def test_bad_logins_behind_a_trusted_proxy_do_not_lock_out_another_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    editor = UserFactory(email="erin@example.com")
    fail_logins("198.51.100.1")
    assert (
        LOCKED in log_in("nobody@example.com", "wrong password!", "198.51.100.1").content.decode()
    )
    response = log_in(editor.email, "correct horse battery", "198.51.100.2")
    assert response.status_code == 302


@pytest.mark.django_db
def test_bad_logins_with_spoofed_headers_count_for_the_one_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    fail_logins("198.51.100.1")
    response = log_in("nobody@example.com", "wrong password!", "198.51.100.2")
    assert LOCKED in response.content.decode()
