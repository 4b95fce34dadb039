"""Visitor pages: the quiz list, a quiz's intro, the result page, privacy."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Quiz
from .services import published_get


def home(request: HttpRequest) -> HttpResponse:
    quizzes = (
        Quiz.objects.filter(archived_at__isnull=True, live_version__isnull=False)
        .select_related("live_version")
        .order_by("-live_version__published_at")
    )
    return render(request, "quizzes/home.html", {"quizzes": quizzes})


def intro(request: HttpRequest, slug: str) -> HttpResponse:
    published = published_get(slug=slug)
    if published is None:
        raise Http404
    return render(request, "quizzes/intro.html", {"quiz": published.definition})


def result(request: HttpRequest, result_id: str) -> HttpResponse:
    raise Http404


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "quizzes/privacy.html")
