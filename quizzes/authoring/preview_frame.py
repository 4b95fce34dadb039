"""The studio's phone-sized preview: one page of the draft being edited (the intro, a question,
or a result reached with sample answers) drawn with the visitors' own templates, for an
iframe beside the editor. Nothing is counted or saved.

The only page of the site that may be framed, and only by the site itself (the studio).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from quizzes.authoring.permissions import quizzes_visible_to
from quizzes.authoring.preview import preview_version
from quizzes.authoring.preview_draft import (
    DraftPreview,
    placeholders_mark,
    placeholders_strip,
    version_preview,
)
from quizzes.authoring.rows import version_file_data
from quizzes.authoring.samples import sample_answers, sample_cta, sample_result
from quizzes.authoring.studio_problems import plain_message, problem_where
from quizzes.format.checks import Problem
from quizzes.format.definition import Definition
from quizzes.format.quizfile import quiz_programs
from quizzes.models import Quiz, QuizVersion
from quizzes.selectors import Published, retention_days_bound
from quizzes.taking import contexts
from quizzes.taking.flow import state_new
from quizzes.taking.services import take_new
from quizzes.taking.views import question_page

_PAGE_RE = re.compile(r"(intro|question|result)(?::(\d{1,4}))?\Z")
_PART_RE = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class PreviewPage:
    """Which page the frame shows: kind "intro", "question" or "result", and an index."""

    kind: str
    index: int = 0

    @classmethod
    def parse(cls, raw: str) -> PreviewPage:
        """`intro`, `question:<index>` or `result:<outcome index>`; anything else: the intro."""
        match = _PAGE_RE.match(raw or "")
        if match is None:
            return cls("intro")
        return cls(match.group(1), int(match.group(2) or 0))


def problem_text(problem: Problem) -> str:
    """A format problem in the author's words, as the studio shows it beside the field:
    "Question 3, answer 1: Fill this in." rather than `questions[2].choices[0].label`."""
    where = problem_where(problem.path) or _("The quiz")
    return f"{where}: {plain_message(str(problem.message), {})}"


def frame_url(*, slug: str, page: str = "intro", revision: int = 0) -> str:
    """The address of the frame showing `page` of the quiz's draft at `revision`."""
    base = reverse("quizzes:studio-preview", args=[slug])
    return f"{base}?page={page}&rev={revision}"


def _published(version: QuizVersion, definition: Definition) -> Published:
    return Published(
        quiz_id=version.quiz_id,
        version_id=version.pk,
        slug=version.quiz.slug,
        definition=definition,
        programs={"variables": {}, "when": {}},
        retention_days=retention_days_bound(version.retention_days),
    )


def _outcome_key(definition: Definition, index: int) -> str:
    outcomes = definition["outcomes"]
    return outcomes[min(max(index, 0), len(outcomes) - 1)]["key"]


def _problems_page(request: HttpRequest, quiz: Quiz, problems: list[Problem]) -> HttpResponse:
    context = {"quiz": quiz, "problems": [problem_text(p) for p in problems]}
    return render(request, "quizzes/editor/preview_frame_problems.html", context)


def _render_page(
    request: HttpRequest, version: QuizVersion, draft: DraftPreview, page: PreviewPage
) -> HttpResponse:
    """The page asked for, drawn from the draft's best-effort copy (preview_draft); the
    draft's problems are counted in a banner, and listed instead of a page the copy cannot
    stand for (a question left out, a result whose own texts break a rule)."""
    definition = draft.definition
    if definition is None:
        return _problems_page(request, version.quiz, draft.problems)
    slug = version.quiz.slug
    # The pages' links and forms name the author's full preview (a take of the draft); in the
    # studio's frame they do not navigate (studio-preview.js), the preview only shows.
    url = reverse("quizzes:preview", args=[slug])
    programs = quiz_programs(definition)
    language = definition.get("language") or "en"
    extra: dict[str, Any] = {"fix_count": len(draft.problems)}
    if page.kind == "question":
        index = draft.question_index(page.index)
        if index is None:
            return _problems_page(request, version.quiz, draft.problems)
        earlier = {q["key"] for q in definition["questions"][:index]}
        # Earlier questions answered as a visitor heading for the first result would.
        answers = sample_answers(
            definition=definition, programs=programs, outcome_key=_outcome_key(definition, 0)
        ).answers
        tag = f"preview:{version.pk}:{version.updated_at.timestamp()}"
        state = state_new(version=tag, take=take_new(), ref="")
        state.update(i=index, a={k: v for k, v in answers.items() if k in earlier})
        return question_page(
            request, definition, state, preview=True, action=url, extra_context=extra
        )
    if page.kind == "result":
        index = draft.outcome_index(page.index)
        if index is None:
            return _problems_page(request, version.quiz, draft.problems)
        computed, sample = sample_result(
            definition=definition,
            programs=programs,
            outcome_key=_outcome_key(definition, index),
        )
        extra.update(
            computed=computed,
            quiz_title=definition["title"],
            language=language,
            score_text=contexts.score_text(computed, definition["kind"]),
            figures=(
                contexts.figures(computed, definition["variables"])
                if definition["kind"] == "calculator"
                else []
            ),
            again_url=url,
            preview=True,
            cta=sample_cta(definition=definition, computed=computed, answers=sample.answers),
        )
        with translation.override(language):
            return render(request, "quizzes/preview_result.html", extra)
    context = contexts.intro_context(_published(version, definition), preview=True)
    context.update(extra, start_url=f"{url}?start=1")
    with translation.override(language):
        return render(request, "quizzes/intro.html", context)


def outcome_choices(draft: DraftPreview, document: object) -> list[dict[str, Any]]:
    """The draft's results for the "Show result" switch: index, title, and whether some
    answers lead to it (else its preview is drawn with the answers that come nearest)."""
    raw = document.get("outcomes") if isinstance(document, dict) else None
    raw = raw if isinstance(raw, list) else []
    definition = draft.definition
    programs = quiz_programs(definition) if definition is not None else None
    choices: list[dict[str, Any]] = []
    for i, o in enumerate(raw):
        title = o.get("title") if isinstance(o, dict) else None
        index = draft.outcome_index(i)
        reaches = False
        if definition is not None and programs is not None and index is not None:
            outcome = definition["outcomes"][index]
            title = placeholders_strip(outcome["title"])
            key = outcome["key"]
            reaches = sample_answers(
                definition=definition, programs=programs, outcome_key=key
            ).reaches
        if not isinstance(title, str) or not title.strip():
            title = _("Result %(n)s") % {"n": i + 1}
        choices.append({"index": i, "title": title, "reaches": reaches})
    return choices


@login_required
@require_GET
@cache_control(private=True, no_store=True)
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})  # type: ignore[arg-type]  # stubs: one-argument views
def studio_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """GET ?page=intro|question:<i>|result:<i>&rev=<revision> (rev only names what the studio
    saw last, so a reload is never served from a cache); ?outcomes=1: the results as JSON."""
    # Not "forbidden": that would tell a private draft from a slug nobody took.
    quiz = get_object_or_404(quizzes_visible_to(request.user), slug=slug)
    version = preview_version(quiz)
    if version is None:
        raise Http404
    version.quiz = quiz  # one query fewer: the pages name its slug
    document = version_file_data(version=version)
    draft = version_preview(version=version, document=document)
    if request.GET.get("outcomes"):
        return JsonResponse({"outcomes": outcome_choices(draft, document)})
    page = PreviewPage.parse(request.GET.get("page", ""))
    response = _render_page(request, version, draft, page)
    response.content = placeholders_mark(response.content.decode()).encode()
    return response
