"""The JSON API's plumbing (../shared/spec/api.md): the endpoint wrapper, the body parser,
JSON errors, and the site's error handlers that answer JSON under /api/ (the API object
itself, django-ninja's, is core.api_v1).

No session and no CSRF token: a cross-site browser POST is refused by its Origin instead
(allowed: this site, the address the request came to, settings.API_ALLOWED_ORIGINS), and
clients that send no Origin (apps, curl) are served. Every answer is JSON, errors included;
bad input is a 4xx, never a 500. Every room's API operations are built with these.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt


def error(status: int, field: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": {field: [message]}}, status=status)


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}".lower()


def origin_allowed(request: HttpRequest) -> bool:
    """No Origin (not a browser page), this site, or an origin allowed in settings."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = {_origin_of(settings.SITE_URL), f"{request.scheme}://{request.get_host()}".lower()}
    allowed = {_origin_of(o) for o in settings.API_ALLOWED_ORIGINS}
    return origin.lower() in own | allowed


def api_endpoint(
    view: Callable[..., HttpResponse], methods: list[str]
) -> Callable[..., HttpResponse]:
    """`view` as a JSON-only endpoint: 405 for other methods, Origin check on POST, CORS for
    allowed origins (core.api_v1 wraps every route of the API with it)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        origin = request.headers.get("Origin")
        cross = origin is not None and origin.lower() in {
            _origin_of(o) for o in settings.API_ALLOWED_ORIGINS
        }
        response: HttpResponse
        if request.method == "OPTIONS" and cross:
            response = JsonResponse({}, status=200)
            response["Access-Control-Allow-Methods"] = ", ".join(methods)
            response["Access-Control-Allow-Headers"] = "Content-Type"
            response["Access-Control-Max-Age"] = "600"
        elif request.method not in methods:
            response = error(405, "method", f"Use {' or '.join(methods)}.")
            response["Allow"] = ", ".join(methods)
        elif request.method == "POST" and not origin_allowed(request):
            response = error(403, "origin", "Cross-site requests are not allowed.")
        else:
            response = view(request, *args, **kwargs)
        if cross:
            response["Access-Control-Allow-Origin"] = origin or ""
            response["Vary"] = "Origin"
        return response

    return wrapper


class NotFinite(ValueError):
    """NaN, Infinity or a number too large for a float in a request body."""


def _reject_constant(name: str) -> Any:
    raise NotFinite(f"{name} is not allowed")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotFinite("number too large")
    return value


def json_body(request: HttpRequest) -> tuple[dict[str, Any] | None, JsonResponse | None]:
    """The request's JSON object, or the 4xx that says why there is none, in plain words."""
    if request.META.get("CONTENT_TYPE") and request.content_type != "application/json":
        return None, error(415, "body", "Send the body as JSON (Content-Type: application/json).")
    limit = settings.API_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None, error(400, "body", "The Content-Length header is not a number.")
    if declared > limit:
        return None, error(413, "body", f"The body is larger than {limit} bytes.")
    body = request.body
    if len(body) > limit:
        return None, error(413, "body", f"The body is larger than {limit} bytes.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, error(400, "body", "The body is not valid UTF-8.")
    if not text.strip():
        return None, error(400, "body", "The body is empty: send a JSON object.")
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_float=_finite)
    except NotFinite:
        return None, error(400, "body", "Numbers must be finite: NaN and Infinity are not JSON.")
    except RecursionError:
        return None, error(400, "body", "The body is nested too deeply.")
    except ValueError:
        return None, error(400, "body", "The body is not valid JSON.")
    if not isinstance(data, dict):
        return None, error(400, "body", "The body must be a JSON object.")
    if not _valid_text(data):
        # "\ud800" is valid JSON but no valid text: no database (nor UTF-8) can store it.
        return None, error(
            400, "body", "The body contains text that is not valid Unicode (a lone surrogate)."
        )
    return data, None


def _valid_text(data: object) -> bool:
    """No string in `data` (keys included) holds a lone surrogate. Iterative: any depth."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


# --- error handlers (quizbuilder.urls, settings.CSRF_FAILURE_VIEW) ------------------------
# Under /api/ every answer is JSON (api.md), also when no view of ours runs: an unknown path
# or a bad slug (404), a Host header we do not serve (DisallowedHost, 400), a CSRF refusal
# (403) and an unhandled exception (500). Every other path keeps Django's HTML pages.


def is_api_path(request: HttpRequest) -> bool:
    path = request.path_info
    return path == "/api" or path.startswith("/api/")


def error_bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_path(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, DisallowedHost):
        return error(400, "host", _("This site does not answer to that Host header."))
    return error(400, "request", _("The request cannot be read."))


def error_permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_path(request):
        return defaults.permission_denied(request, exception)
    return error(403, "permission", _("You may not do this."))


def error_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_path(request):
        return defaults.page_not_found(request, exception)
    return error(404, "path", _("There is nothing at this API address."))


def error_server(request: HttpRequest) -> HttpResponse:
    if not is_api_path(request):
        return defaults.server_error(request)
    return error(500, "server", _("Something went wrong on our side. Please try again later."))


def error_csrf(request: HttpRequest, reason: str = "") -> HttpResponse:
    if not is_api_path(request):
        return csrf.csrf_failure(request, reason)
    return error(403, "csrf", _("The request was refused by the cross-site request check."))
