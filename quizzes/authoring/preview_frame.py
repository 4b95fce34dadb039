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
from quizzes.authoring.samples import sample_answers, sample_result
from quizzes.authoring.selectors import version_definition
from quizzes.format.checks import Problem
from quizzes.format.definition import Definition
from quizzes.format.quizfile import quiz_programs
from quizzes.models import QuizVersion
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
    """A format problem in the author's words: "Question 3, answer 1: …" rather than a JSON
    path such as `questions[2].choices[0].key`."""
    names = {
        "questions": _("Question %(n)s"),
        "choices": _("answer %(n)s"),
        "outcomes": _("Result %(n)s"),
        "variables": _("value %(n)s"),
    }
    plural = {
        "questions": _("questions"),
        "choices": _("answers"),
        "outcomes": _("results"),
        "variables": _("values"),
        "card": _("result image"),
    }
    words: list[str] = []
    for name, index in _PART_RE.findall(problem.path):
        if index and name in names:
            words.append(names[name] % {"n": int(index) + 1})
        elif name in plural:
            words.append(plural[name])
        elif name:
            words.append(name.replace("_", " "))
    where = ", ".join(words) or _("The quiz")
    return f"{where[:1].upper()}{where[1:]}: {problem.message}"


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


def _render_page(
    request: HttpRequest, version: QuizVersion, definition: Definition, page: PreviewPage
) -> HttpResponse:
    slug = version.quiz.slug
    # The pages' links and forms name the author's full preview (a take of the draft); in the
    # studio's frame they do not navigate (studio-preview.js), the preview only shows.
    url = reverse("quizzes:preview", args=[slug])
    programs = quiz_programs(definition)
    language = definition.get("language") or "en"
    if page.kind == "question" and definition["questions"]:
        index = min(page.index, len(definition["questions"]) - 1)
        earlier = {q["key"] for q in definition["questions"][:index]}
        # Earlier questions answered as a visitor heading for the first result would.
        answers = (
            sample_answers(
                definition=definition, programs=programs, outcome_key=_outcome_key(definition, 0)
            ).answers
            if definition["outcomes"]
            else {}
        )
        tag = f"preview:{version.pk}:{version.updated_at.timestamp()}"
        state = state_new(version=tag, take=take_new(), ref="")
        state.update(i=index, a={k: v for k, v in answers.items() if k in earlier})
        return question_page(request, definition, state, preview=True, action=url)
    if page.kind == "result" and definition["outcomes"]:
        computed, _sample = sample_result(
            definition=definition,
            programs=programs,
            outcome_key=_outcome_key(definition, page.index),
        )
        context: dict[str, Any] = {
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
    context = contexts.intro_context(_published(version, definition), preview=True)
    context["start_url"] = f"{url}?start=1"
    with translation.override(language):
        return render(request, "quizzes/intro.html", context)


def outcome_choices(definition: Definition | None) -> list[dict[str, Any]]:
    """The draft's results for the "Show result" switch: index, title, and whether some
    answers lead to it (else its preview is drawn with the answers that come nearest)."""
    if definition is None:
        return []
    programs = quiz_programs(definition)
    return [
        {
            "index": i,
            "title": o["title"],
            "reaches": sample_answers(
                definition=definition, programs=programs, outcome_key=o["key"]
            ).reaches,
        }
        for i, o in enumerate(definition["outcomes"])
    ]


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
    definition, problems = version_definition(version=version)
    if request.GET.get("outcomes"):
        return JsonResponse({"outcomes": outcome_choices(definition)})
    if definition is None:
        context = {"quiz": quiz, "problems": [problem_text(p) for p in problems]}
        return render(request, "quizzes/editor/preview_frame_problems.html", context)
    page = PreviewPage.parse(request.GET.get("page", ""))
    return _render_page(request, version, definition, page)
