"""Draft preview: an author takes their open draft (or the live version) exactly as a visitor
would, under a "Preview" banner. Nothing is counted and nothing is saved: the result is
worked out and shown on the spot."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from quizzes.authoring.permissions import quizzes_visible_to
from quizzes.authoring.rows import version_file_data
from quizzes.authoring.selectors import version_definition
from quizzes.authoring.studio_problems import document_problems
from quizzes.format.checks import Problem
from quizzes.format.quizfile import quiz_programs
from quizzes.models import Quiz, QuizVersion, VersionStatus
from quizzes.selectors import Published, retention_days_bound
from quizzes.taking import contexts
from quizzes.taking.flow import flow_advance, state_load, state_new
from quizzes.taking.services import AnswersInvalid, result_compute, take_new
from quizzes.taking.views import question_page


def preview_version(quiz: Quiz) -> QuizVersion | None:
    """The version an author previews (and the studio edits): the open draft, else the live one."""
    draft = quiz.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.REVIEW]).first()
    return draft or quiz.live_version


def _problems_page(
    request: HttpRequest, quiz: Quiz, version: QuizVersion, problems: list[Problem]
) -> HttpResponse:
    """A draft that cannot be taken yet: its title and its problems as the studio words them,
    each linking to its field there."""
    document = version_file_data(version=version)
    context = {
        "quiz": quiz,
        "title": str(document.get("title") or ""),
        "problems": document_problems(document=document, problems=problems),
        "studio_url": reverse("quizzes:studio", args=[quiz.slug]),
    }
    return render(request, "quizzes/preview_problems.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    # Not "forbidden": that would tell a private draft from a slug nobody took.
    quiz = get_object_or_404(quizzes_visible_to(request.user), slug=slug)
    version = preview_version(quiz)
    if version is None:
        raise Http404
    definition, problems = version_definition(version=version)
    if definition is None:
        return _problems_page(request, quiz, version, problems)
    url = reverse("quizzes:preview", args=[slug])
    tag = f"preview:{version.pk}:{version.updated_at.timestamp()}"
    language = definition.get("language") or "en"
    if request.method == "GET" and not request.GET.get("start"):
        published = Published(
            quiz_id=quiz.pk,
            version_id=version.pk,
            slug=slug,
            definition=definition,
            programs={"variables": {}, "when": {}},  # the intro page computes nothing
            retention_days=retention_days_bound(version.retention_days),
        )
        context = contexts.intro_context(published, preview=True)
        context["start_url"] = f"{url}?start=1"
        with translation.override(language):
            return render(request, "quizzes/intro.html", context)
    state = None
    if request.method == "POST":
        state = state_load(request.POST.get("state", ""), version=tag)
    if state is None:
        state = state_new(version=tag, take=take_new(), ref="")
        return question_page(request, definition, state, preview=True, action=url)
    step = flow_advance(definition=definition, state=state, post=request.POST)
    if not step.done:
        return question_page(
            request, definition, step.state, errors=step.errors, preview=True, action=url
        )
    programs = version.programs or quiz_programs(definition)
    try:
        computed, _ = result_compute(
            definition=definition, programs=programs, answers=step.state["a"]
        )
    except AnswersInvalid as exc:
        moved, errors = contexts.first_error(definition, step.state, exc.errors)
        return question_page(request, definition, moved, errors=errors, preview=True, action=url)
    context = {
        "computed": computed,
        "quiz_title": definition["title"],
        "language": language,
        "score_text": contexts.score_text(computed, definition["kind"]),
        "figures": contexts.figures(computed, definition["variables"])
        if definition["kind"] == "calculator"
        else [],
        "again_url": url,
        "preview": True,
    }
    with translation.override(language):
        return render(request, "quizzes/preview_result.html", context)
