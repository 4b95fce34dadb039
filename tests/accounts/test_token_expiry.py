"""API tokens expire (API_TOKEN_DAYS_DEFAULT, at most API_TOKEN_MAX_DAYS): an expired token is a
401 in the API's JSON, the account page shows when each expires and when it was last used, and a
token is revoked there by a POST with its CSRF token."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import token_authenticate, token_create

SLUG = "which-morning-drink"
URL = f"/api/quizzes/{SLUG}/stats/"


@pytest.fixture
def published_quiz(publish):
    return publish(SLUG)


def get(token: str):
    return Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")


def expire(row: ApiToken) -> None:
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_new_token_expires_after_the_default_days(editor, settings):
    settings.API_TOKEN_DAYS_DEFAULT = 30
    before = timezone.now()

    row, _ = token_create(user=editor)

    assert before + dt.timedelta(days=30) <= row.expires_at
    assert row.expires_at <= timezone.now() + dt.timedelta(days=30)


def test_an_expired_token_is_a_401_in_json(published_quiz, editor):
    row, token = token_create(user=editor)
    assert get(token).status_code == 200
    expire(row)

    response = get(token)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert list(response.json()["errors"]) == ["token"]
    assert token_authenticate(f"Bearer {token}") is None


def test_an_expired_token_does_not_record_a_use(published_quiz, editor):
    row, token = token_create(user=editor)
    expire(row)

    get(token)

    row.refresh_from_db()
    assert row.last_used_at is None


def test_the_account_page_makes_a_token_for_the_days_chosen(editor, client):
    client.force_login(editor)

    response = client.post("/account/tokens/", {"name": "report", "days": "7"})

    assert response.status_code == 201
    row = ApiToken.objects.get(user=editor)
    assert dt.timedelta(days=6, hours=23) < row.expires_at - timezone.now() <= dt.timedelta(days=7)
    assert row.expires_at.strftime("%Y-%m-%d").encode() in response.content


@pytest.mark.parametrize("days", ["0", "366", "-5", "1e3", "ninety", "9" * 400])
def test_the_account_page_refuses_days_out_of_bounds_with_a_400(editor, client, days):
    client.force_login(editor)

    response = client.post("/account/tokens/", {"name": "report", "days": days})

    assert response.status_code == 400
    assert b"Choose a number of days from 1 to 365." in response.content
    assert not ApiToken.objects.filter(user=editor).exists()


def test_the_maximum_follows_the_setting(editor, client, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    client.force_login(editor)

    assert client.post("/account/tokens/", {"days": "31"}).status_code == 400
    assert client.post("/account/tokens/", {"days": "30"}).status_code == 201


def test_the_account_page_shows_expiry_last_use_and_expired_tokens(published_quiz, editor):
    used, used_token = token_create(user=editor, name="used")
    get(used_token)
    old, _ = token_create(user=editor, name="old")
    expire(old)
    client = Client()
    client.force_login(editor)

    page = client.get("/account/").content.decode()

    used.refresh_from_db()
    assert "<th>Expires</th>" in page
    assert "<th>Last used</th>" in page
    row = re.search(rf'<tr data-token="{used.pk}">(.*?)</tr>', page, re.S)[1]
    assert used.expires_at.strftime("%Y-%m-%d") in row
    assert used.last_used_at.strftime("%Y-%m-%d %H:%M") in row
    old_row = re.search(rf'<tr data-token="{old.pk}">(.*?)</tr>', page, re.S)[1]
    assert '<span class="status">expired</span>' in old_row
    assert "Revoke" not in old_row


def test_revoking_takes_a_post_with_the_csrf_token(published_quiz, editor):
    row, token = token_create(user=editor)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    assert client.get(f"/account/tokens/{row.pk}/revoke/").status_code == 405
    assert client.post(f"/account/tokens/{row.pk}/revoke/").status_code == 403
    assert get(token).status_code == 200
    page = client.get("/account/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    revoked = client.post(f"/account/tokens/{row.pk}/revoke/", {"csrfmiddlewaretoken": csrf})
    assert revoked.status_code == 302
    assert get(token).status_code == 401


def test_create_api_token_takes_days(editor):
    out = io.StringIO()
    call_command("create_api_token", "erin", "--days", "10", stdout=out)
    row = ApiToken.objects.get(user=editor)
    assert dt.timedelta(days=9, hours=23) < row.expires_at - timezone.now() <= dt.timedelta(days=10)
    with pytest.raises(CommandError, match="--days must be from 1 to 365"):
        call_command("create_api_token", "erin", "--days", "400", stdout=io.StringIO())


def test_the_migration_gives_existing_tokens_an_expiry_from_now(settings):
    """Tokens made before tokens expired: Django fills the new column with the field's
    default, API_TOKEN_DAYS_DEFAULT days from when the migration runs."""
    migration = importlib.import_module("accounts.migrations.0003_api_token_expiry")
    (operation,) = migration.Migration.operations
    settings.API_TOKEN_DAYS_DEFAULT = 90

    filled = operation.field.get_default()

    assert operation.name == "expires_at"
    assert dt.timedelta(days=89, hours=23) < filled - timezone.now() <= dt.timedelta(days=90)
