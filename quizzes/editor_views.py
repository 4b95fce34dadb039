"""Authoring screens for Authors and Editors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import quizzes_visible_to


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    quizzes = quizzes_visible_to(request.user).select_related("live_version", "owner")
    return render(request, "quizzes/dashboard.html", {"quizzes": quizzes})
