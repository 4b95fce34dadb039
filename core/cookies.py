"""Cookies that must also work inside an iframe on another site, and the `qb_ref` cookie.

`cookie_samesite` / `cookie_partition`: over https the visitor and ref cookies are
`SameSite=None; Secure; Partitioned` (CHIPS), so a quiz embedded on a business's site keeps
one visitor as one visitor (a partitioned cookie lives in the jar of that top-level site; the
browser sends it back only there). Over plain http (development) no browser accepts
`SameSite=None` without `Secure`, so they stay `SameSite=Lax`: an iframe on another *site*
then gets no cookie back and each of its requests is a new visitor (README, "Put a quiz on
your site"); a host page on the same host name with another port is the same site and works.

The `qb_ref` cookie: the share code that brought a friend, kept per quiz for a day.

The "Take the test" button carries the code in its URL (`/q/<slug>/?ref=<code>`) and the
taking flow passes it on in a hidden field or the API body. This signed cookie is the fallback
for when that chain breaks (the friend navigates around, a page is reloaded without the query,
a script drops it). The taking flow reads it with `ref_cookie_get` when the request has no ref.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.signing import BadSignature, b62_decode
from django.http import HttpRequest, HttpResponse

NAME = "qb_ref"
SALT = "quizbuilder.ref"
MAX_AGE = 24 * 60 * 60
MAX_QUIZZES = 5
# A friend reloading the share page of the link they already hold gets no new cookie (a
# signature less per page) unless it was set this long ago: "a day" counts from at most
# this much before their last visit.
REFRESH_AFTER = 60 * 60


def cookie_samesite(request: HttpRequest) -> str:
    """The SameSite of a cookie that embeds need: None over https, Lax over http."""
    return "None" if request.is_secure() else "Lax"


def cookie_partition(response: HttpResponse, request: HttpRequest, name: str) -> None:
    """Mark the cookie `name` set on `response` as Partitioned (CHIPS) over https.

    Django's set_cookie (and Python's Morsel before 3.14) has no `partitioned` flag; the
    attribute rides on the SameSite value, which Morsel writes out verbatim."""
    if request.is_secure() and name in response.cookies:
        response.cookies[name]["samesite"] = "None; Partitioned"


def _entries(request: HttpRequest) -> list[tuple[str, str]]:
    return _read(request)[0]


def _read(request: HttpRequest) -> tuple[list[tuple[str, str]], float]:
    """The cookie's (quiz, code) entries and when it was signed (0 without a valid one)."""
    try:
        raw = request.get_signed_cookie(NAME, default="", salt=SALT, max_age=MAX_AGE)
    except (BadSignature, ValueError):
        return [], 0.0
    entries = []
    for item in (raw or "").split("|"):
        quiz, _, code = item.partition(":")
        if quiz and code:
            entries.append((quiz, code))
    # Signed as "<value>:<timestamp>:<signature>" (TimestampSigner), checked just above.
    parts = request.COOKIES.get(NAME, "").rsplit(":", 2)
    try:
        signed_at = float(b62_decode(parts[1])) if raw and len(parts) == 3 else 0.0
    except ValueError:
        signed_at = 0.0
    return entries, signed_at


def ref_cookie_get(request: HttpRequest, *, quiz_id: int) -> str | None:
    """The code of the last share page this browser opened for that quiz, if any (a day)."""
    for quiz, code in _entries(request):
        if quiz == str(quiz_id):
            return code
    return None


def ref_cookie_set(
    response: HttpResponse, request: HttpRequest, *, quiz_id: int, code: str
) -> None:
    """Remember `code` for that quiz (the latest share page wins), beside up to 4 others; a
    cookie that says so already, set less than REFRESH_AFTER ago, is left as it is."""
    current, signed_at = _read(request)
    if current[:1] == [(str(quiz_id), code)] and time.time() - signed_at < REFRESH_AFTER:
        return
    others = [(q, c) for q, c in current if q != str(quiz_id)]
    entries = [(str(quiz_id), code), *others][:MAX_QUIZZES]
    response.set_signed_cookie(
        NAME,
        "|".join(f"{q}:{c}" for q, c in entries),
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        secure=settings.VISITOR_COOKIE_SECURE or request.is_secure(),
        samesite=cookie_samesite(request),
    )
    cookie_partition(response, request, NAME)
