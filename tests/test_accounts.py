"""Editors' accounts: login by email, sign-up closed unless opened, the two roles, password
reset, invitations by staff, and allauth's pages wearing the site's layout."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery"  # tests/factories.py
NEW_PASSWORD = "a brand-new passphrase 42"
LINK = re.compile(r"https?://testserver(/accounts/password/reset/key/[^\s]+/)")

User = get_user_model()


def log_in(client: Client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def choose_password_from(message: mail.EmailMessage, client: Client) -> None:
    """Follow the emailed link and choose NEW_PASSWORD, as the recipient would."""
    path = LINK.search(message.body).group(1)
    # allauth moves the key into the session and redirects to a key-less URL.
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert b'name="password1"' in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")


# Login


def test_an_editor_logs_in_with_email_and_password(editor, client):
    response = log_in(client, "erin@example.com", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:dashboard")
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_the_email_is_case_insensitive(editor, client):
    response = log_in(client, "Erin@Example.COM", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_a_wrong_password_does_not_log_in(editor, client):
    response = log_in(client, "erin@example.com", "not the password")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"The email address and/or password you specified are not correct." in (response.content)


def test_there_is_no_username_field_on_the_login_page(db, client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert b'name="login"' in response.content
    assert b'type="email"' in response.content
    assert b'name="username"' not in response.content


# Sign-up


def test_sign_up_is_closed_by_default(db, client):
    page = client.get(reverse("account_signup"))
    posted = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert page.status_code == 200
    assert b"Sign-up is closed" in page.content
    assert b'name="password1"' not in page.content
    assert posted.status_code == 200
    assert not User.objects.filter(email="new@example.com").exists()


def test_the_login_page_says_accounts_are_by_invitation_when_sign_up_is_closed(db, client):
    response = client.get(reverse("account_login"))

    assert b"New accounts are by invitation" in response.content
    assert reverse("account_signup").encode() not in response.content


def test_sign_up_opens_with_the_setting(db, client, settings):
    settings.ACCOUNT_SIGNUP_OPEN = True

    page = client.get(reverse("account_signup"))
    posted = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert page.status_code == 200
    assert b'name="password1"' in page.content
    assert posted.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.groups.count() == 0  # a role is given by staff, never by signing up
    assert reverse("account_signup").encode() in Client().get(reverse("account_login")).content


# Roles


def perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


AUTHORING = {
    "quizzes.add_quiz",
    "quizzes.change_quiz",
    "quizzes.view_quiz",
    "quizzes.add_quizversion",
    "quizzes.change_quizversion",
    "quizzes.view_quizversion",
    *(
        f"quizzes.{a}_{m}"
        for a in ("add", "change", "delete", "view")
        for m in ("question", "choice", "outcome", "variable")
    ),
    "quizzes.view_auditentry",
}


def test_the_migrations_make_the_authors_role(db):
    assert perms("Authors") == AUTHORING


def test_the_migrations_make_the_editors_role_with_stats(db):
    assert perms("Editors") == AUTHORING | {
        "quizzes.view_result",
        "sharing.view_share",
        "sharing.view_click",
        "sharing.view_dailystats",
    }


def test_no_role_may_delete_a_quiz_or_a_version(db):
    for role in ("Authors", "Editors"):
        assert "quizzes.delete_quiz" not in perms(role)
        assert "quizzes.delete_quizversion" not in perms(role)


# Password reset


def test_the_password_reset_page_renders_in_the_site_layout(db, client):
    response = client.get(reverse("account_reset_password"))

    assert response.status_code == 200
    assert b'class="site-header"' in response.content
    assert b"/static/css/site.css" in response.content
    assert b'class="btn' in response.content


def test_password_reset_emails_a_link_that_sets_a_new_password(editor, client):
    response = client.post(reverse("account_reset_password"), {"email": "erin@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["erin@example.com"]
    assert message.subject == "[Quizbuilder] Password Reset Email"
    assert "Hello from Quizbuilder!" in message.body
    assert client.get(reverse("account_reset_password_done")).status_code == 200

    choose_password_from(message, Client())

    assert log_in(Client(), "erin@example.com", NEW_PASSWORD).status_code == 302
    assert log_in(Client(), "erin@example.com", PASSWORD).status_code == 200


def test_a_used_reset_link_does_not_work_twice(editor, client):
    client.post(reverse("account_reset_password"), {"email": "erin@example.com"})
    message = mail.outbox[0]
    choose_password_from(message, Client())

    again = Client().get(LINK.search(message.body).group(1), follow=True)

    assert again.status_code == 200
    assert b"Bad Token" in again.content
    assert b'name="password1"' not in again.content


# Invitations


def test_the_send_invitation_action_emails_a_password_link(admin_client, author):
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_invitation", "_selected_action": [author.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert b"Sent 1 invitation." in response.content
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "[Quizbuilder] You are invited to Quizbuilder"
    assert "as an author." in message.body
    assert "http://testserver/accounts/login/" in message.body

    choose_password_from(message, Client())

    assert log_in(Client(), "alice@example.com", NEW_PASSWORD).status_code == 302


def test_the_invitation_action_skips_a_user_without_email(admin_client, author):
    nameless = UserFactory(username="nomail", email="")

    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_invitation", "_selected_action": [nameless.pk, author.pk]},
        follow=True,
    )

    assert b"Not sent: nomail has no email address." in response.content
    assert b"Sent 1 invitation." in response.content
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_staff_invite_an_editor_who_then_chooses_a_password(
    admin_client, django_capture_on_commit_callbacks
):
    page = admin_client.get(reverse("admin:auth_user_invite"))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:auth_user_invite"),
            {"email": "Nora@Example.com", "role": "Editors", "staff": "on"},
        )

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:auth_user_changelist")
    nora = User.objects.get(email="nora@example.com")
    assert list(nora.groups.values_list("name", flat=True)) == ["Editors"]
    assert nora.is_staff
    assert not nora.has_usable_password()
    assert EmailAddress.objects.filter(user=nora, email="nora@example.com", primary=True).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nora@example.com"]
    assert "as an editor." in mail.outbox[0].body

    choose_password_from(mail.outbox[0], Client())

    browser = Client()
    assert log_in(browser, "nora@example.com", NEW_PASSWORD).status_code == 302
    assert browser.session["_auth_user_id"] == str(nora.pk)


def test_inviting_an_address_that_has_an_account_is_refused(
    admin_client, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:auth_user_invite"),
            {"email": "alice@example.com", "role": "Authors"},
        )

    assert response.status_code == 200
    assert b"This address already has an account." in response.content
    assert User.objects.filter(email="alice@example.com").count() == 1
    assert mail.outbox == []


def test_the_user_list_links_to_the_invite_page(admin_client):
    response = admin_client.get(reverse("admin:auth_user_changelist"))

    assert response.status_code == 200
    assert reverse("admin:auth_user_invite").encode() in response.content


def test_only_staff_who_may_add_users_reach_the_invite_page(author, client):
    author.is_staff = True
    author.save(update_fields=["is_staff"])
    client.force_login(author)

    response = client.get(reverse("admin:auth_user_invite"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_a_visitor_is_sent_to_the_admin_login_from_the_invite_page(db, client):
    response = client.get(reverse("admin:auth_user_invite"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# The pages wear the site's layout


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"],
)
def test_entrance_pages_use_the_site_layout(db, client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert b'class="site-header"' in response.content
    assert b'class="site-footer"' in response.content
    assert b"<title>" in response.content
    assert b"\xc2\xb7 Quizbuilder</title>" in response.content


@pytest.mark.parametrize("name", ["account_change_password", "account_email", "account_logout"])
def test_account_pages_use_the_site_layout_with_the_account_menu(editor, client, name):
    client.force_login(editor)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert b'class="site-header"' in response.content
    assert b'class="subnav"' in response.content
    assert b'aria-current="page"' in response.content or name == "account_logout"


def test_an_editor_changes_their_password(editor, client):
    client.force_login(editor)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)


def test_an_editor_changes_their_email_after_confirming_it(editor, client):
    EmailAddress.objects.create(user=editor, email=editor.email, primary=True, verified=True)
    client.force_login(editor)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "erin.new@example.com"}
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["erin.new@example.com"]
    confirm = re.search(
        r"https?://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body
    )
    assert client.post(confirm.group(1)).status_code == 302
    editor.refresh_from_db()
    assert editor.email == "erin.new@example.com"


def test_logging_out_takes_a_post(editor, client):
    client.force_login(editor)

    assert "_auth_user_id" in client.session
    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
