"""The JSON API v1 (../shared/spec/api.md) as one django-ninja API, mounted at /api/ with
its OpenAPI document at /api/openapi.json and Swagger UI at /api/docs/.

core holds the API object and knows none of its operations: each room adds its own Router
in its AppConfig.ready() (quizzes, sharing, integrations, webhooks), so the arrows still run
one way. The wire format is api.md's, not ninja's: every route is wrapped by
core.api.api_endpoint (JSON 405, Origin check, CORS), the operations answer with core.api's
JsonResponses (ninja passes a response through unchanged), and ninja's own answers (a failed
authentication, a parameter it cannot read) are mapped to api.md's `{"errors": {...}}`.
The schemas given to ninja describe those bodies for the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, reverse
from django.urls import path as django_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.urls import get_openapi_urls
from ninja.utils import normalize_path, replace_path_param_notation
from pydantic import BaseModel

from .api import api_endpoint, error

NAMESPACE = "api"


class ErrorOut(Schema):
    """Every error of the API: field (or "body", "method", "token"...) -> messages."""

    errors: dict[str, list[str]]


def unauthorized() -> HttpResponse:
    response = error(401, "token", "Send a valid token: Authorization: Bearer <token>.")
    response["WWW-Authenticate"] = 'Bearer realm="quizbuilder"'
    return response


def answers(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """The `response=` of an operation: its success bodies and the error statuses it gives."""
    return {**ok, **dict.fromkeys(errors, ErrorOut)}


def body_doc(schema: type[BaseModel], description: str = "") -> dict[str, Any]:
    """`openapi_extra` documenting a JSON request body. The operation reads the body itself
    (core.api.json_body: 413, NaN refused, api.md's messages), so ninja never validates it and
    pydantic's messages cannot reach a client."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


class JsonApi(NinjaAPI):
    """A NinjaAPI whose routes answer as api.md says (see the module's docstring)."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = list(get_openapi_urls(self))
        for bound in self._get_bound_routers():
            prefix = replace_path_param_notation(bound.prefix)
            for route, path_view in bound.path_operations.items():
                joined = "/".join(i for i in (prefix, replace_path_param_notation(route)) if i)
                methods = [m for op in path_view.operations for m in op.methods]
                view = api_endpoint(path_view.get_view(), methods)
                for operation in path_view.operations:
                    name = getattr(operation, "url_name", None) or operation.view_func.__name__
                    urls.append(django_path(normalize_path(joined).lstrip("/"), view, name=name))
        # No route at /api/ itself (ninja's would answer there): it stays api.md's JSON 404.
        return urls

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        schema = reverse(f"{self.urls_namespace}:openapi-json", kwargs=path_params)
        return schema.removesuffix("openapi.json")


def _authentication_failed(request: HttpRequest, exc: object) -> HttpResponse:
    return unauthorized()


def _unreadable(request: HttpRequest, exc: object) -> HttpResponse:
    # A path or query parameter ninja cannot read: api.md's 400, not pydantic's words.
    return error(400, "request", _("The request cannot be read."))


def _http_error(request: HttpRequest, exc: object) -> HttpResponse:
    # An HttpError of ninja's (none of our operations raise one): its status, our words.
    status = exc.status_code if isinstance(exc, HttpError) else 400
    return error(status, "request", _("The request cannot be read."))


def _django_handles(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    # Http404, PermissionDenied, a crash: the site's handlers (core.api) answer api.md's JSON
    # 404/403/500; ninja's own would show a traceback in DEBUG or answer {"detail": ...}.
    raise exc


api = JsonApi(
    title="Quizbuilder API",
    version="1",
    description="Taking and sharing quizzes, the editors' stats, leads and webhooks "
    '(api.md, integrations.md). Errors are `{"errors": {field: [message]}}`.',
    urls_namespace=NAMESPACE,
    openapi_url="/openapi.json",
    docs_url="/docs/",
)
api.add_exception_handler(AuthenticationError, _authentication_failed)
api.add_exception_handler(ValidationError, _unreadable)
api.add_exception_handler(HttpError, _http_error)
api.add_exception_handler(Http404, _django_handles)
api.add_exception_handler(Exception, _django_handles)
