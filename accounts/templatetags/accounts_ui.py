"""Template helpers for the account pages."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_open(context: template.Context) -> bool:
    """Whether the sign-up page accepts new accounts (see AccountAdapter.is_open_for_signup)."""
    request: HttpRequest | None = context.get("request")
    return bool(request is not None and get_adapter(request).is_open_for_signup(request))
