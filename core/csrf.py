"""A CSRF token for the hottest pages, drawn with one read of the system's random source.

Django's `get_token` draws the secret and the mask one character at a time with
`secrets.choice`: 64 reads of os.urandom for a new visitor, 32 for a returning one, which
issue 14's profile of the quiz page put at a quarter of its time over the bare view (each read
is a system call). `csrf_token` makes the same token from the same source, in one read:
Django's CsrfViewMiddleware checks it exactly as one of its own (a 32-character secret of
CSRF_ALLOWED_CHARS in the cookie, a fresh mask per response against BREACH).

Unlike `get_token`, a secret the browser already holds is not sent again on every page just to
renew its expiry (a year): a returning visitor's response carries no Set-Cookie for it. A
secret Django replaced (a missing or malformed cookie) is still sent.
"""

from __future__ import annotations

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
_BASE = len(CSRF_ALLOWED_CHARS)
# Bytes at or above this would favour the first characters (256 is not a multiple of 62).
_UNBIASED = 256 - 256 % _BASE


def _random_chars(count: int) -> list[int]:
    """`count` indexes into CSRF_ALLOWED_CHARS, uniform, from os.urandom."""
    out: list[int] = []
    while len(out) < count:
        # A few spare bytes: one read is almost always enough (a byte is kept 97% of the time).
        out.extend(b % _BASE for b in os.urandom(count + 8) if b < _UNBIASED)
    return out[:count]


def csrf_token(request: HttpRequest) -> str:
    """A masked CSRF token for a form on this response, as `django.middleware.csrf.get_token`
    returns: the request's secret (a new one, sent as the CSRF cookie, if it has none)."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH:
        drawn = _random_chars(2 * CSRF_SECRET_LENGTH)
        secret = "".join(CSRF_ALLOWED_CHARS[i] for i in drawn[CSRF_SECRET_LENGTH:])
        request.META["CSRF_COOKIE"] = secret
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
        mask = drawn[:CSRF_SECRET_LENGTH]
    else:
        mask = _random_chars(CSRF_SECRET_LENGTH)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[s] + m) % _BASE] for s, m in zip(secret, mask, strict=True)
    )
    return "".join(CSRF_ALLOWED_CHARS[m] for m in mask) + cipher
