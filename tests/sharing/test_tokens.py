"""API tokens: hashed, made and revoked on the account page or by command; 401/403."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiToken
from accounts.tokens import token_authenticate, token_create, token_revoke
from tests.factories import UserFactory

URL = "/api/quizzes/which-morning-drink/stats/"


def get(token: str | None, url: str = URL, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(url, **headers, **extra)


def test_tokens_are_stored_hashed(editor):
    row, plaintext = token_create(user=editor, name="report")
    row.refresh_from_db()
    assert plaintext.startswith("qb_") and len(plaintext) > 40
    assert row.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert row.prefix == plaintext[:10]
    assert plaintext not in {row.digest, row.prefix, row.name}
    assert token_authenticate(f"Bearer {plaintext}") == editor


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer qb_wrong", "Token x", "Basic dXNlcjpwYXNz"]
)
def test_a_missing_or_wrong_token_is_a_401(published_quiz, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = Client().get(URL, **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert list(response.json()["errors"]) == ["token"]


def test_a_revoked_token_or_inactive_user_is_a_401(published_quiz, editor):
    row, plaintext = token_create(user=editor)
    assert get(plaintext).status_code == 200
    assert token_revoke(user=editor, token_id=row.pk) is True
    assert token_revoke(user=editor, token_id=row.pk) is False
    assert get(plaintext).status_code == 401
    _, other = token_create(user=editor)
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    assert get(other).status_code == 401


def test_a_user_who_may_not_see_the_quiz_gets_a_403(published_quiz, other_author):
    _, author_token = token_create(user=other_author)
    response = get(author_token)
    assert response.status_code == 403
    assert list(response.json()["errors"]) == ["quiz"]
    _, plain_token = token_create(user=UserFactory(username="nobody"))
    assert get(plain_token).status_code == 403


def test_an_author_the_quiz_is_shared_with_may_see_its_stats(published_quiz, other_author):
    published_quiz.shared_with.add(other_author)
    _, token = token_create(user=other_author)
    assert get(token).status_code == 200


def test_a_private_draft_and_an_unknown_slug_get_the_same_403(editor, author, other_author):
    from quizzes.authoring.services import quiz_import
    from tests.conftest import demo_data

    quiz_import(data=demo_data("which-morning-drink"), user=author)  # alice's private draft
    _, bobs = token_create(user=other_author)
    _, erins = token_create(user=editor)

    draft = get(bobs, "/api/quizzes/which-morning-drink/stats/")
    unknown = get(bobs, "/api/quizzes/nope/stats/")
    unknown_to_an_editor = get(erins, "/api/quizzes/nope/stats/")

    assert draft.status_code == unknown.status_code == unknown_to_an_editor.status_code == 403
    assert draft.json() == unknown.json() == unknown_to_an_editor.json()
    assert draft.json() == {
        "errors": {"quiz": ["This token's user may not see a quiz at this address."]}
    }
    assert get(erins, "/api/quizzes/which-morning-drink/stats/").status_code == 200


def test_last_use_is_recorded(published_quiz, editor):
    row, token = token_create(user=editor)
    get(token)
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_create_api_token_prints_a_working_token(published_quiz, editor):
    out = io.StringIO()
    call_command("create_api_token", "erin", stdout=out)
    token = out.getvalue().strip()
    assert get(token).status_code == 200
    assert ApiToken.objects.get(user=editor).name == "command line"


def test_create_api_token_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "ghost", stdout=io.StringIO())


def test_the_account_page_makes_a_token_shown_once_and_revokes_it(published_quiz, editor):
    client = Client()
    client.force_login(editor)
    page = client.get("/account/")
    assert page.status_code == 200
    assert 'href="/accounts/password/change/"' in page.content.decode()
    assert 'href="/accounts/email/"' in page.content.decode()

    made = client.post("/account/tokens/", {"name": "weekly report"})
    assert made.status_code == 201
    token = re.search(r'value="(qb_[^"]+)" aria-label="New token"', made.content.decode())[1]
    assert get(token).status_code == 200
    again = client.get("/account/").content.decode()
    assert token not in again
    assert token[:10] in again and "weekly report" in again

    row = ApiToken.objects.get(user=editor)
    revoked = client.post(f"/account/tokens/{row.pk}/revoke/")
    assert revoked.status_code == 302
    assert get(token).status_code == 401


def test_nobody_revokes_another_users_token(editor, other_author):
    row, token = token_create(user=editor)
    client = Client()
    client.force_login(other_author)
    client.post(f"/account/tokens/{row.pk}/revoke/")
    assert token_authenticate(f"Bearer {token}") == editor


def test_the_account_page_needs_a_login(db):
    response = Client().get("/account/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "For the stats API: send <code>Authorization: Bearer &lt;token&gt;</code>."),
        ("zh-hans", "发送请求头 <code>Authorization: Bearer &lt;token&gt;</code>。"),
    ],
)
def test_the_account_page_shows_the_header_with_its_token_placeholder(editor, language, sentence):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(editor)

    html = client.get("/account/").content.decode()

    assert sentence in html
    assert "Bearer <token>" not in html  # a raw <token> is an unknown tag: browsers hide it
