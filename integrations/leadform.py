"""What a visitor typed in the result page's lead form, kept across the redirect when it was
refused: the form shows it again with each error beside its field (without JavaScript the
form posts to integrations.views.lead_form_post, which redirects back to the result)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

LEAD_COOKIE = "qb_lead"
LEAD_COOKIE_SECONDS = 120


def lead_typed_get(request: HttpRequest) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(the values typed, the errors by field) of a refused lead form, or two empty dicts."""
    raw = request.get_signed_cookie(
        LEAD_COOKIE, default=None, salt=LEAD_COOKIE, max_age=LEAD_COOKIE_SECONDS
    )
    try:
        kept = json.loads(raw) if raw else {}
    except ValueError:
        return {}, {}
    values, errors = kept.get("values"), kept.get("errors")
    if not isinstance(values, dict) or not isinstance(errors, dict):
        return {}, {}
    return values, {k: [str(m) for m in v] for k, v in errors.items() if isinstance(v, list)}
