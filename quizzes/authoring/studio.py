"""The studio: one screen where an author builds a quiz, saved as they type.

GET draws the draft's working copy; every change posts the whole form (htmx, debounced) to
`studio_save`, which lays it over the saved copy, carries out a structural change if a button
asked for one, gives items their keys, saves (valid or not) and answers with the new revision,
the problems by field and, after a structural change, the editor drawn again.
"""

from __future__ import annotations

import copy
import json
import time
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from quizzes.authoring import services, studio_services
from quizzes.authoring.document import Doc, document_image_set, document_overlay
from quizzes.authoring.document_integrations import integrations_overlay
from quizzes.authoring.document_keys import document_keys_assign, fixed_keys, name_rename
from quizzes.authoring.document_ops import OpError, document_apply
from quizzes.authoring.document_theme import theme_overlay
from quizzes.authoring.permissions import quizzes_visible_to, user_can_edit, user_can_publish
from quizzes.authoring.preview_panels import studio_panels_html
from quizzes.authoring.rows import quiz_validate, version_file_data
from quizzes.authoring.slugs import PLACEHOLDER_SLUG_RE
from quizzes.authoring.studio_context import studio_context
from quizzes.authoring.studio_problems import problem_where
from quizzes.authoring.studio_updates import (
    chip_labels,
    fields_changed,
    names_renamed,
    texts_unsaved,
)
from quizzes.authoring.studio_uploads import image_urls, uploads_store
from quizzes.format.checks import Problem
from quizzes.format.definition import Definition
from quizzes.models import Quiz, QuizVersion, VersionStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A working copy's definition (None when it has problems) and its problems.
Checked = tuple[Definition | None, list[Problem]]

# Who else has a draft open: the people whose page saved or looked in within this window.
PRESENCE_SECONDS = 90


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _quiz(request: HttpRequest, slug: str) -> Quiz:
    return get_object_or_404(quizzes_visible_to(request.user), slug=slug)


def _open_version(quiz: Quiz) -> QuizVersion | None:
    return (
        quiz.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.REVIEW])
        .select_related("edited_by")
        .first()
    )


def _presence(request: HttpRequest, version: QuizVersion) -> list[str]:
    """Record that this user has the draft open; the names of the others who have."""
    key = f"studio:present:{version.pk}"
    now = time.time()
    present: dict[str, Any] = cache.get(key) or {}
    user = cast("User", request.user)  # login_required
    present = {k: v for k, v in present.items() if now - v[1] < PRESENCE_SECONDS}
    present[str(user.pk)] = (user.get_full_name() or user.get_username(), now)
    cache.set(key, present, PRESENCE_SECONDS)
    return sorted(name for uid, (name, _t) in present.items() if uid != str(user.pk))


def _live_definition(quiz: Quiz) -> dict[str, Any] | None:
    live = quiz.live_version
    return dict(live.definition) if live and live.definition else None


def studio_render(
    request: HttpRequest,
    quiz: Quiz,
    version: QuizVersion,
    *,
    template: str = "quizzes/editor/studio.html",
    focus: str = "",
    status: int = 200,
    upload_errors: dict[str, str] | None = None,
    updates: dict[str, Any] | None = None,
    checked: Checked | None = None,
    refused: str = "",
) -> HttpResponse:
    """The studio drawn from the draft's working copy; `checked`: that copy's definition and
    problems when the save just worked them out (not checked again); `refused`: the action
    ("submit", "publish") those problems stopped, listed on top."""
    document = version_file_data(version=version)
    definition, problems = checked if checked is not None else quiz_validate(document)
    context = studio_context(
        document=document,
        definition=definition,
        problems=problems,
        fixed=fixed_keys(_live_definition(quiz)),
    )
    context.update(
        quiz=quiz,
        version=version,
        focus=focus,
        upload_errors=upload_errors or {},
        updates_json=json.dumps(updates or {}, ensure_ascii=False),
        images=image_urls(document),
        editable=version.status == VersionStatus.DRAFT and user_can_edit(request.user, quiz),
        can_publish=user_can_publish(request.user, quiz),
        others=_presence(request, version),
        save_url=reverse("quizzes:studio-save", args=[quiz.slug]),
        refused=refused,
    )
    # After a structural change the form is drawn again; the status line follows out of band.
    context["oob_status"] = template.endswith("_studio_form.html")
    if template.endswith("studio.html"):
        context["slug_placeholder"] = bool(PLACEHOLDER_SLUG_RE.match(quiz.slug))
        context["preview_panels"] = studio_panels_html(request=request, version=version)
    return render(request, template, context, status=status)


