"""Authoring screens for Authors and Editors: the quiz list, a quiz's page (versions, audit
log, workflow buttons) and the POST actions, each of which calls one service.

Content is edited in the studio (quizzes.authoring.studio); these pages carry the workflow.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quizzes.authoring import ownership, services, studio_services
from quizzes.authoring.dashboard import (
    quiz_links_get,
    quizzes_figures_get,
    versions_sent_back,
    versions_waiting_review,
)
from quizzes.authoring.diff import version_diff
from quizzes.authoring.forms import QuizCreateForm, QuizImportForm, WorkflowForm
from quizzes.authoring.permissions import (
    quizzes_visible_to,
    user_can_edit,
    user_can_import,
    user_can_publish,
    user_is_author,
    user_is_editor,
)
from quizzes.authoring.rows import quiz_validate, version_file_data
from quizzes.authoring.selectors import version_export
from quizzes.authoring.studio import studio_render
from quizzes.authoring.studio_problems import document_problems, problem_file_text
from quizzes.format.bundles import (
    BUNDLE_MAX_BYTES,
    BundleError,
    bundle_write,
    json_dumps,
    quiz_file_read,
)
from quizzes.format.quizfile import Problem
from quizzes.models import AuditEntry, Kind, Quiz, QuizVersion, VersionStatus

OPEN = (VersionStatus.DRAFT, VersionStatus.REVIEW)


def version_admin_url(version: QuizVersion) -> str:
    return reverse("authoring:quizzes_quizversion_change", args=[version.pk])


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not user_is_author(request.user):
        raise PermissionDenied
    return _dashboard(request, QuizCreateForm())


def _dashboard(request: HttpRequest, form: QuizCreateForm, *, status: int = 200) -> HttpResponse:
    """Every quiz the person may see with its key figures (asked of sharing in one signal
    for all rows), what waits for their review and what was sent back to them."""
    open_versions = QuizVersion.objects.filter(status__in=OPEN).order_by()
    quizzes = list(
        quizzes_visible_to(request.user)
        .select_related("live_version", "owner")
        .prefetch_related(Prefetch("versions", queryset=open_versions, to_attr="open_versions"))
    )
    figures = quizzes_figures_get(quiz_ids=[q.pk for q in quizzes])
    for quiz in quizzes:
        quiz.figures = figures.get(quiz.pk)  # type: ignore[attr-defined]
    context = {
        "quizzes": quizzes,
        "form": form,
        "waiting": list(versions_waiting_review(user=request.user)),
        "sent_back": list(versions_sent_back(user=request.user)),
        "is_editor": user_is_editor(request.user),
    }
    return render(request, "quizzes/editor/dashboard.html", context, status=status)


@login_required
@require_POST
def quiz_create(request: HttpRequest) -> HttpResponse:
    form = QuizCreateForm(request.POST)
    if form.is_valid():
        try:
            version = studio_services.quiz_start_blank(user=request.user, **form.cleaned_data)
        except services.NotAllowed as exc:
            form.add_error("slug", str(exc))
        else:
            return redirect("quizzes:studio", slug=version.quiz.slug)
    return _gallery(request, status=400, form=form)


def _visible_quiz(request: HttpRequest, slug: str) -> Quiz:
    # A quiz the user may not see is "not found", not "forbidden": drafts stay private.
    return get_object_or_404(quizzes_visible_to(request.user), slug=slug)


@login_required
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, _visible_quiz(request, slug))


def _detail(
    request: HttpRequest,
    quiz: Quiz,
    *,
    status: int = 200,
    form: WorkflowForm | None = None,
    **extra: Any,
) -> HttpResponse:
    versions = list(quiz.versions.select_related("created_by").order_by("-number"))
    audit = AuditEntry.objects.filter(quiz=quiz).select_related("actor", "version")[:200]
    open_version = next((v for v in versions if v.status in OPEN), None)
    context: dict[str, Any] = {
        "quiz": quiz,
        "versions": versions,
        "open_version": open_version,
        "audit": audit,
        "can_edit": user_can_edit(request.user, quiz),
        "can_publish": user_can_publish(request.user, quiz),
        "form": form or WorkflowForm(),
        "figures": quizzes_figures_get(quiz_ids=[quiz.pk]).get(quiz.pk),
        "changes": _changes(quiz, open_version),
        "links": quiz_links_get(quiz=quiz, user=request.user)
        if user_can_edit(request.user, quiz)
        else [],
        **extra,
    }
    return render(request, "quizzes/editor/quiz.html", context, status=status)


def _changes(quiz: Quiz, version: QuizVersion | None) -> list[Any] | None:
    """What the open version changes in the live one (None without an open version). Both
    sides normalised, so a default left out of the draft is no change."""
    if version is None:
        return None
    data = version_file_data(version=version)
    definition, _problems = quiz_validate(data)
    live = quiz.live_version.definition if quiz.live_version else None
    return version_diff(old=live, new=definition or data)


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
    "take": lambda quiz, user, comment: ownership.quiz_take(quiz=quiz, user=user),
}
# Lazy: shown in the language of the request that acted, not the one that loaded the module.
DONE = {
    "submit": gettext_lazy("Submitted for review."),
    "publish": gettext_lazy("Published: visitors now see this version."),
    "send-back": gettext_lazy("Sent back to the author."),
    "archive": gettext_lazy(
        "Archived: the quiz is hidden; its results and share links still work."
    ),
    "restore": gettext_lazy("Restored: the quiz is visible again."),
    "take": gettext_lazy("You own this quiz now: you will hear about its reviews."),
}


@login_required
def quiz_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    quiz = _visible_quiz(request, slug)
    if request.method != "POST":  # a reload or a copied address: the page with the buttons
        return redirect("quizzes:editor-quiz", slug=quiz.slug)
    form = WorkflowForm(request.POST, action=action)
    if not form.is_valid():
        form.fields["comment"].widget.attrs["autofocus"] = True  # the page opens on the error
        return _detail(request, quiz, status=400, form=form)
    try:
        ACTIONS[action](quiz, request.user, form.cleaned_data["comment"])
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
        return _detail(request, quiz, status=403)
    except services.QuizRefused as exc:
        return _refused(request, quiz, action, exc.problems)
    messages.success(request, DONE[action])
    quiz.refresh_from_db()  # a first submit names the quiz's link after its title
    return redirect("quizzes:editor-quiz", slug=quiz.slug)


def _refused(
    request: HttpRequest, quiz: Quiz, action: str, problems: list[Problem]
) -> HttpResponse:
    """A submit or publish the quiz's rules stopped: its problems as the studio words them,
    each linking to its field; on the studio itself when the author pressed it there."""
    version = _open(quiz)
    if request.POST.get("from") == "studio":
        checked = (None, problems)
        return studio_render(request, quiz, version, status=400, refused=action, checked=checked)
    listed = document_problems(document=version_file_data(version=version), problems=problems)
    return _detail(request, quiz, status=400, refused=listed, refused_action=action)


@login_required
@require_POST
def quiz_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Open the quiz's draft (a new copy of the live version if needed) in the studio."""
    quiz = _visible_quiz(request, slug)
    try:
        version = services.quiz_draft_open(quiz=quiz, user=request.user)
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
        return _detail(request, quiz, status=403)
    return redirect("quizzes:studio", slug=version.quiz.slug)


