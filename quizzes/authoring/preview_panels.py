"""The studio's preview column: the panels shown beside the editor (the phone-sized page
preview here; rooms above, such as sharing's result-image preview, add theirs through the
`studio_panels` signal)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.safestring import SafeString

from quizzes.models import QuizVersion


def studio_panels_html(*, request: HttpRequest, version: QuizVersion) -> list[SafeString]:
    """The HTML of each preview panel for the studio page of `version`, in order."""
    return []
