"""Two-factor authentication with allauth's MFA: an editor sets up an authenticator app with a
real code, logging in then asks for a code, a recovery code works once, and staff must set it up
before they reach the admin site."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

PASSWORD = "correct horse battery"  # tests/factories.py
SECRET = re.compile(
    rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"|value="([A-Z2-7]+)"[^>]*id="authenticator_secret"'
)


def totp(secret: str) -> str:
    """The code an authenticator app shows now (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits)."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def log_in(client: Client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def set_up_totp(client: Client) -> str:
    """Open the set-up page, read the secret as a person would, answer with its code."""
    # allauth asks for the password again before a new authenticator is added.
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        assert client.post(page["Location"], {"password": PASSWORD}).status_code == 302
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    match = SECRET.search(page.content)
    assert match, page.content.decode()
    secret = (match.group(1) or match.group(2)).decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


@pytest.fixture
def editor_with_totp(editor, client):
    log_in(client, editor.email)
    secret = set_up_totp(client)
    client.post(reverse("account_logout"))
    return editor, secret


def test_the_account_page_links_to_two_factor_authentication(editor, client):
    client.force_login(editor)

    response = client.get(reverse("accounts:account"))

    assert response.status_code == 200
    assert f'href="{reverse("mfa_index")}"'.encode() in response.content
    assert b"Two-factor authentication" in response.content


def test_an_editor_sets_up_an_authenticator_app_with_a_real_code(editor, client):
    log_in(client, editor.email)

    set_up_totp(client)

    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).count() == 1
    # Recovery codes come with it, shown on their page.
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert codes.status_code == 200
    assert len(codes.context["unused_codes"]) == 10


def test_a_wrong_code_does_not_set_up_the_app(editor, client):
    log_in(client, editor.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert b"Incorrect code." in response.content
    assert not Authenticator.objects.filter(user=editor).exists()


def test_logging_in_then_asks_for_the_code(editor_with_totp):
    editor, secret = editor_with_totp
    client = Client()

    response = log_in(client, editor.email)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone does not log in
    done = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    assert done.status_code == 302
    assert done["Location"] == reverse("quizzes:dashboard")
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_a_wrong_code_does_not_log_in(editor_with_totp):
    editor, _ = editor_with_totp
    client = Client()
    log_in(client, editor.email)

    response = client.post(reverse("mfa_authenticate"), {"code": "123456x"})

    assert response.status_code == 200
    assert b"Incorrect code." in response.content
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_logs_in_once(editor_with_totp):
    editor, _ = editor_with_totp
    codes = Authenticator.objects.get(user=editor, type=Authenticator.Type.RECOVERY_CODES)
    code = codes.wrap().get_unused_codes()[0]
    client = Client()
    log_in(client, editor.email)

    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)
    again = Client()
    log_in(again, editor.email)
    refused = again.post(reverse("mfa_authenticate"), {"code": code})
    assert refused.status_code == 200
    assert "_auth_user_id" not in again.session


@pytest.mark.parametrize(
    "name", ["mfa_index", "mfa_activate_totp", "mfa_view_recovery_codes", "mfa_authenticate"]
)
def test_the_two_factor_pages_wear_the_site_layout(editor, client, name):
    if name == "mfa_authenticate":
        Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={})
    log_in(client, editor.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    if name == "mfa_view_recovery_codes":
        set_up_totp(client)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert b'class="site-header"' in response.content
    assert b'class="site-footer"' in response.content
    assert b"\xc2\xb7 Quizbuilder</title>" in response.content


# Required for staff


@pytest.fixture
def staff(editor, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    editor.is_staff = True
    editor.is_superuser = True
    editor.save(update_fields=["is_staff", "is_superuser"])
    return editor


def test_staff_without_an_authenticator_are_sent_from_the_admin_to_set_one_up(staff, client):
    log_in(client, staff.email)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(response["Location"], follow=True).status_code == 200


def test_staff_with_an_authenticator_reach_the_admin(staff, client):
    log_in(client, staff.email)
    set_up_totp(client)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200


def test_staff_reach_the_studio_without_an_authenticator(staff, client):
    log_in(client, staff.email)

    assert client.get(reverse("quizzes:dashboard")).status_code == 200


def test_the_staff_requirement_can_be_turned_off(staff, client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    log_in(client, staff.email)

    assert client.get(reverse("admin:index")).status_code == 200


def test_editors_need_an_authenticator_for_the_studio_when_required(editor, client, settings):
    settings.MFA_REQUIRED_FOR_EDITORS = True
    log_in(client, editor.email)

    response = client.get(reverse("quizzes:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    set_up_totp(client)
    assert client.get(reverse("quizzes:dashboard")).status_code == 200


def test_authors_are_not_editors_for_the_requirement(author, client, settings):
    settings.MFA_REQUIRED_FOR_EDITORS = True
    log_in(client, author.email)

    assert client.get(reverse("quizzes:dashboard")).status_code == 200


def test_the_admin_login_form_is_allauths_so_the_second_factor_is_asked(db, client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
