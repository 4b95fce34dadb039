"""The quiz page counts a browser's view once per visitor, quiz and UTC day, for as little as
that takes (issue 14): a returning visitor's view asks nothing of the database or the cache;
a new visitor's costs its INSERT; with Redis, the seen mark and the per-address view limit
are one round trip. The limit still holds, and Redis down still serves and counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import DatabaseError
from django.test import Client
from redis.connection import AbstractConnection

from quizzes.models import QuizView
from quizzes.taking import funnel
from sharing.models import RefusedRequest
from tests.quizzes.takehelp import BROWSER_UA

pytestmark = pytest.mark.django_db

SLUG = "which-morning-drink"
PAGE = f"/q/{SLUG}/"
# What the view's counting may ask of the shared cache (the page's own read is get_many).
VIEW_CALLS = ("add", "set", "incr", "delete", "claim_counted")


@pytest.fixture
def quiz_page(publish):
    publish(SLUG)
    Client(HTTP_USER_AGENT=BROWSER_UA).get(PAGE)  # draws and caches the page
    QuizView.objects.all().delete()


def browser(address: str = "203.0.113.7") -> Client:
    return Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=address)


def returning(address: str = "203.0.113.7") -> Client:
    """A browser with a visitor cookie and no view yet: /healthz gave it the cookie."""
    client = browser(address)
    assert client.get("/healthz").cookies["qb_visitor"]
    return client


def another_process() -> None:
    """What a second web process knows of this one's marks and copies: nothing."""
    for name in ("local_marks", "local_copies"):
        if hasattr(cache, name):
            getattr(cache, name).clear()


@contextmanager
def cache_calls() -> Iterator[list[str]]:
    """The names of the cache methods called for the view (VIEW_CALLS), in order."""
    calls: list[str] = []
    with ExitStack() as stack:
        for name in VIEW_CALLS:
            real = getattr(cache, name, None)
            if real is None:
                continue

            def spy(*args, _name=name, _real=real, **kwargs):
                calls.append(_name)
                return _real(*args, **kwargs)

            stack.enter_context(mock.patch.object(cache, name, spy))
        yield calls


@contextmanager
def redis_commands() -> Iterator[list[bytes]]:
    """Every command (or pipeline) sent to Redis about the view (its seen mark, qv:..., and
    its limit's counter, rl:...): one entry per round trip. The page's own reads are left
    out (made again whenever this process's copy is older than LOCAL_SECONDS)."""
    sent: list[bytes] = []
    real = AbstractConnection.send_packed_command

    def spy(self, command, check_health=True):
        packed = command if isinstance(command, bytes) else b"".join(command)
        if b":qv:" in packed or b":rl:" in packed:
            sent.append(packed)
        return real(self, command, check_health)

    with mock.patch.object(AbstractConnection, "send_packed_command", spy):
        yield sent