@login_required
def studio(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _quiz(request, slug)
    version = _open_version(quiz)
    if version is None or not user_can_edit(request.user, quiz):
        # Nothing to edit here: the quiz's page offers "Edit (new draft)" when allowed.
        return redirect("quizzes:editor-quiz", slug=quiz.slug)
    # `focus`: the field a link from a list of problems named (studio_problems.field_of).
    return studio_render(request, quiz, version, focus=request.GET.get("focus", "")[:100])


def _posted_document(saved: dict[str, Any], data: Any, *, op: str, live: frozenset[str]) -> Doc:
    """The saved document with every posted field laid over it; a question's type only with a
    structural change (the type control posts "refresh"), never in a plain autosave, and never
    a published (`live`) question's."""
    document = document_overlay(document=saved, data=data, retype=bool(op), published=live)
    return integrations_overlay(theme_overlay(document, data), data)


@login_required
@require_POST
def studio_save(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _quiz(request, slug)
    version = _open_version(quiz)
    if version is None:
        messages.error(request, _("This quiz has no draft to edit."))
        return _reload(request, quiz)
    saved = version_file_data(version=version)
    op = next((v for v in reversed(request.POST.getlist("op")) if v), "")
    fixed = fixed_keys(_live_definition(quiz))
    document = _posted_document(saved, request.POST, op=op, live=fixed.questions)
    try:
        document, upload_errors, focus = _op_apply(request, document, op)
    except (OpError, KeyError, IndexError, TypeError):
        return _conflict(request, quiz, version)
    document = _aliases_resolve(version, document)
    posted = document
    document = document_keys_assign(document=document, previous=saved, fixed=fixed)
    renames = names_renamed(posted=posted, saved=document)
    if not op:  # a value's name is applied with the form: seen against the draft as it was
        renames = names_renamed(posted=saved, saved=document) | renames
    _aliases_remember(version, renames)
    raw_revision = request.POST.get("revision", "")
    revision = int(raw_revision) if raw_revision.isdigit() else -1
    try:
        saved_copy = studio_services.version_document_save(
            version=version, document=document, revision=revision, user=request.user
        )
    except studio_services.EditConflict:
        return _conflict(request, quiz, version, unsaved=texts_unsaved(posted=posted, saved=saved))
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
        return _reload(request, quiz)
    if not _htmx(request):
        for error in upload_errors.values():
            messages.error(request, error)
        return redirect("quizzes:studio", slug=quiz.slug)
    return _saved_answer(
        request,
        quiz,
        version,
        saved_copy,
        op=op,
        focus=focus,
        upload_errors=upload_errors,
        updates={
            "fields": fields_changed(posted=request.POST, saved=document),
            "renames": renames,
            "chips": chip_labels(document),
        },
    )


def _op_apply(
    request: HttpRequest, document: dict[str, Any], op: str
) -> tuple[dict[str, Any], dict[str, str], str]:
    """The document after the structural change a button asked for (`op`), the reasons any
    upload was refused, and the field focus goes back to."""
    # Without JavaScript a picked file comes with the Save button (its op is "refresh"); with
    # it, only the "image" op carries files (an autosave may post one again).
    if op == "image" or (op in ("", "refresh") and not _htmx(request) and request.FILES):
        return uploads_store(files=request.FILES, document=document)
    if op.startswith("image-remove:"):
        target = op.partition(":")[2]
        return document_image_set(document, target, None), {}, f"upload.{target}"
    if op and op != "refresh":  # "refresh": only draw the editor again (a type changed)
        document, focus = document_apply(document=document, op=op, data=request.POST)
        return document, {}, focus
    return document, {}, ""


def _saved_answer(
    request: HttpRequest,
    quiz: Quiz,
    version: QuizVersion,
    saved: studio_services.DocumentSaved,
    *,
    op: str,
    focus: str,
    upload_errors: dict[str, str],
    updates: dict[str, Any],
) -> HttpResponse:
    """The answer to a save: after a structural change (`op`) the editor drawn again, else
    what changed on the page (revision, problems, values, `updates`), from the copy the save
    checked."""
    checked = (saved.definition, saved.problems)
    if op:
        template = "quizzes/editor/_studio_form.html"
        response = studio_render(
            request,
            quiz,
            version,
            template=template,
            focus=focus,
            upload_errors=upload_errors,
            checked=checked,
        )
    else:
        template = "quizzes/editor/_studio_saved.html"
        response = studio_render(
            request, quiz, version, template=template, updates=updates, checked=checked
        )
        response["HX-Reswap"] = "none"
    return trigger_client_event(response, "studio-saved", {"revision": version.revision})


ALIAS_SECONDS = 600


def _aliases_resolve(version: QuizVersion, document: dict[str, Any]) -> dict[str, Any]:
    """A name a recent save renamed, still in what the page posts (a chip tapped before the
    rename reached the page), is read as the new name."""
    aliases: dict[str, str] = cache.get(f"studio:aliases:{version.pk}") or {}
    names = {
        str(x.get("key"))
        for k in ("questions", "variables")
        for x in document.get(k) or []
        if isinstance(x, dict)
    }
    stale = {old: new for old, new in aliases.items() if old not in names and new in names}
    if not stale:
        return document
    document = copy.deepcopy(document)
    for old, new in stale.items():
        name_rename(document, old, new)
    return document


def _aliases_remember(version: QuizVersion, renames: dict[str, str]) -> None:
    if not renames:
        return
    key = f"studio:aliases:{version.pk}"
    aliases: dict[str, str] = cache.get(key) or {}
    # A chain (q1 -> how -> how_many) ends at the newest name.
    aliases = {old: renames.get(new, new) for old, new in aliases.items()} | renames
    cache.set(key, aliases, ALIAS_SECONDS)


def _reload(request: HttpRequest, quiz: Quiz) -> HttpResponse:
    url = reverse("quizzes:editor-quiz", args=[quiz.slug])
    if _htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _conflict(
    request: HttpRequest,
    quiz: Quiz,
    version: QuizVersion,
    *,
    unsaved: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    """Someone (or this person in another tab) saved in between: say who and when, save
    nothing, show what this page had that was not saved, offer to reload."""
    version.refresh_from_db()
    if not _htmx(request):
        messages.error(request, _("This draft was changed while you were editing it."))
        return redirect("quizzes:studio", slug=quiz.slug)
    response = render(
        request,
        "quizzes/editor/_studio_conflict.html",
        {
            "version": version,
            "by": version.edited_by,
            "mine": version.edited_by_id == request.user.pk,
            "quiz": quiz,
            "unsaved": [(problem_where(path), text) for path, text in (unsaved or [])[:12]],
        },
        status=409,
    )
    response["HX-Reswap"] = "none"
    return response


@login_required
def studio_presence(request: HttpRequest, slug: str) -> HttpResponse:
    """Polled by an open studio page: who else has the draft open, and whether it changed."""
    quiz = _quiz(request, slug)
    version = _open_version(quiz)
    if version is None:
        return HttpResponse(status=204)
    return render(
        request,
        "quizzes/editor/_studio_presence.html",
        {"others": _presence(request, version), "version": version, "quiz": quiz},
    )


@login_required
@require_POST
def studio_open(request: HttpRequest, slug: str) -> HttpResponse:
    """Open the quiz's draft (a new copy of the live version if needed) in the studio."""
    quiz = _quiz(request, slug)
    try:
        services.quiz_draft_open(quiz=quiz, user=request.user)
    except services.NotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("quizzes:editor-quiz", slug=quiz.slug)
    return redirect("quizzes:studio", slug=quiz.slug)
