"""The signature of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
keyed with the webhook's secret (as Stripe signs its webhooks)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    """The Quizbuilder-Signature header of `body` sent at `timestamp`."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signature_verify(*, secret: str, header: str, body: bytes) -> bool:
    """Whether `header` signs `body` with `secret` (what a receiver checks; used by tests)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    expected = signature_header(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, header.strip())
