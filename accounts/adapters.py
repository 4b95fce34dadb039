"""allauth customisation: sign-up is by invitation unless ACCOUNT_SIGNUP_OPEN is set, and the
emails speak in the site's name (SITE_NAME, SITE_URL) rather than the Sites framework row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from core.visitors import client_address


@dataclass(frozen=True)
class SiteInfo:
    """What allauth's email templates read from `current_site`."""

    name: str
    domain: str


def site_info() -> SiteInfo:
    return SiteInfo(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's login and sign-up rate limits key on this: the same trusted-proxy rules as
        # every other per-address limit (TRUSTED_PROXY_COUNT, TRUSTED_PROXIES).
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_SIGNUP_OPEN)

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The Sites row says "example.com" unless someone edits it; the settings are the truth.
        super().send_mail(template_prefix, email, {"current_site": site_info(), **context})
