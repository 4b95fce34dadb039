"""Request types for views behind `login_required` (healthchecks' `hc/lib/typealias.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the site keeps Django's own user model


class AuthenticatedRequest(HttpRequest):
    """A request `login_required` let through: `user` is a signed-in User, never anonymous."""

    user: User
