"""Share landing pages and the editors' stats pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def landing(request: HttpRequest, code: str) -> HttpResponse:
    raise Http404
