"""Authoring screens for Authors and Editors: the quiz list, a quiz's page (versions, audit
log, workflow buttons) and the POST actions, each of which calls one service.

Content is edited in the authoring admin (quizzes.admin); these pages carry the workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quizzes.authoring import services
from quizzes.authoring.forms import QuizCreateForm, WorkflowForm
from quizzes.authoring.permissions import (
    quizzes_visible_to,
    user_can_edit,
    user_can_publish,
    user_is_author,
)
from quizzes.models import AuditEntry, Quiz, QuizVersion, VersionStatus

OPEN = (VersionStatus.DRAFT, VersionStatus.REVIEW)


def version_admin_url(version: QuizVersion) -> str:
    return reverse("authoring:quizzes_quizversion_change", args=[version.pk])


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not user_is_author(request.user):
        raise PermissionDenied
    open_versions = QuizVersion.objects.filter(status__in=OPEN).order_by()
    quizzes = (
        quizzes_visible_to(request.user)
        .select_related("live_version", "owner")
        .prefetch_related(Prefetch("versions", queryset=open_versions, to_attr="open_versions"))
    )
    return render(
        request, "quizzes/editor/dashboard.html", {"quizzes": quizzes, "form": QuizCreateForm()}
    )


@login_required
@require_POST
def quiz_create(request: HttpRequest) -> HttpResponse:
    form = QuizCreateForm(request.POST)
    if form.is_valid():
        try:
            version = services.quiz_create(user=request.user, **form.cleaned_data)
        except services.NotAllowed as exc:
            form.add_error("slug", str(exc))
        else:
            return HttpResponseRedirect(version_admin_url(version))
    quizzes = quizzes_visible_to(request.user).select_related("live_version", "owner")
    return render(
        request, "quizzes/editor/dashboard.html", {"quizzes": quizzes, "form": form}, status=400
    )


def _visible_quiz(request: HttpRequest, slug: str) -> Quiz:
    # A quiz the user may not see is "not found", not "forbidden": drafts stay private.
    return get_object_or_404(quizzes_visible_to(request.user), slug=slug)


@login_required
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, _visible_quiz(request, slug))


def _detail(request: HttpRequest, quiz: Quiz, *, status: int = 200) -> HttpResponse:
    versions = list(quiz.versions.select_related("created_by").order_by("-number"))
    audit = AuditEntry.objects.filter(quiz=quiz).select_related("actor", "version")[:200]
    context: dict[str, Any] = {
        "quiz": quiz,
        "versions": versions,
        "open_version": next((v for v in versions if v.status in OPEN), None),
        "audit": audit,
        "can_edit": user_can_edit(request.user, quiz),
        "can_publish": user_can_publish(request.user, quiz),
        "form": WorkflowForm(),
    }
    return render(request, "quizzes/editor/quiz.html", context, status=status)


def _open(quiz: Quiz) -> QuizVersion:
    version = quiz.versions.filter(status__in=OPEN).first()
    if version is None:
        raise services.NotAllowed(_("This quiz has no draft or version in review."))
    return version


ACTIONS: dict[str, Callable[..., Any]] = {
    "submit": lambda quiz, user, comment: services.version_submit(
        version=_open(quiz), user=user, comment=comment
    ),
    "publish": lambda quiz, user, comment: services.version_publish(
        version=_open(quiz), user=user, comment=comment
    ),
    "send-back": lambda quiz, user, comment: services.version_send_back(
        version=_open(quiz), user=user, comment=comment
    ),
    "archive": lambda quiz, user, comment: services.quiz_archive(
        quiz=quiz, user=user, comment=comment
    ),
    "restore": lambda quiz, user, comment: services.quiz_unarchive(
        quiz=quiz, user=user, comment=comment
    ),
}
DONE = {
    "submit": _("Submitted for review."),
    "publish": _("Published: visitors now see this version."),
    "send-back": _("Sent back to the author."),
    "archive": _("Archived: the quiz is hidden; its results and share links still work."),
    "restore": _("Restored: the quiz is visible again."),
}


@login_required
@require_POST
def quiz_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    quiz = _visible_quiz(request, slug)
    form = WorkflowForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        ACTIONS[action](quiz, request.user, comment)
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
        return _detail(request, quiz, status=403)
    except services.QuizRefused as exc:
        for problem in exc.problems:
            messages.error(request, str(problem))
        return _detail(request, quiz, status=400)
    messages.success(request, DONE[action])
    return redirect("quizzes:editor-quiz", slug=quiz.slug)


@login_required
@require_POST
def quiz_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Open the quiz's draft (a new copy of the live version if needed) in the admin."""
    quiz = _visible_quiz(request, slug)
    try:
        version = services.quiz_draft_open(quiz=quiz, user=request.user)
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
        return _detail(request, quiz, status=403)
    return HttpResponseRedirect(version_admin_url(version))