def at(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


# --- what a view costs ----------------------------------------------------------------------


def test_a_returning_visitors_view_asks_neither_the_database_nor_the_cache(
    quiz_page, django_assert_num_queries
):
    visitor = browser()
    visitor.get(PAGE)
    with cache_calls() as calls, django_assert_num_queries(0):
        assert visitor.get(PAGE).status_code == 200
    assert calls == []
    assert QuizView.objects.count() == 1


def test_a_new_visitors_view_is_one_insert_and_no_cache_call_while_limits_are_off(
    quiz_page, django_assert_num_queries
):
    with cache_calls() as calls, django_assert_num_queries(1) as queries:
        assert browser().get(PAGE).status_code == 200
    assert queries.captured_queries[0]["sql"].startswith("INSERT INTO quizzes_quizview ")
    assert calls == []
    assert QuizView.objects.count() == 1


@pytest.mark.redis
def test_with_redis_a_views_mark_and_limit_are_one_round_trip(redis_cache, quiz_page, settings):
    settings.RATELIMIT_ENABLED = True
    browser("198.51.100.1").get(PAGE)  # loads the script into this Redis
    another_process()
    browser("198.51.100.1").get(PAGE)  # and the page into this process
    for client in (browser(), returning()):
        with redis_commands() as sent:
            assert client.get(PAGE).status_code == 200
        assert [c for c in sent if b"EVALSHA" in c] == sent and len(sent) == 1
    visitor = returning()  # a returning visitor this process has not seen: one trip...
    visitor.get(PAGE)
    another_process()
    browser("198.51.100.1").get(PAGE)
    with redis_commands() as sent:
        assert visitor.get(PAGE).status_code == 200  # ...that finds the view counted
    assert len(sent) == 1
    with redis_commands() as sent:
        assert visitor.get(PAGE).status_code == 200  # and remembers it
    assert sent == []
    assert QuizView.objects.count() == 6


def test_a_view_the_insert_did_not_count_is_counted_at_the_next_visit(quiz_page):
    visitor = returning()
    visitor.raise_request_exception = False
    with mock.patch.object(funnel, "_view_insert", side_effect=DatabaseError("gone")):
        assert visitor.get(PAGE).status_code == 500
    assert visitor.get(PAGE).status_code == 200
    assert QuizView.objects.count() == 1


# --- exactness --------------------------------------------------------------------------------


def test_a_view_counts_again_on_the_next_utc_day_and_once_in_it(quiz_page):
    visitor = browser()
    with at(datetime(2026, 12, 7, 23, 59, 59, tzinfo=UTC)):
        visitor.get(PAGE)
        visitor.get(PAGE)
    with at(datetime(2026, 12, 8, 0, 0, 1, tzinfo=UTC)):
        visitor.get(PAGE)
        another_process()
        visitor.get(PAGE)
    days = sorted(str(d) for d in QuizView.objects.values_list("day", flat=True))
    assert days == ["2026-12-07", "2026-12-08"]


def test_returning_visitors_from_one_address_count_only_up_to_the_view_limit(quiz_page, settings):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_VIEWS_PER_IP = "3/h"
    visitors = [returning("192.0.2.9") for _ in range(5)]
    assert [v.get(PAGE).status_code for v in visitors] == [200] * 5
    assert QuizView.objects.count() == 3
    assert RefusedRequest.objects.get(kind="view").count == 2
    # A refused view is not marked as counted: it is tried (and refused) again.
    assert visitors[4].get(PAGE).status_code == 200
    assert RefusedRequest.objects.get(kind="view").count == 3
    assert browser("192.0.2.10").get(PAGE).status_code == 200  # another address
    assert QuizView.objects.count() == 4


@pytest.mark.redis
def test_while_redis_is_down_the_page_is_served_and_each_view_counted_once(
    redis_cache, quiz_page, settings
):
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_VIEWS_PER_IP = "3/h"
    browser("198.51.100.1").get(PAGE)
    redis_cache.stop()
    another_process()
    # An address of its own: the per-process counters of an outage outlive a test.
    clients = [browser("203.0.113.77"), returning("203.0.113.77"), returning("203.0.113.77")]
    for _ in range(2):
        assert [c.get(PAGE).status_code for c in clients] == [200, 200, 200]
    assert returning("203.0.113.77").get(PAGE).status_code == 200  # the fourth: over
    assert QuizView.objects.count() == 4  # 198.51.100.1's, and 3 of the 4 (counted here)


# --- the CSRF token of the cached page ----------------------------------------------------


def token(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match
    return match.group(1)


def switch_language(client: Client, csrf: str):
    data = {"language": "fr", "next": PAGE, "csrfmiddlewaretoken": csrf}
    return client.post("/i18n/setlang/", data)


def test_the_pages_csrf_token_is_accepted_and_differs_at_each_response(quiz_page):
    visitor = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER_UA)
    first = visitor.get(PAGE)
    second = visitor.get(PAGE)
    assert "csrftoken" in first.cookies
    assert "csrftoken" not in second.cookies  # the browser holds it: not sent again
    assert token(first) != token(second)
    assert switch_language(visitor, token(first)).status_code == 302
    assert switch_language(visitor, token(second)).status_code == 302
    forged = token(first)[:-1] + ("a" if token(first)[-1] != "a" else "b")
    assert switch_language(visitor, forged).status_code == 403


def test_a_malformed_csrf_cookie_is_replaced_by_the_page(quiz_page):
    visitor = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER_UA)
    visitor.cookies["csrftoken"] = "not-a-token!"
    page = visitor.get(PAGE)
    assert len(page.cookies["csrftoken"].value) == 32
    assert switch_language(visitor, token(page)).status_code == 302
