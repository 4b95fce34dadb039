"""A logged-in session ends after SESSION_IDLE_TIMEOUT seconds without a request (OWASP ASVS L2,
3.3.2). Time travels by moving the session's last-seen stamp back, as the clock would."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_SEEN

PASSWORD = "correct horse battery"  # tests/factories.py
EIGHT_HOURS = 8 * 60 * 60


def logged_in(editor) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": editor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 200
    return client


def idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_the_default_idle_timeout_is_eight_hours(settings):
    assert settings.SESSION_IDLE_TIMEOUT == EIGHT_HOURS


def test_a_session_idle_for_longer_than_the_timeout_is_logged_out(editor):
    client = logged_in(editor)
    idle_for(client, EIGHT_HOURS + 60)

    response = client.get(reverse("accounts:account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert b"You were logged out after a period of inactivity." in page.content


def test_a_session_used_within_the_timeout_stays_and_its_clock_restarts(editor):
    client = logged_in(editor)
    idle_for(client, EIGHT_HOURS - 60)

    assert client.get(reverse("accounts:account")).status_code == 200
    assert int(time.time()) - client.session[LAST_SEEN] < 60
    idle_for(client, EIGHT_HOURS - 60)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_the_timeout_follows_the_setting(editor, settings):
    settings.SESSION_IDLE_TIMEOUT = 15 * 60
    client = logged_in(editor)
    idle_for(client, 16 * 60)

    assert client.get(reverse("accounts:account")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_idle_session_cannot_post_either(editor):
    client = logged_in(editor)
    idle_for(client, EIGHT_HOURS + 60)

    response = client.post(reverse("accounts:token-create"), {"name": "late"})

    assert response.status_code == 302
    assert not editor.api_tokens.exists()


def test_visitors_get_no_session_from_it(db, visitor):
    visitor.get(reverse("quizzes:home"))

    assert LAST_SEEN not in visitor.session


# Found by tests/test_fuzz.py on PostgreSQL: `sessionid=0000000\x00` reached the session query
# and PostgreSQL refused the NUL (DataError, a 500 on every page).
@pytest.mark.parametrize(
    "key", ["0000000\x00", "a" * 31 + "\x00", "ABCDEFGHIJKLMNOP", "x" * 8 + "é"]
)
def test_a_session_cookie_that_cannot_be_a_key_is_no_session_and_no_query(db, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_COOKIE=f"sessionid={key}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/quizzes/")
    assert response.status_code == 200
    assert not [q["sql"] for q in queries if "django_session" in q["sql"]]


def test_a_real_session_still_logs_in(editor):
    client = logged_in(editor)
    assert len(client.cookies["sessionid"].value) == 32
    assert client.get(reverse("accounts:account")).status_code == 200