# --- starting a quiz: the template gallery, duplicate, export, import ------------------------

DEMO_DIR = Path(__file__).resolve().parents[1] / "demo"
# Lazy: built once at import, shown in each request's language.
BLANK_DESCRIPTIONS = {
    Kind.PERSONALITY: gettext_lazy("Answers point to one of several outcomes: which one are you?"),
    Kind.SCORE: gettext_lazy("Answers add up to a score; the score picks the outcome."),
    Kind.TRIVIA: gettext_lazy("Questions with right answers; the number right picks the outcome."),
    Kind.CALCULATOR: gettext_lazy("Numbers in, a formula out: a personal estimate."),
}


def _demo_templates() -> dict[str, dict[str, Any]]:
    """The ready-made starting points: the demo quiz files, by file name."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(DEMO_DIR.glob("*.json")):
        out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


def _gallery(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    kinds = dict(Kind.choices)
    blanks = [
        {
            "key": f"blank-{kind.value}",
            "title": _("Blank: %(kind)s") % {"kind": kinds[kind]},
            "kind": kinds[kind],
            "description": BLANK_DESCRIPTIONS[kind],
        }
        for kind in Kind
    ]
    demos = [
        {
            "key": f"demo-{stem}",
            "title": data.get("title", stem),
            "kind": kinds.get(data.get("kind", ""), data.get("kind", "")),
            "description": data.get("description", ""),
        }
        for stem, data in _demo_templates().items()
    ]
    context = {"blanks": blanks, "demos": demos, "form": QuizCreateForm(), **extra}
    context.setdefault("import_form", QuizImportForm())
    return render(request, "quizzes/editor/new.html", context, status=status)


@login_required
def quiz_new(request: HttpRequest) -> HttpResponse:
    """GET: the template gallery. POST: the blank-quiz form (title, slug, kind, language)."""
    if request.method == "POST":
        return quiz_create(request)
    if not user_is_author(request.user):
        raise PermissionDenied
    return _gallery(request)


@login_required
@require_POST
def quiz_start(request: HttpRequest, key: str) -> HttpResponse:
    """Create a draft owned by the user from a gallery card and open its page."""
    if not user_is_author(request.user):
        raise PermissionDenied
    try:
        if key.startswith("blank-") and key[6:] in Kind.values:
            version = studio_services.quiz_start_blank(
                kind=Kind(key[6:]).value,
                title=str(_("Untitled quiz")),
                language=request.LANGUAGE_CODE or "en",
                user=request.user,
            )
        elif key.startswith("demo-") and key[5:] in (demos := _demo_templates()):
            version = services.quiz_start_from(data=demos[key[5:]], user=request.user)
        else:
            raise Http404
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
        return _gallery(request, status=403)
    return redirect("quizzes:studio", slug=version.quiz.slug)


@login_required
@require_POST
def quiz_duplicate(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _visible_quiz(request, slug)
    if not user_is_author(request.user):
        raise PermissionDenied
    try:
        version = services.quiz_duplicate(quiz=quiz, user=request.user)
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
        return _detail(request, quiz, status=403)
    except services.QuizRefused as exc:
        messages.error(request, _("This quiz cannot be copied until these problems are fixed:"))
        for problem in exc.problems:
            messages.error(request, problem_file_text(problem))
        return _detail(request, quiz, status=400)
    messages.success(request, _("Copied: this is your new draft."))
    return redirect("quizzes:editor-quiz", slug=version.quiz.slug)


@login_required
def quiz_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest version as a quizbuilder/1 file: .json, or .zip when it has images."""
    quiz = _visible_quiz(request, slug)
    version = quiz.versions.order_by("-number").first()
    if version is None:
        raise Http404
    data, images, _problems = version_export(version=version)
    if images:
        response = HttpResponse(bundle_write(data, images), content_type="application/zip")
        name = f"{quiz.slug}.zip"
    else:
        response = HttpResponse(json_dumps(data), content_type="application/json; charset=utf-8")
        name = f"{quiz.slug}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def quiz_import_upload(request: HttpRequest) -> HttpResponse:
    """Import an uploaded .json or .zip quiz file; every problem listed, nothing saved."""
    if not user_can_import(request.user, None):
        raise PermissionDenied
    form = QuizImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _gallery(request, status=400, import_form=form)
    upload = form.cleaned_data["file"]
    problems: list[str] = []
    if upload.size > BUNDLE_MAX_BYTES:
        problems = [_("The file is larger than %(mb)s MB.") % {"mb": BUNDLE_MAX_BYTES // 1_000_000}]
    else:
        try:
            data, images = quiz_file_read(
                upload.read(), image_max_bytes=settings.IMAGE_MAX_BYTES, name=upload.name or ""
            )
            version = services.quiz_import(data=data, user=request.user, images=images)
        except BundleError as exc:
            problems = [problem_file_text(p) for p in exc.problems]
        except services.QuizRefused as exc:
            problems = [problem_file_text(p) for p in exc.problems]
        except services.NotAllowed:
            problems = [_("A quiz with this slug exists and you may not change it.")]
        else:
            messages.success(request, _("Imported: this is the new draft."))
            return redirect("quizzes:editor-quiz", slug=version.quiz.slug)
    return _gallery(request, status=400, import_form=form, import_problems=problems)
