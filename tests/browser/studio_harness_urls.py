"""The site's URLs plus a bare page holding the studio's preview column and a result image's
fields, as the studio page (built separately) will: the browser tests drive the panels'
scripts through the same events the studio sends."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path

from quizbuilder.urls import urlpatterns as site
from quizzes.authoring.preview import preview_version
from quizzes.authoring.preview_panels import studio_panels_html
from quizzes.authoring.rows import version_file_data
from quizzes.models import Quiz


def harness(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = get_object_or_404(Quiz, slug=slug)
    version = preview_version(quiz)
    assert version is not None
    card = version_file_data(version=version).get("card") or {}
    fields = render_to_string(
        "quizzes/editor/_card_fields.html", {"card": card, "prefix": "card-"}, request=request
    )
    panels = render_to_string(
        "quizzes/editor/_studio_preview.html",
        {"preview_panels": studio_panels_html(request=request, version=version)},
        request=request,
    )
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="stylesheet" href="{static("css/site.css")}"><title>Studio harness</title>'
        f'</head><body><main class="container wide harness"><div class="harness-editor">'
        f'<form>{fields}</form></div><div class="harness-preview">{panels}</div></main>'
        f"</body></html>"
    )
    return HttpResponse(html)


urlpatterns = [path("test-studio-harness/<slug:slug>/", harness), *site]
