"""Site-wide views that belong to no app: the health check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """The trivial view benchmarks compare with, and a liveness probe."""
    return HttpResponse("ok", content_type="text/plain")
