"""The editor's account page: API tokens (made, shown once, revoked) and allauth's pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .tokens import TokenRefused, token_create, token_days_parse, token_revoke
from .typealias import AuthenticatedRequest


def _page(
    request: AuthenticatedRequest,
    new_token: str | None = None,
    status: int = 200,
    days_error: str | None = None,
) -> HttpResponse:
    tokens = request.user.api_tokens.all()
    context = {
        "tokens": tokens,
        "new_token": new_token,
        "days_error": days_error,
        "days_default": settings.API_TOKEN_DAYS_DEFAULT,
        "days_max": settings.API_TOKEN_MAX_DAYS,
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    return _page(request)


@never_cache
@login_required
@require_POST
def token_new(request: AuthenticatedRequest) -> HttpResponse:
    try:
        days = token_days_parse(request.POST.get("days"))
    except TokenRefused:
        days_error = _("Choose a number of days from 1 to %(max)d.") % {
            "max": settings.API_TOKEN_MAX_DAYS
        }
        return _page(request, status=400, days_error=days_error)
    name = request.POST.get("name", "").strip()
    # Shown in this response only (not redirected through a message or the session).
    _token, plaintext = token_create(user=request.user, name=name, days=days)
    return _page(request, new_token=plaintext, status=201)


@login_required
@require_POST
def token_delete(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    if token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("accounts:account")
