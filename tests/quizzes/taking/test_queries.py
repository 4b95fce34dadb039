"""The quiz page and a submission cost a fixed number of SQL queries, whatever the size."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.authoring.services import quiz_import
from tests.quizzes.takehelp import BROWSER_UA, post_json, responses_url

pytestmark = pytest.mark.django_db

# The intro: the published quiz on a cache miss, then the view (a conditional insert).
INTRO_QUERIES = 2
# The intro page also asks the room above for its link-preview picture (cached).
INTRO_PAGE_QUERIES = 3
# A submission: the take, the referral, the result, the default share (get or create, with
# its savepoint), the sharing room's hand-over of minted links, the answer events.
SUBMIT_QUERIES = 12
SIZES = (5, 40)


def sized_quiz(n: int) -> dict:
    return {
        "format": "quizbuilder/1",
        "slug": f"size-{n}",
        "title": f"{n} questions",
        "kind": "score",
        "questions": [
            {
                "key": f"q{i}",
                "type": "single",
                "prompt": f"Question {i}",
                "choices": [
                    {"key": "no", "label": "No", "value": 0},
                    {"key": "yes", "label": "Yes", "value": 1},
                ],
            }
            for i in range(n)
        ],
        "outcomes": [
            {"key": "low", "title": "Low {score}", "max": n // 2},
            {"key": "high", "title": "High {score}"},
        ],
    }


@pytest.fixture
def quizzes(editor):
    for n in SIZES:
        quiz_import(data=sized_quiz(n), user=editor, publish=True)


def counted(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return len(queries), response


def test_the_quiz_page_runs_a_fixed_number_of_queries(
    client, quizzes, django_assert_max_num_queries
):
    cold, warm = {}, {}
    for n in SIZES:
        cold[n], response = counted(
            lambda n=n: client.get(f"/q/size-{n}/", HTTP_USER_AGENT=BROWSER_UA)
        )
        assert response.content.decode().count('class="q-screen"') == n
        client.cookies.clear()
        warm[n], response = counted(
            lambda n=n: client.get(f"/q/size-{n}/", HTTP_USER_AGENT=BROWSER_UA)
        )
        assert response.status_code == 200
    assert cold[5] == cold[40] <= INTRO_PAGE_QUERIES
    assert warm[5] == warm[40] == 1  # cached definition and page: only the view is written


def test_the_quiz_api_runs_a_fixed_number_of_queries(
    client, quizzes, django_assert_max_num_queries
):
    for n in SIZES:
        with django_assert_max_num_queries(INTRO_QUERIES):
            response = client.get(f"/api/quizzes/size-{n}/", HTTP_USER_AGENT=BROWSER_UA)
        assert len(response.json()["questions"]) == n


def test_a_submission_runs_a_fixed_number_of_queries(
    client, quizzes, django_assert_max_num_queries
):
    counts = {}
    for n in SIZES:
        client.get(f"/api/quizzes/size-{n}/")  # warm the published cache
        body = json.dumps(
            {"answers": {f"q{i}": "yes" for i in range(n)}, "take": "k" * 22, "ref": "abc"}
        )
        with django_assert_max_num_queries(SUBMIT_QUERIES):
            counts[n], response = counted(
                lambda n=n, body=body: post_json(client, responses_url(f"size-{n}"), body)
            )
        assert response.status_code == 201
        assert response.json()["outcome"]["title"] == f"High {n}"
    assert counts[5] == counts[40]


def test_the_result_page_and_api_run_a_fixed_number_of_queries(
    client, quizzes, django_assert_max_num_queries
):
    for n in SIZES:
        answers = {f"q{i}": "no" for i in range(n)}
        body = post_json(client, responses_url(f"size-{n}"), {"answers": answers}).json()
        # The result and its share link; the card; the referral its owner is compared
        # through; how common the outcome is (rollups and today's results, then cached); and
        # what integrations adds: the call to action, the lead form and whether it is locked.
        with django_assert_max_num_queries(9):
            assert client.get(f"/r/{body['id']}/").status_code == 200
        with django_assert_max_num_queries(3):
            assert client.get(f"/api/results/{body['id']}/").status_code == 200
