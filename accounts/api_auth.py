"""The editors' API authentication (api.md, "Editors' API") as a django-ninja auth class:
`Authorization: Bearer <token>` of accounts.tokens. Without a valid token ninja raises
AuthenticationError, which core.api_v1 answers with api.md's 401 body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja.security import HttpBearer

from .tokens import token_authenticate

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class BearerToken(HttpBearer):
    """request.auth: the token's active user."""

    def __call__(self, request: HttpRequest) -> User | None:
        # token_authenticate reads the whole header (scheme, prefix, length, expiry).
        return token_authenticate(request.headers.get("Authorization"))

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return token_authenticate(f"Bearer {token}")


bearer_token = BearerToken()
