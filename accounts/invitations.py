"""Invitations: staff create an account for an author or editor, who chooses a password from
an emailed one-time link. The link is allauth's password-reset key, so the page behind it is
allauth's (styled) "choose a new password" page and the key expires the same way."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

AUTHORS = "Authors"
EDITORS = "Editors"
ROLES = (AUTHORS, EDITORS)


class InvitationRefused(Exception):
    """The invitation cannot be made; the message says why, for the person inviting."""


def _absolute(path: str, request: HttpRequest | None) -> str:
    # The admin's own request knows the address the staff member reached the site by;
    # without one (a shell, a task) SITE_URL is the public address.
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"


def _role_phrase(user: Any) -> str:
    names = set(user.groups.values_list("name", flat=True))
    if EDITORS in names:
        return _("an editor")
    if AUTHORS in names:
        return _("an author")
    return _("a member of the team")


def invitation_send(
    *, user: AbstractBaseUser, invited_by: Any, request: HttpRequest | None = None
) -> str:
    """Email `user` a one-time link to choose a password and return the link.

    The link stops working once the password is set (or the email changes), like any allauth
    password-reset key. Raises InvitationRefused for an inactive user or one with no email.
    """
    email = getattr(user, "email", "")
    if not email:
        raise InvitationRefused(_("Not sent: %(user)s has no email address.") % {"user": user})
    if not user.is_active:
        raise InvitationRefused(_("Not sent: %(user)s is not active.") % {"user": user})
    key = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    url = _absolute(path, request)
    inviter = getattr(invited_by, "get_full_name", lambda: "")() or getattr(invited_by, "email", "")
    context = {
        "user": user,
        "email": email,
        "inviter": inviter or settings.SITE_NAME,
        "role": _role_phrase(user),
        "site_name": settings.SITE_NAME,
        "password_set_url": url,
        "login_url": _absolute(reverse("account_login"), request),
    }
    get_adapter(request).send_mail("account/email/invitation", email, context)
    return url


def user_invite(
    *,
    email: str,
    role: str,
    staff: bool,
    invited_by: Any,
    request: HttpRequest | None = None,
) -> AbstractBaseUser:
    """Create an active account for `email` in the `role` group (Authors or Editors), with no
    usable password until its owner chooses one, and send the invitation.

    The email address is recorded as verified: staff vouch for it, and only its owner can use
    the link. Raises InvitationRefused when the address already has an account or the role is
    unknown; nothing is created then.
    """
    email = email.strip().lower()
    if role not in ROLES:
        raise InvitationRefused(_("Unknown role: %(role)s.") % {"role": role})
    User = get_user_model()
    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        raise InvitationRefused(_("%(email)s already has an account.") % {"email": email})
    with transaction.atomic():
        user = User(username=_free_username(email), email=email, is_staff=staff)
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=role))
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    # The email goes out after the commit: no link to a user that a rollback would remove.
    transaction.on_commit(
        lambda: invitation_send(user=user, invited_by=invited_by, request=request)
    )
    return user


def _free_username(email: str) -> str:
    # Logins are by email; the username only has to be unique (the address usually is one).
    User = get_user_model()
    base = email[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate
