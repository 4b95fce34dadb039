"""The site's own error pages outside the API (which answers JSON: test_api_errors.py): a
mistyped address, a refused page, a bad Host, an expired form and a server error all get a
page in the site's words and language, with a way back, never Django's bare text."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from core.api import error_server

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False  # Django shows its technical pages when debugging


def test_a_mistyped_quiz_address_gets_the_sites_page_in_the_visitors_language(client):
    response = client.get("/q/no-such-quiz/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Nothing here</h1>" in html
    assert 'class="site-header"' in html and 'href="/"' in html
    assert "The requested resource was not found" not in html
    chinese = client.get("/q/no-such-quiz/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="zh-hans">' in chinese and "Nothing here" not in chinese


def test_a_bad_host_gets_a_page_that_needs_no_request(client):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "This request cannot be read" in response.content.decode()


def test_an_expired_form_says_so_and_how_to_go_on():
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"login": "a@example.com", "password": "x"}
    )

    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html and "reload the page" in html


def test_a_server_error_outside_the_api_gets_the_sites_page():
    response = error_server(RequestFactory().get("/q/some-quiz/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and 'href="/"' in html
