"""Personal API tokens: made once, shown once, stored as a SHA-256 digest.

A token is `qb_` + 32 random url-safe bytes. Only its digest and its first characters (to
recognise it in a list) are stored, so a leaked database gives nobody access. Every token expires
(API_TOKEN_DAYS_DEFAULT days, at most API_TOKEN_MAX_DAYS), so a forgotten one stops working.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the site keeps Django's own user model

PREFIX = "qb_"
PREFIX_SHOWN = 10
# last_used_at is written at most once a minute per token: a busy script is not a write load.
TOUCH_EVERY = dt.timedelta(minutes=1)


def _digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class TokenRefused(ValueError):
    """The token asked for cannot be made (its lifetime is out of bounds)."""


def token_days_parse(value: str | int | None) -> int:
    """A token's lifetime in days: API_TOKEN_DAYS_DEFAULT when not given, else a whole number
    from 1 to API_TOKEN_MAX_DAYS; raises TokenRefused otherwise."""
    if value is None or value == "":
        return int(settings.API_TOKEN_DAYS_DEFAULT)
    try:
        days = int(str(value).strip()[:12])
    except ValueError:
        days = 0
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise TokenRefused(settings.API_TOKEN_MAX_DAYS)
    return days


def token_create(*, user: User, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """Make a token for `user` valid for `days` (API_TOKEN_DAYS_DEFAULT when None); returns
    the row and the plaintext, which is never stored."""
    days = token_days_parse(days)
    plaintext = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=plaintext[:PREFIX_SHOWN],
        digest=_digest(plaintext),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return token, plaintext


def token_authenticate(header: str | None) -> User | None:
    """The active user of a valid, unrevoked, unexpired `Authorization: Bearer <token>`, else
    None."""
    if not header:
        return None
    scheme, _, plaintext = header.strip().partition(" ")
    plaintext = plaintext.strip()
    if scheme.lower() != "bearer" or not plaintext.startswith(PREFIX) or len(plaintext) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.filter(digest=_digest(plaintext), revoked_at=None, expires_at__gt=now)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of `user`'s tokens; False when it is not theirs or was revoked already."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).update(
            revoked_at=timezone.now()
        )
    )


def user_by_username(username: str) -> User:
    """The user with that username (or email); raises the model's DoesNotExist."""
    users = get_user_model().objects
    found = users.filter(username=username).first() or users.filter(email__iexact=username).first()
    if found is None:
        raise users.model.DoesNotExist(username)
    return found
