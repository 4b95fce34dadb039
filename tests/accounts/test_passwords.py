"""Editors' passwords (OWASP ASVS L2, 2.1.1 and 2.1.7): at least 12 characters, and none of the
common passwords, whichever page sets them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

PASSWORD = "correct horse battery"  # tests/factories.py


def change_password(client, new: str):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )


def test_an_eleven_character_password_is_refused(editor, client):
    client.force_login(editor)

    response = change_password(client, "tq8#vmz2!kw")

    assert response.status_code == 200
    assert b"This password is too short. It must contain at least 12 characters." in (
        response.content
    )
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_a_common_password_of_twelve_characters_is_refused(editor, client):
    client.force_login(editor)

    response = change_password(client, "Q1w2e3r4t5y6")

    assert response.status_code == 200
    assert b"This password is too common." in response.content
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_a_long_uncommon_password_is_accepted(editor, client):
    client.force_login(editor)

    response = change_password(client, "tq8#vmz2!kw7")

    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("tq8#vmz2!kw7")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("tq8#vmz2!kw", b"It must contain at least 12 characters."),
        ("Q1w2e3r4t5y6", b"This password is too common."),
    ],
)
def test_sign_up_refuses_a_short_or_common_password(db, client, settings, password, message):
    settings.ACCOUNT_SIGNUP_OPEN = True

    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert message in response.content
    assert not get_user_model().objects.filter(email="new@example.com").exists()
