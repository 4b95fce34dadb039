"""The studio's preview column: the panels shown beside the editor (the phone-sized page
preview here; rooms above, such as sharing's result-image preview, add theirs through the
`studio_panels` signal).

The panels talk to the editor and to each other with events on `document` (static/js):
- `studio-focus` {page: "intro" | "question:<i>" | "result:<i>"}: the author moved to that
  part of the outline (studio.js); the page preview follows it.
- `studio-saved` {revision: N} (htmx, from the save's HX-Trigger header): every panel redraws.
- `studio-outcome` {outcome: <i>}: the "Show result" switch (or the outline) chose result i;
  panels that draw a result (the result image) draw that one.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from core.signals import signal_send_robust
from quizzes.authoring.preview_draft import version_preview
from quizzes.authoring.preview_frame import frame_url, outcome_choices
from quizzes.authoring.rows import version_file_data
from quizzes.models import QuizVersion
from quizzes.signals import studio_panels


def page_preview_html(*, request: HttpRequest, version: QuizVersion) -> SafeString:
    """The phone-sized frame showing the draft's intro, with the "Show result" switch."""
    slug = version.quiz.slug
    document = version_file_data(version=version)
    draft = version_preview(version=version, document=document)
    context = {
        "src": frame_url(slug=slug, page="intro", revision=version.revision),
        "base": reverse("quizzes:studio-preview", args=[slug]),
        "revision": version.revision,
        "outcomes": outcome_choices(draft, document),
    }
    return render_to_string("quizzes/editor/_page_preview.html", context, request=request)


def studio_panels_html(*, request: HttpRequest, version: QuizVersion) -> list[SafeString]:
    """The HTML of each preview panel for the studio page of `version`, in order."""
    panels = [page_preview_html(request=request, version=version)]
    # A panel of a room above that fails is left out; the studio still opens.
    for answer in signal_send_robust(
        studio_panels, sender=QuizVersion, request=request, version=version
    ):
        if isinstance(answer, SafeString):
            panels.append(answer)
    return panels
