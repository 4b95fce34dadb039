"""The taking API (spec/api.md): list, quiz, responses, result; bad input; origins; fuzz."""

from __future__ import annotations

import json
import re
import warnings

import pytest
from django.core.cache import CacheKeyWarning
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from quizzes.authoring.services import quiz_import
from quizzes.models import AnswerEvent, QuizView, Result
from sharing.models import Share
from tests.conftest import demo_data
from tests.quizzes.takehelp import TAKES, post_json, responses_url

pytestmark = pytest.mark.django_db

MULTI_QUIZ = {
    "format": "quizbuilder/1",
    "slug": "picky",
    "title": "Picky",
    "kind": "score",
    "questions": [
        {
            "key": "fruits",
            "type": "multi",
            "prompt": "Pick two or three",
            "min_choices": 2,
            "max_choices": 3,
            "choices": [
                {"key": "a", "label": "A", "value": 1},
                {"key": "b", "label": "B", "value": 1},
                {"key": "c", "label": "C", "value": 1},
                {"key": "d", "label": "D", "value": 1},
            ],
        },
        {"key": "age", "type": "number", "prompt": "Age", "min": 10, "max": 99},
        {"key": "nick", "type": "text", "prompt": "Nickname", "max_length": 5},
    ],
    "outcomes": [{"key": "low", "title": "Low", "max": 50}, {"key": "high", "title": "High"}],
}
GOOD_PICKY = {"fruits": ["a", "b"], "age": 30, "nick": "Al"}


@pytest.fixture
def picky(editor):
    return quiz_import(data=MULTI_QUIZ, user=editor, publish=True)


def submit(client, slug, answers, headers=None, **body):
    return post_json(client, responses_url(slug), {"answers": answers, **body}, **(headers or {}))


# --- list and quiz --------------------------------------------------------------------------


def test_the_list_shows_published_quizzes_only(visitor, publish, editor):
    publish("which-morning-drink")
    quiz_import(data=demo_data("weight-in-10-years"), user=editor)  # a draft only
    response = visitor.get("/api/quizzes/")
    assert response.status_code == 200
    assert response.json() == {
        "quizzes": [
            {
                "slug": "which-morning-drink",
                "title": "Which morning drink are you?",
                "kind": "personality",
                "url": "http://testserver/q/which-morning-drink/",
            }
        ]
    }


