"""Anonymous visitors: a signed, first-party cookie id, and a keyed hash of the IP.

No account, no raw IP anywhere: rate limits and de-duplication use `ip_hash`, keyed with a
secret that rotates daily, so yesterday's hashes cannot be joined with today's. The address
itself comes from `client_address`, the one place that reads X-Forwarded-For (allauth's
adapter asks it too), and only through the trusted-proxy settings.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable, Sequence
from functools import lru_cache

from django.conf import settings
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.cookies import cookie_partition, cookie_samesite

SALT = "quizbuilder.visitor"


class VisitorRequest(HttpRequest):
    """A request that `VisitorMiddleware` has seen: every view behind it may type its
    request so (healthchecks' AuthenticatedHttpRequest), and read `visitor` unchecked."""

    visitor: str  # the browser's id, from its signed cookie or new
    visitor_is_new: bool  # no valid cookie came with the request
    visitor_cookie: bool  # send the cookie if new; a view sets False for link-preview bots


def visitor_new_id() -> str:
    return secrets.token_urlsafe(15)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _address(text: str) -> str | None:
    """`text` as a normalised IP address, None when it is not one (garbage in a header)."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip.version == n.version and ip in n for n in networks)


def client_address(request: HttpRequest) -> str:
    """The address of the client behind our own proxies; REMOTE_ADDR without any.

    X-Forwarded-For is believed only through settings: with TRUSTED_PROXIES, only when the
    peer (REMOTE_ADDR) is one of them; with TRUSTED_PROXY_COUNT = N, the client is the N-th
    address from the right of the header (what our N proxies appended; anything to its left
    was sent by the client and may be forged). With TRUSTED_PROXIES alone, the client is the
    right-most address that is not a trusted proxy. A header too short or not an address
    falls back to REMOTE_ADDR: a misconfigured chain shares a limit, it never lets a client
    pick its own identity.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count: int = settings.TRUSTED_PROXY_COUNT
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    peer = _address(remote)
    if peer is None or (count <= 0 and not networks):
        return remote
    if networks and not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
    hops = [h for h in hops if h]
    if count > 0:
        chosen = _address(hops[-count]) if len(hops) >= count else None
        return chosen or peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer
        if not _trusted(address, networks):
            return address
    return peer


def ip_hash(request: HttpRequest) -> str:
    """A daily-rotating keyed hash of the client address: stable for a day, never reversible."""
    ip = client_address(request)
    day = timezone.now().date().isoformat()
    key = hmac.new(settings.SECRET_KEY.encode(), f"ip-key:{day}".encode(), hashlib.sha256)
    return hmac.new(key.digest(), ip.encode(), hashlib.sha256).hexdigest()[:32]


class VisitorMiddleware:
    """Sets `request.visitor` from the signed cookie, or a new id that the response stores.

    A view sets `request.visitor_cookie = False` to send no cookie (link-preview bots).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    # Annotated as what it becomes: the three attributes are set before anything reads them.
    def __call__(self, request: VisitorRequest) -> HttpResponse:
        name = settings.VISITOR_COOKIE_NAME
        visitor = None
        if name in request.COOKIES:
            try:
                visitor = request.get_signed_cookie(name, salt=SALT)
            except (BadSignature, KeyError, ValueError):
                visitor = None
        request.visitor_is_new = visitor is None
        request.visitor = visitor or visitor_new_id()
        request.visitor_cookie = True
        response = self.get_response(request)
        if request.visitor_is_new and request.visitor_cookie:
            response.set_signed_cookie(
                name,
                request.visitor,
                salt=SALT,
                max_age=settings.VISITOR_COOKIE_MAX_AGE,
                httponly=True,
                secure=settings.VISITOR_COOKIE_SECURE or request.is_secure(),
                # Inside an iframe on a business's site too (core.cookies, CHIPS).
                samesite=cookie_samesite(request),
            )
            cookie_partition(response, request, name)
        return response
