from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static


def _logo_url() -> str:
    logo = settings.SITE_LOGO_URL
    if not logo or logo.startswith(("http://", "https://", "/")):
        return logo
    return static(logo)


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_LOGO_URL": _logo_url(),
    }
