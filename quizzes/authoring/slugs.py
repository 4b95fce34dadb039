"""A quiz's slug, the name in its links: a free one from a title, and the placeholder of a
studio blank replaced by one from its title before its links go out."""

from __future__ import annotations

import re

from django.utils.text import slugify

from quizzes.models import Quiz, QuizVersion


def slug_free(*, title: str, fallback: str) -> str:
    """A slug no quiz has yet, derived from `title` (or `fallback` when the title has no
    latin letters, e.g. a Chinese title): base, base-2, base-3, ..."""
    base = (slugify(title) or slugify(fallback) or "quiz")[:50].strip("-") or "quiz"
    slug, n = base, 1
    while Quiz.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# The slugs a studio blank starts with ("Untitled quiz", or the kind for a title without
# latin letters): placeholders until the quiz is named and first goes out.
PLACEHOLDER_SLUG_RE = re.compile(r"(untitled-quiz|personality|score|trivia|calculator)(-\d+)?\Z")


def slug_settle(*, version: QuizVersion) -> None:
    """A quiz never published that still has its blank's placeholder slug takes one from its
    title (its links are not out yet, so nothing breaks)."""
    quiz = version.quiz
    if not PLACEHOLDER_SLUG_RE.match(quiz.slug) or not slugify(version.title):
        return
    if quiz.versions.filter(published_at__isnull=False).exists():
        return
    if PLACEHOLDER_SLUG_RE.match(slugify(version.title)[:50]):
        return
    quiz.slug = slug_free(title=version.title, fallback=quiz.slug)
    quiz.save(update_fields=["slug", "updated_at"])
    if version.document is not None:
        version.document["slug"] = quiz.slug
        version.save(update_fields=["document"])
