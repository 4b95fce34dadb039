"""Anonymous visitors: a signed, first-party cookie id, and a keyed hash of the IP.

No account, no raw IP anywhere: rate limits and de-duplication use `ip_hash`, keyed with a
secret that rotates daily, so yesterday's hashes cannot be joined with today's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SALT = "quizbuilder.visitor"


def visitor_new_id() -> str:
    return secrets.token_urlsafe(15)


def ip_hash(request: HttpRequest) -> str:
    """A daily-rotating keyed hash of the client address: stable for a day, never reversible."""
    ip = request.META.get("REMOTE_ADDR", "") or ""
    day = timezone.now().date().isoformat()
    key = hmac.new(settings.SECRET_KEY.encode(), f"ip-key:{day}".encode(), hashlib.sha256)
    return hmac.new(key.digest(), ip.encode(), hashlib.sha256).hexdigest()[:32]


class VisitorMiddleware:
    """Sets `request.visitor` from the signed cookie, or a new id that the response stores.

    A view sets `request.visitor_cookie = False` to send no cookie (link-preview bots).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = settings.VISITOR_COOKIE_NAME
        visitor = None
        if name in request.COOKIES:
            try:
                visitor = request.get_signed_cookie(name, salt=SALT)
            except (BadSignature, KeyError, ValueError):
                visitor = None
        request.visitor_is_new = visitor is None  # type: ignore[attr-defined]
        request.visitor = visitor or visitor_new_id()  # type: ignore[attr-defined]
        request.visitor_cookie = True  # type: ignore[attr-defined]
        response = self.get_response(request)
        if request.visitor_is_new and request.visitor_cookie:  # type: ignore[attr-defined]
            response.set_signed_cookie(
                name,
                request.visitor,  # type: ignore[attr-defined]
                salt=SALT,
                max_age=settings.VISITOR_COOKIE_MAX_AGE,
                httponly=True,
                secure=not settings.DEBUG,
                samesite="Lax",
            )
        return response