def test_the_quiz_shows_what_it_takes_to_answer_and_nothing_more(visitor, publish):
    publish("weight-in-10-years")
    response = visitor.get("/api/quizzes/weight-in-10-years/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"slug", "title", "description", "kind", "language", "questions"}
    assert body["kind"] == "calculator" and body["language"] == "en"
    weight = body["questions"][1]
    assert weight == {
        "key": "weight",
        "type": "number",
        "prompt": "Your weight today",
        "help": "",
        "required": True,
        "min": 30,
        "max": 250,
        "step": 0.1,
        "unit": "kg",
        "max_length": None,
        "min_choices": None,
        "max_choices": None,
        "image": None,
        "show_if": None,
        "choices": [],
    }
    assert body["questions"][3]["choices"][0] == {
        "key": "never",
        "label": "Hardly ever",
        "image": None,
    }
    text = response.content.decode()
    for secret in (
        '"value"',
        '"points"',
        '"correct"',
        '"expr"',
        '"when"',
        '"outcomes"',
        '"variables"',
        "weight_10y",
    ):
        assert secret not in text


def test_a_trivia_quiz_never_shows_which_choice_is_correct(visitor, publish):
    publish("solar-system-trivia")
    text = visitor.get("/api/quizzes/solar-system-trivia/").content.decode()
    assert '"correct"' not in text and '"points"' not in text


def test_an_unknown_or_unpublished_quiz_is_a_json_404(visitor, editor):
    quiz_import(data=demo_data("which-morning-drink"), user=editor)
    responses = [
        visitor.get("/api/quizzes/nope/"),
        visitor.get("/api/quizzes/which-morning-drink/"),
        submit(visitor, "which-morning-drink", {}),
        submit(visitor, "nope", {}),
    ]
    for response in responses:
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "quiz" in response.json()["errors"]


def test_opening_the_quiz_in_a_browser_counts_a_view_but_a_bot_does_not(visitor, client, publish):
    publish("which-morning-drink")
    visitor.get("/api/quizzes/which-morning-drink/")
    visitor.get("/api/quizzes/which-morning-drink/")
    client.get("/api/quizzes/which-morning-drink/", HTTP_USER_AGENT="Twitterbot/1.0")
    assert QuizView.objects.count() == 1


# --- responses: 201 --------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(TAKES))
def test_a_response_gets_the_result_body_with_every_field(visitor, publish, slug):
    publish(slug)
    expected = TAKES[slug]
    response = submit(visitor, slug, expected["answers"])
    assert response.status_code == 201, response.content
    body = response.json()
    result = Result.objects.get()
    share = Share.objects.get(result=result)
    assert set(body) == {
        "id",
        "quiz",
        "outcome",
        "score",
        "max_score",
        "values",
        "result_url",
        "share_url",
        "image",
        "cta",  # spec/integrations.md: null without a call to action
    }
    assert body["cta"] is None
    assert body["id"] == result.id and re.fullmatch(r"[A-Za-z0-9_-]{20,}", body["id"])
    assert body["quiz"] == slug
    assert body["outcome"]["key"] == expected["outcome"]
    assert body["outcome"]["title"] == expected["title"]
    if "description" in expected:
        assert body["outcome"]["description"] == expected["description"]
    assert body["score"] == expected["score"]
    assert body["max_score"] == expected["max_score"]
    assert body["values"] == expected.get("values", {})
    assert body["result_url"] == f"http://testserver/r/{result.id}/"
    assert body["share_url"] == f"http://testserver/s/{share.code}/"
    assert body["image"]["status"] == "pending"
    assert body["image"]["width"] == 1200 and body["image"]["height"] == 630
    assert body["image"]["url"].startswith("http")  # the quiz's fallback card while pending


def test_a_response_saves_the_result_with_expiring_answers_and_the_funnel(visitor, publish):
    publish("which-morning-drink")
    response = submit(visitor, "which-morning-drink", TAKES["which-morning-drink"]["answers"])
    result = Result.objects.get(pk=response.json()["id"])
    assert result.answers == {"alarm": "up", "weekend": "project", "music": "techno", "name": "Ada"}
    assert round((result.answers_expire_at - result.created_at).total_seconds() / 86400) == 30
    assert result.card_text == {
        "headline": "My morning drink: Espresso",
        "subline": "Which morning drink are you?",
        "name": "Ada",
    }
    assert result.visitor == visitor.cookies["qb_visitor"].value.split(":")[0]
    assert sorted(AnswerEvent.objects.values_list("question_key", flat=True)) == [
        "alarm",
        "music",
        "name",
        "weekend",
    ]


def test_the_same_take_sent_twice_makes_one_result(visitor, publish):
    publish("which-morning-drink")
    answers = TAKES["which-morning-drink"]["answers"]
    take = "t" * 22
    first = submit(visitor, "which-morning-drink", answers, take=take)
    second = submit(visitor, "which-morning-drink", answers, take=take)
    assert first.json()["id"] == second.json()["id"]
    assert Result.objects.count() == 1


def test_another_visitors_take_id_does_not_give_their_result(visitor, friend, publish):
    publish("which-morning-drink")
    answers = TAKES["which-morning-drink"]["answers"]
    mine = submit(visitor, "which-morning-drink", answers, take="t" * 22).json()["id"]
    theirs = submit(friend, "which-morning-drink", answers, take="t" * 22).json()["id"]
    assert mine != theirs and Result.objects.count() == 2


def test_an_unknown_or_malformed_ref_is_ignored(visitor, publish):
    publish("which-morning-drink")
    answers = TAKES["which-morning-drink"]["answers"]
    for ref in ("nope", 12, {"x": 1}, "x" * 500, None):
        assert submit(visitor, "which-morning-drink", answers, ref=ref).status_code == 201
    assert Result.objects.filter(referral__share__isnull=False).count() == 0


def test_a_friend_who_came_by_a_share_link_is_referred(visitor, friend, publish):
    publish("which-morning-drink")
    answers = TAKES["which-morning-drink"]["answers"]
    share_url = submit(visitor, "which-morning-drink", answers).json()["share_url"]
    code = share_url.rstrip("/").rsplit("/", 1)[1]
    body = submit(friend, "which-morning-drink", answers, ref=code).json()
    result = Result.objects.get(pk=body["id"])
    assert result.referral.share.code == code and result.referral.depth == 1


def test_the_response_sets_the_visitor_cookie(client, publish):
    publish("which-morning-drink")
    response = submit(client, "which-morning-drink", TAKES["which-morning-drink"]["answers"])
    cookie = response.cookies["qb_visitor"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


# --- responses: 400 ---------------------------------------------------------------------------

BAD = [
    (
        "a missing required answer",
        {"fruits": ["a", "b"], "nick": "Al"},
        "age",
        "Answer this question.",
    ),
    ("an unknown key", {**GOOD_PICKY, "shoe": 42}, "answers", "Unknown question 'shoe'."),
    (
        "a choice key that does not exist",
        {**GOOD_PICKY, "fruits": ["a", "z"]},
        "fruits",
        "Choose only from the options.",
    ),
    (
        "a number out of range",
        {**GOOD_PICKY, "age": 100},
        "age",
        "Enter a number between 10 and 99.",
    ),
    (
        "a number below range",
        {**GOOD_PICKY, "age": 9.5},
        "age",
        "Enter a number between 10 and 99.",
    ),
    ("not a number", {**GOOD_PICKY, "age": "old"}, "age", "Enter a number."),
    ("a boolean for a number", {**GOOD_PICKY, "age": True}, "age", "Enter a number."),
    (
        "a text longer than max_length",
        {**GOOD_PICKY, "nick": "Alexander"},
        "nick",
        "Use at most 5 characters.",
    ),
    (
        "too many choices",
        {**GOOD_PICKY, "fruits": ["a", "b", "c", "d"]},
        "fruits",
        "Choose at most 3 options.",
    ),
    ("too few choices", {**GOOD_PICKY, "fruits": ["a"]}, "fruits", "Choose at least 2 options."),
    (
        "a choice list that is not a list",
        {**GOOD_PICKY, "fruits": "a"},
        "fruits",
        "Choose from the options (a list of them).",
    ),
]


@pytest.mark.parametrize(("case", "answers", "key", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_answers_are_a_400_by_question_key_and_nothing_is_saved(
    visitor, picky, case, answers, key, message
):
    response = submit(visitor, "picky", answers)
    assert response.status_code == 400
    assert response.json()["errors"][key] == [message]
    assert Result.objects.count() == 0 and AnswerEvent.objects.count() == 0
    assert Share.objects.count() == 0


def test_the_good_answers_of_those_cases_pass(visitor, picky):
    assert submit(visitor, "picky", GOOD_PICKY).status_code == 201


def test_a_wrong_single_choice_is_a_400(visitor, publish):
    publish("which-morning-drink")
    answers = {**TAKES["which-morning-drink"]["answers"], "alarm": "never"}
    response = submit(visitor, "which-morning-drink", answers)
    assert response.status_code == 400
    assert response.json() == {"errors": {"alarm": ["Choose one of the options."]}}


EMPTY = "The body is empty: send a JSON object."
NOT_JSON = "The body is not valid JSON."
NOT_FINITE = "Numbers must be finite: NaN and Infinity are not JSON."
NOT_OBJECT = "The body must be a JSON object."
ANSWERS = "Send the answers as an object of question keys and answers."


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ("{not json", "body", NOT_JSON),
        ('{"answers": {"age": 30', "body", NOT_JSON),
        ('{"answers": NaN}', "body", NOT_FINITE),
        ('{"answers": {"age": Infinity}}', "body", NOT_FINITE),
        ('{"answers": {"age": -Infinity}}', "body", NOT_FINITE),
        ('{"answers": {"age": 1e400}}', "body", NOT_FINITE),
        ("[]", "body", NOT_OBJECT),
        ('"answers"', "body", NOT_OBJECT),
        ("12", "body", NOT_OBJECT),
        ("null", "body", NOT_OBJECT),
        ("", "body", EMPTY),
        ("  \n", "body", EMPTY),
        (b"\xff\xfe{}", "body", "The body is not valid UTF-8."),
        ("[" * 5000 + "]" * 5000, "body", "The body is nested too deeply."),
        ("{}", "answers", ANSWERS),
        ('{"answers": []}', "answers", ANSWERS),
        ('{"answers": "x"}', "answers", ANSWERS),
    ],
)
def test_a_body_that_is_not_a_json_object_of_answers_is_a_400_that_says_why(
    visitor, picky, body, field, message
):
    response = post_json(visitor, responses_url("picky"), body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"errors": {field: [message]}}
    assert Result.objects.count() == 0


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_post_that_says_it_is_not_json_is_a_415(visitor, picky, content_type):
    body = json.dumps({"answers": {}})
    response = visitor.post(responses_url("picky"), body, content_type=content_type)
    assert response.status_code == 415
    assert response.json() == {
        "errors": {"body": ["Send the body as JSON (Content-Type: application/json)."]}
    }


def test_json_with_a_charset_or_without_a_content_type_is_read(visitor, picky):
    body = json.dumps({"answers": {}})
    with_charset = visitor.post(
        responses_url("picky"), body, content_type="application/json; charset=utf-8"
    )
    assert with_charset.status_code == 400 and "body" not in with_charset.json()["errors"]
    bare = visitor.generic("POST", responses_url("picky"), body.encode(), content_type="")
    assert bare.status_code == 400 and "body" not in bare.json()["errors"]


def test_a_body_over_64_kb_is_a_413(visitor, picky, settings):
    big = json.dumps({"answers": {**GOOD_PICKY, "pad": "x" * settings.API_MAX_BODY_BYTES}})
    response = post_json(visitor, responses_url("picky"), big)
    assert response.status_code == 413
    assert "body" in response.json()["errors"]


def test_a_body_longer_than_its_content_length_says_is_still_refused(visitor, picky, settings):
    big = json.dumps({"answers": GOOD_PICKY, "pad": "x" * 70000}).encode()
    response = visitor.generic(
        "POST", responses_url("picky"), big, content_type="application/json", CONTENT_LENGTH="100"
    )
    # The server reads the 100 bytes it was told of: a cut JSON text, "not JSON" (api.md).
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_a_declared_length_over_the_limit_is_refused_unread(visitor, picky):
    response = visitor.generic(
        "POST",
        responses_url("picky"),
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH="99999999",
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", responses_url("picky")),
        ("post", "/api/quizzes/"),
        ("put", "/api/quizzes/picky/"),
        ("delete", "/api/results/abc/"),
        ("get", "/api/quizzes/picky/answers/"),
    ],
)
def test_a_wrong_method_is_a_json_405(visitor, picky, method, url):
    response = getattr(visitor, method)(url)
    assert response.status_code == 405
    assert "method" in response.json()["errors"]


# --- origins ------------------------------------------------------------------------------------


def test_a_cross_site_browser_post_is_refused(visitor, picky):
    response = submit(visitor, "picky", GOOD_PICKY, {"HTTP_ORIGIN": "https://evil.example"})
    assert response.status_code == 403
    assert response.json() == {"errors": {"origin": ["Cross-site requests are not allowed."]}}
    assert Result.objects.count() == 0


def test_a_null_origin_is_refused(visitor, picky):
    assert submit(visitor, "picky", GOOD_PICKY, {"HTTP_ORIGIN": "null"}).status_code == 403


@pytest.mark.parametrize("origin", ["http://testserver", "http://127.0.0.1:8000"])
def test_a_post_from_this_site_is_served(visitor, picky, origin, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert submit(visitor, "picky", GOOD_PICKY, {"HTTP_ORIGIN": origin}).status_code == 201


def test_an_origin_allowed_in_settings_is_served_with_cors(visitor, picky, settings):
    settings.API_ALLOWED_ORIGINS = ["https://app.example"]
    response = submit(visitor, "picky", GOOD_PICKY, {"HTTP_ORIGIN": "https://app.example"})
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "https://app.example"
    preflight = visitor.options(responses_url("picky"), HTTP_ORIGIN="https://app.example")
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "POST"


def test_a_client_without_origin_and_without_cookie_is_served(client, picky):
    assert submit(client, "picky", GOOD_PICKY).status_code == 201


# --- result ------------------------------------------------------------------------------------


def test_the_result_can_be_read_again(visitor, friend, publish):
    publish("weight-in-10-years")
    created = submit(visitor, "weight-in-10-years", TAKES["weight-in-10-years"]["answers"])
    again = friend.get(f"/api/results/{created.json()['id']}/")
    assert again.status_code == 200
    assert again.json() == created.json()


def test_an_unknown_result_is_a_json_404_and_a_deleted_one_a_410(visitor, publish):
    publish("which-morning-drink")
    assert visitor.get("/api/results/nope/").status_code == 404
    assert visitor.get("/api/results/" + "x" * 300 + "/").status_code == 404
    rid = submit(visitor, "which-morning-drink", TAKES["which-morning-drink"]["answers"]).json()
    visitor.post(f"/r/{rid['id']}/delete/")
    response = visitor.get(f"/api/results/{rid['id']}/")
    assert response.status_code == 410
    assert "result" in response.json()["errors"]


# --- the funnel endpoint -------------------------------------------------------------------------


def test_an_answered_question_is_counted_once_per_take(visitor, publish):
    publish("which-morning-drink")
    url = "/api/quizzes/which-morning-drink/answers/"
    for _ in range(3):
        assert post_json(visitor, url, {"take": "a" * 20, "question": "alarm"}).status_code == 202
    assert post_json(visitor, url, {"take": "a" * 20, "question": "nope"}).status_code == 400
    assert post_json(visitor, url, {"take": "short", "question": "alarm"}).status_code == 400
    assert list(AnswerEvent.objects.values_list("question_key", "position")) == [("alarm", 0)]


# --- fuzz ----------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
answer_values = st.one_of(
    json_values,
    st.sampled_from(["up", "snooze", "awake", "cafe", "jazz", "", " ", "Ada", "x" * 41]),
    st.lists(st.sampled_from(["up", "hike", "pop", "jazz"]), max_size=3),
)
answers_strategy = st.dictionaries(
    st.sampled_from(["alarm", "weekend", "music", "name", "other", ""]),
    answer_values,
    max_size=6,
)
bodies = st.one_of(
    st.builds(
        lambda a, r, t: {"answers": a, "ref": r, "take": t},
        answers_strategy,
        json_values,
        json_values,
    ),
    st.builds(lambda a: {"answers": a}, answers_strategy),
    json_values,
)


@hsettings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies)
def test_fuzzed_bodies_get_a_201_or_a_4xx_never_a_500(visitor, publish, body):
    publish_once(publish)
    response = post_json(visitor, responses_url("which-morning-drink"), json.dumps(body))
    assert response.status_code in (201, 400), response.content
    assert response["Content-Type"] == "application/json"


@hsettings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_fuzzed_raw_bytes_get_a_4xx_or_a_201_never_a_500(visitor, publish, raw):
    publish_once(publish)
    response = post_json(visitor, responses_url("which-morning-drink"), raw)
    assert response.status_code in (201, 400), response.content


def publish_once(publish):
    from quizzes.models import Quiz

    if not Quiz.objects.filter(slug="which-morning-drink").exists():
        publish("which-morning-drink")


def test_an_over_long_slug_is_a_json_404_without_a_cache_key(visitor, settings):
    # A slug longer than any quiz's is not looked up: no query, no cache entry per attacker
    # string (memcached refuses keys over 250 characters; Django warns for every backend).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        response = visitor.get("/api/quizzes/" + "9" * 300 + "/")
    assert response.status_code == 404
    assert response.json()["errors"]["quiz"]
