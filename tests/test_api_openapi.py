"""The JSON API on django-ninja (issue 13): its OpenAPI document lists every endpoint of
api.md and integrations.md, Swagger UI answers at /api/docs/ with DEBUG off (its static files
collected and served by WhiteNoise), and the wire format is api.md's to the byte (ninja's
own 405, 401, 422 and pydantic's words never reach a client)."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.tokens import token_create
from quizzes.authoring.services import quiz_import
from quizzes.models import Result
from quizzes.signals import result_body_extras
from sharing.receivers import result_body_part
from tests.conftest import demo_data
from tests.quizzes.takehelp import TAKES

pytestmark = pytest.mark.django_db

JSON = "application/json"

# Every endpoint of api.md and integrations.md (and the funnel's answers, a spec extension).
ENDPOINTS = {
    "/api/quizzes/": {"get"},
    "/api/quizzes/{slug}/": {"get"},
    "/api/quizzes/{slug}/responses/": {"post"},
    "/api/quizzes/{slug}/answers/": {"post"},
    "/api/results/{result_id}/": {"get"},
    "/api/results/{result_id}/shares/": {"post"},
    "/api/quizzes/{slug}/stats/": {"get"},
    "/api/results/{result_id}/lead/": {"post"},
    "/api/quizzes/{slug}/webhooks/": {"get", "post"},
    "/api/webhooks/{webhook_id}/": {"delete"},
}
EDITORS = {"/api/quizzes/{slug}/stats/", "/api/quizzes/{slug}/webhooks/", "/api/webhooks/"}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == JSON
    return response.json()


def test_the_schema_lists_every_endpoint_with_its_methods(schema):
    assert {path: set(ops) for path, ops in schema["paths"].items()} == ENDPOINTS
    assert schema["info"]["version"] == "1"


def test_the_schema_documents_bodies_errors_and_the_token(schema):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            statuses = set(op["responses"])
            assert "405" in statuses, (path, method)
            error = op["responses"]["405"]["content"][JSON]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorOut"}
            assert ("requestBody" in op) == (method == "post"), (path, method)
            editors = any(path.startswith(p) for p in EDITORS)
            assert ("security" in op) == editors, (path, method)
            if editors:
                assert op["security"] == [{"BearerToken": []}]
                assert "401" in statuses and "403" in statuses
    responses = schema["paths"]["/api/quizzes/{slug}/responses/"]["post"]
    assert {"201", "400", "404", "413"} <= set(responses["responses"])
    body = responses["requestBody"]["content"][JSON]["schema"]
    assert body["required"] == ["answers"]
    result = schema["components"]["schemas"]["ResultOut"]["properties"]
    expected = {"id", "quiz", "outcome", "score", "max_score", "values", "result_url"}
    assert expected | {"share_url", "image"} <= set(result)
    assert schema["components"]["securitySchemes"] == {
        "BearerToken": {"type": "http", "scheme": "bearer"}
    }


def test_the_docs_page_is_swagger_ui_with_debug_off(client, settings):
    settings.DEBUG = False
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="swagger-ui"' in html
    assert '"url": "/api/openapi.json"' in html
    # No script from a CDN: the CSP allows this site's scripts only.
    assert "cdn" not in html.lower()


def test_the_docs_static_files_are_collected_and_served_with_debug_off(settings, tmp_path):
    """As in production: collectstatic with the manifest storage, WhiteNoise serving."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()  # its WhiteNoise reads the STATIC_ROOT just collected
    html = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="(/static/ninja/[^"]+)"', html)
    assert {a.split("/")[-1].split(".")[0] for a in assets} >= {"swagger-ui", "swagger-ui-bundle"}
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content), url  # type: ignore[attr-defined]


# --- the wire format of before, byte for byte ------------------------------------------------


@pytest.fixture
def drink(publish):
    return publish("which-morning-drink")


def _post(client: Client, url: str, body: bytes | str, **extra):
    return client.generic("POST", url, body, content_type=JSON, **extra)


RESPONSES = "/api/quizzes/which-morning-drink/responses/"
TOKEN_401 = b'{"errors": {"token": ["Send a valid token: Authorization: Bearer <token>."]}}'


