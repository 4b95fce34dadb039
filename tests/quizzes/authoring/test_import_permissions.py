"""`import_quiz --user` applies the studio's rules: a new draft of an existing quiz only for
someone who may edit it (its owner, the authors it is shared with, Editors)."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from quizzes.authoring.services import quiz_import
from quizzes.models import Quiz, QuizVersion, VersionStatus
from tests.conftest import demo_data
from tests.quizzes.helpers import run, versions_snapshot, write_json

pytestmark = pytest.mark.django_db

SLUG = "which-morning-drink"


def _file(tmp_path, title: str = "Changed by someone else"):
    data = demo_data(SLUG)
    data["title"] = title
    return write_json(tmp_path / "q.json", data)


def test_it_refuses_to_overwrite_another_authors_draft(author, other_author, tmp_path):
    quiz_import(data=demo_data(SLUG), user=other_author)
    before = versions_snapshot(SLUG)

    with pytest.raises(CommandError, match=f"alice may not import into {SLUG!r}"):
        run("import_quiz", str(_file(tmp_path)), "--user", "alice")

    assert versions_snapshot(SLUG) == before
    assert Quiz.objects.get(slug=SLUG).owner == other_author


def test_it_refuses_to_open_a_draft_on_an_editors_published_quiz(publish, author, tmp_path):
    publish(SLUG)
    before = versions_snapshot(SLUG)

    with pytest.raises(CommandError, match=f"alice may not import into {SLUG!r}"):
        run("import_quiz", str(_file(tmp_path)), "--user", "alice")

    assert versions_snapshot(SLUG) == before
    assert not QuizVersion.objects.filter(quiz__slug=SLUG, status=VersionStatus.DRAFT).exists()


def test_an_author_the_quiz_is_shared_with_may_import_a_new_draft(author, other_author, tmp_path):
    quiz_import(data=demo_data(SLUG), user=other_author).quiz.shared_with.add(author)

    out, _ = run("import_quiz", str(_file(tmp_path, "Shared edit")), "--user", "alice")

    assert out.strip() == SLUG
    assert QuizVersion.objects.get(quiz__slug=SLUG).title == "Shared edit"


def test_an_editor_may_import_a_new_draft_of_any_quiz(editor, other_author, tmp_path):
    quiz_import(data=demo_data(SLUG), user=other_author)

    out, _ = run("import_quiz", str(_file(tmp_path, "Editor edit")), "--user", "erin")

    assert out.strip() == SLUG
    assert QuizVersion.objects.get(quiz__slug=SLUG).title == "Editor edit"


def test_the_service_refuses_too(author, other_author):
    from quizzes.authoring.services import NotAllowed

    quiz_import(data=demo_data(SLUG), user=other_author)

    with pytest.raises(NotAllowed):
        quiz_import(data=demo_data(SLUG), user=author)
