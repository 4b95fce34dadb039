"""Hostile input to the taking API and the quiz importer: a clear 4xx, never a 500 (issue 9,
findings 3 and 9). Surrogates, huge integers, a race on one take, and JSON errors under /api/."""

from __future__ import annotations

import json

import pytest

from quizzes.models import Result
from tests.quizzes.takehelp import TAKES, post_json, responses_url

pytestmark = pytest.mark.django_db

DRINK = "which-morning-drink"
WEIGHT = "weight-in-10-years"
LONE_SURROGATE = '"Ad\\ud800a"'  # JSON text: a valid escape that decodes to no valid text


def raw_submit(client, slug: str, body: str):
    return post_json(client, responses_url(slug), body)


def test_a_lone_surrogate_in_a_text_answer_is_a_400(visitor, publish):
    publish(DRINK)
    answers = json.dumps({**TAKES[DRINK]["answers"], "name": "X"}).replace('"X"', LONE_SURROGATE)
    response = raw_submit(visitor, DRINK, f'{{"answers": {answers}}}')
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"body": ["The body contains text that is not valid Unicode (a lone surrogate)."]}
    }
    assert Result.objects.count() == 0


def test_a_lone_surrogate_in_ref_is_a_400(visitor, publish):
    publish(DRINK)
    answers = json.dumps(TAKES[DRINK]["answers"])
    response = raw_submit(visitor, DRINK, f'{{"answers": {answers}, "ref": {LONE_SURROGATE}}}')
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]
    assert Result.objects.count() == 0


def test_a_lone_surrogate_in_a_key_or_take_of_an_answer_event_is_a_400(visitor, publish):
    publish(DRINK)
    url = f"/api/quizzes/{DRINK}/answers/"
    response = post_json(visitor, url, f'{{"take": "t" , "question": {LONE_SURROGATE}}}')
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]


def test_a_surrogate_pair_is_text_like_any_other(visitor, publish):
    publish(DRINK)
    answers = json.dumps({**TAKES[DRINK]["answers"], "name": "X"}).replace(
        '"X"', '"\\ud83d\\ude00"'
    )
    response = raw_submit(visitor, DRINK, f'{{"answers": {answers}}}')
    assert response.status_code == 201
    assert Result.objects.get().answers["name"] == "\U0001f600"


@pytest.mark.parametrize("sign", ["", "-"])
def test_a_309_digit_integer_for_a_number_is_out_of_range(visitor, publish, sign):
    publish(WEIGHT)
    answers = json.dumps({**TAKES[WEIGHT]["answers"], "weight": 0}).replace(
        '"weight": 0', f'"weight": {sign}{"9" * 309}'
    )
    response = raw_submit(visitor, WEIGHT, f'{{"answers": {answers}}}')
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["weight"]
    assert response.json()["errors"]["weight"][0].startswith("Enter a number between")
    assert Result.objects.count() == 0


def test_a_take_saved_by_a_concurrent_request_gives_back_that_result(visitor, publish, monkeypatch):
    # Two requests with the same take both pass the "is there a result?" check; the second
    # insert then hits the unique (quiz, take) constraint. Simulate the first request winning
    # in between: the loser answers the winner's result, a 201, not a 500.
    publish(DRINK)
    take = "T" * 22
    first = post_json(
        visitor, responses_url(DRINK), {"answers": TAKES[DRINK]["answers"], "take": take}
    )
    assert first.status_code == 201
    winner = Result.objects.get()
    real_filter = Result.objects.filter
    hidden = {"done": False}

    def filter_hiding_the_winner_once(*args, **kwargs):
        # The check before the insert does not see the winner yet (it has not committed).
        if kwargs.get("take") == take and not hidden["done"]:
            hidden["done"] = True
            return Result.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Result.objects, "filter", filter_hiding_the_winner_once)
    second = post_json(
        visitor, responses_url(DRINK), {"answers": TAKES[DRINK]["answers"], "take": take}
    )
    assert hidden["done"]
    assert second.status_code == 201, second.content
    assert second.json()["id"] == winner.id == first.json()["id"]
    assert Result.objects.count() == 1


def test_a_take_raced_by_another_visitor_gets_a_result_of_its_own(
    visitor, friend, publish, monkeypatch
):
    publish(DRINK)
    take = "U" * 22
    assert (
        post_json(
            friend, responses_url(DRINK), {"answers": TAKES[DRINK]["answers"], "take": take}
        ).status_code
        == 201
    )
    real_filter = Result.objects.filter
    hidden = {"done": False}

    def filter_hiding_once(*args, **kwargs):
        if kwargs.get("take") == take and not hidden["done"]:
            hidden["done"] = True
            return Result.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Result.objects, "filter", filter_hiding_once)
    mine = post_json(
        visitor, responses_url(DRINK), {"answers": TAKES[DRINK]["answers"], "take": take}
    )
    assert mine.status_code == 201, mine.content
    assert Result.objects.count() == 2
    assert Result.objects.get(pk=mine.json()["id"]).take != take


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_of_one_take_all_get_the_same_201(publish, roles):
    # Real concurrency needs a database that takes concurrent writers (PostgreSQL).
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    publish(DRINK)
    visitor = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile Safari")
    visitor.get(f"/q/{DRINK}/")  # the visitor cookie every thread then sends
    body = json.dumps({"answers": TAKES[DRINK]["answers"], "take": "R" * 22})

    def send(_: int) -> tuple[int, str]:
        client = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile Safari")
        client.cookies = visitor.cookies
        client.raise_request_exception = False
        try:
            response = post_json(client, responses_url(DRINK), body)
            return response.status_code, response.json().get("id", "")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(20)))
    assert {status for status, _ in answers} == {201}
    assert len({result_id for _, result_id in answers}) == 1
    assert Result.objects.count() == 1


# Found by tests/test_fuzz.py on PostgreSQL: a NUL in a result's address reached the query,
# and PostgreSQL refuses a NUL in a text parameter (DataError, a 500). An address that cannot
# be a result id now answers 404 without asking the database.
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/r/%00abc/", 404),
        ("post", "/r/%00abc/delete/", 404),
        ("get", "/api/results/%00abc/", 404),
        ("post", "/api/results/%00abc/shares/", 404),
        ("get", "/r/abc%20def/", 404),
    ],
)
def test_a_result_address_that_cannot_be_an_id_is_a_404_without_a_query(
    visitor, method, path, status
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = getattr(visitor, method)(path)
    assert response.status_code == status
    assert not [q["sql"] for q in queries if "quizzes_result" in q["sql"]]
