"""Editors' sessions (OWASP ASVS L2, sections 2 and 3).

- Two-factor authentication required where it matters: staff reach the admin site, and (with
  MFA_REQUIRED_FOR_EDITORS) editors reach the studio, only once they have set up an
  authenticator app. Everyone else may add one from the account page.
- A logged-in session ends after SESSION_IDLE_TIMEOUT seconds without a request (3.3.2).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User  # Django's own user model

# Recovery codes alone are not a second factor: they come with an authenticator app.
FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def mfa_required(*, user: User | AnonymousUser, path: str) -> bool:
    """Whether `user` must have an authenticator before opening `path`."""
    if not user.is_authenticated:
        return False
    staff = settings.MFA_REQUIRED_FOR_STAFF and user.is_staff
    if staff and path.startswith(reverse("admin:index")):
        return True
    if settings.MFA_REQUIRED_FOR_EDITORS and path.startswith(reverse("quizzes:dashboard")):
        return user.groups.filter(name="Editors").exists()
    return False


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # mfa_required is False for anonymous users; the first test says so to the type checker.
        if (
            user.is_authenticated
            and mfa_required(user=user, path=request.path)
            and not is_mfa_enabled(user, types=FACTORS)
        ):
            messages.info(
                request,
                _("Set up two-factor authentication first: this part of the site needs it."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


LAST_SEEN = "qb_last_seen"
# The stamp is rewritten at most once a minute: a click is not a session write.
LAST_SEEN_EVERY = 60


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)  # flushes the session: a new key, nothing of the old one kept
                messages.info(request, _("You were logged out after a period of inactivity."))
            elif not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