@pytest.mark.parametrize(
    ("method", "url", "body", "extra", "status", "content"),
    [
        (
            "GET",
            "/api/quizzes/no-such-quiz/",
            b"",
            {},
            404,
            b'{"errors": {"quiz": ["No published quiz has this address."]}}',
        ),
        (
            "POST",
            RESPONSES,
            b'{"answers": {}}',
            {"HTTP_ORIGIN": "https://evil.example"},
            403,
            b'{"errors": {"origin": ["Cross-site requests are not allowed."]}}',
        ),
        (
            "POST",
            RESPONSES,
            b'{"answers": {"a": NaN}}',
            {},
            400,
            b'{"errors": {"body": ["Numbers must be finite: NaN and Infinity are not JSON."]}}',
        ),
        (
            "POST",
            RESPONSES,
            b'{"answers": {"a": 1e999}}',
            {},
            400,
            b'{"errors": {"body": ["Numbers must be finite: NaN and Infinity are not JSON."]}}',
        ),
        (
            "POST",
            RESPONSES,
            b"answers=1",
            {},
            400,
            b'{"errors": {"body": ["The body is not valid JSON."]}}',
        ),
        (
            "POST",
            RESPONSES,
            b"[]",
            {},
            400,
            b'{"errors": {"body": ["The body must be a JSON object."]}}',
        ),
        (
            "POST",
            RESPONSES,
            b'{"answers": "' + b"x" * 65536 + b'"}',
            {},
            413,
            b'{"errors": {"body": ["The body is larger than 65536 bytes."]}}',
        ),
        (
            "POST",
            RESPONSES,
            b'{"ref": "x"}',
            {},
            400,
            b'{"errors": {"answers": ["Send the answers as an object of question keys and '
            b'answers."]}}',
        ),
        ("GET", "/api/quizzes/which-morning-drink/stats/", b"", {}, 401, TOKEN_401),
        (
            "GET",
            "/api/quizzes/which-morning-drink/webhooks/",
            b"",
            {"HTTP_AUTHORIZATION": "Bearer nope"},
            401,
            TOKEN_401,
        ),
        ("DELETE", "/api/webhooks/1/", b"", {"HTTP_AUTHORIZATION": "Basic eDp5"}, 401, TOKEN_401),
        (
            "GET",
            "/api/webhooks/one/",
            b"",
            {},
            404,
            b'{"errors": {"path": ["There is nothing at this API address."]}}',
        ),
        (
            "POST",
            "/api/results/no-such-result/shares/",
            b'{"channel": "x"}',
            {},
            404,
            b'{"errors": {"result": ["There is no result at this address."]}}',
        ),
        (
            "POST",
            "/api/results/no-such-result/lead/",
            b"{}",
            {},
            404,
            b'{"errors": {"result": ["There is no result at this address."]}}',
        ),
    ],
)
def test_error_bodies_are_as_before_byte_for_byte(
    client, settings, drink, method, url, body, extra, status, content
):
    settings.DEBUG = False
    response = client.generic(method, url, body, content_type=JSON, **extra)
    assert response.status_code == status
    assert response["Content-Type"] == JSON
    assert response.content == content
    if status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="quizbuilder"'


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("DELETE", "/api/quizzes/", "GET"),
        ("POST", "/api/quizzes/which-morning-drink/", "GET"),
        ("GET", RESPONSES, "POST"),
        ("PUT", "/api/quizzes/which-morning-drink/webhooks/", "GET, POST"),
        ("GET", "/api/webhooks/1/", "DELETE"),
        ("PATCH", "/api/results/abc/lead/", "POST"),
    ],
)
def test_a_wrong_method_is_our_json_405_not_ninjas(client, method, url, allow):
    response = client.generic(method, url)
    assert response.status_code == 405
    assert response["Content-Type"] == JSON
    assert response["Allow"] == allow
    use = " or ".join(allow.split(", "))
    assert response.content == b'{"errors": {"method": ["Use %s."]}}' % use.encode()


def test_a_bad_date_of_the_stats_says_so_in_our_words(client, drink, editor):
    token = token_create(user=editor)[1]
    response = client.get(
        "/api/quizzes/which-morning-drink/stats/?from=2026-13-45&to=x",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.content == b'{"errors": {"from": ["use a date as YYYY-MM-DD."]}}'


def _answers() -> str:
    return json.dumps({"answers": TAKES["which-morning-drink"]["answers"]})


def test_a_result_body_keeps_its_keys_in_order(client, drink):
    response = _post(client, RESPONSES, _answers())
    assert response.status_code == 201
    keys = list(response.json())
    assert keys[:9] == [
        "id",
        "quiz",
        "outcome",
        "score",
        "max_score",
        "values",
        "result_url",
        "share_url",
        "image",
    ]
    again = client.get(f"/api/results/{response.json()['id']}/")
    assert list(again.json()) == keys


def test_quizzes_answers_its_part_alone_without_the_rooms_above(client, drink):
    """quizzes' result API knows nothing of sharing: sharing adds its part through the
    `result_body_extras` signal, and without a receiver the body is quizzes' own."""
    disconnected = result_body_extras.disconnect(dispatch_uid="sharing.result_body_extras")
    assert disconnected
    try:
        response = _post(client, RESPONSES, _answers())
    finally:
        result_body_extras.connect(result_body_part, dispatch_uid="sharing.result_body_extras")
    assert response.status_code == 201
    assert list(response.json()) == [
        "id",
        "quiz",
        "outcome",
        "score",
        "max_score",
        "values",
        "result_url",
    ]
    assert "share_url" in client.get(f"/api/results/{response.json()['id']}/").json()


# --- cookie and CSRF as before ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/quizzes/", "/api/quizzes/which-morning-drink/"])
def test_the_api_sets_the_visitor_cookie_when_there_was_none(settings, drink, url):
    client = Client()
    assert settings.VISITOR_COOKIE_NAME in client.get(url).cookies
    assert settings.VISITOR_COOKIE_NAME not in client.get(url).cookies  # sent back: kept


def test_a_response_is_saved_for_the_visitor_of_the_cookie(settings, drink):
    client = Client()
    response = _post(client, RESPONSES, _answers())
    assert response.status_code == 201
    signed = response.cookies[settings.VISITOR_COOKIE_NAME].value  # "<visitor>:<signature>"
    assert signed.startswith(Result.objects.get(pk=response.json()["id"]).visitor + ":")


def test_a_post_needs_no_csrf_token(drink, editor):
    """Visitors' apps and embeds post without a CSRF token (the Origin check guards)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)  # a session cookie is what makes Django's CSRF check bite
    assert _post(client, RESPONSES, _answers()).status_code == 201


def test_a_draft_is_not_in_the_api(client, editor):
    quiz_import(data=demo_data("weight-in-10-years"), user=editor)
    assert client.get("/api/quizzes/weight-in-10-years/").status_code == 404
