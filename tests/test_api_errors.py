"""Every answer under /api/ is JSON in api.md's error shape, also when no API view runs
(issue 9, finding 9): unknown paths, bad slugs, wrong methods, a bad Host header, a CSRF
refusal, a PermissionDenied and a server error. Other paths keep Django's HTML pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.urls import include, path

import quizzes.taking.api

pytestmark = pytest.mark.django_db


def _probe(request: HttpRequest) -> JsonResponse:
    return JsonResponse({})  # not csrf_exempt, unlike every real API view


# The site's URLs plus one API view that CSRF protects, to make the middleware refuse.
urlpatterns = [
    path("api/_probe/", _probe),
    path("", include("quizbuilder.urls")),
]
handler400 = "core.api.error_bad_request"
handler403 = "core.api.error_permission_denied"
handler404 = "core.api.error_not_found"
handler500 = "core.api.error_server"


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def assert_json_error(response, status: int, field: str, message: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"errors": {field: [message]}}


NOT_FOUND = "There is nothing at this API address."


@pytest.mark.parametrize(
    "url",
    [
        "/api",
        "/api/",
        "/api/nope/",
        "/api/nope",
        "/api/quizzes/not a slug!/",
        "/api/quizzes/%F0%9F%98%80/responses/",
        "/api/quizzes/which-morning-drink/unknown/",
        "/api/results/",
    ],
)
def test_an_unknown_api_path_or_bad_slug_is_a_json_404(client, url):
    assert_json_error(client.get(url), 404, "path", NOT_FOUND)
    assert_json_error(
        client.post(url, "{}", content_type="application/json"), 404, "path", NOT_FOUND
    )


def test_a_page_outside_the_api_keeps_its_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_wrong_method_is_a_json_405(client):
    response = client.delete("/api/quizzes/")
    assert_json_error(response, 405, "method", "Use GET.")
    assert response["Allow"] == "GET"


def test_a_bad_host_header_is_a_json_400(client):
    response = client.get("/api/quizzes/", HTTP_HOST="evil.example")
    assert_json_error(response, 400, "host", "This site does not answer to that Host header.")


def test_a_bad_host_header_outside_the_api_stays_html(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls(__name__)
def test_a_csrf_refusal_under_the_api_is_json():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/_probe/", "{}", content_type="application/json")
    assert_json_error(
        response, 403, "csrf", "The request was refused by the cross-site request check."
    )


def test_permission_denied_under_the_api_is_a_json_403(client, monkeypatch):
    def refuse():
        raise PermissionDenied

    monkeypatch.setattr(quizzes.taking.api, "quizzes_published", refuse)
    assert_json_error(client.get("/api/quizzes/"), 403, "permission", "You may not do this.")


def test_a_server_error_under_the_api_is_a_json_500(monkeypatch):
    def crash():
        raise RuntimeError("boom")

    monkeypatch.setattr(quizzes.taking.api, "quizzes_published", crash)
    client = Client(raise_request_exception=False)
    response = client.get("/api/quizzes/")
    assert_json_error(
        response, 500, "server", "Something went wrong on our side. Please try again later."
    )
    assert b"boom" not in response.content
