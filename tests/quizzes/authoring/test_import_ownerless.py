"""`import_quiz PATH [--publish]` on a site with no account yet (the spec's promise): the
quiz is imported by the system with no owner; the command says how to publish a draft; an
Editor takes the ownerless quiz from its page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import AuditEntry, Quiz, VersionStatus
from tests.conftest import demo_data
from tests.quizzes.helpers import client_for, run, write_json

pytestmark = pytest.mark.django_db

SLUG = "which-morning-drink"
PAGE = reverse("quizzes:editor-quiz", args=[SLUG])


def test_it_imports_a_draft_with_no_account_and_says_how_to_publish(tmp_path, settings):
    path = write_json(tmp_path / "q.json", demo_data(SLUG))

    out, err = run("import_quiz", str(path))

    assert out.strip() == SLUG  # stdout stays the slug alone, for scripts
    assert err.strip() == (
        "Imported as a draft (v1); visitors do not see it yet. To publish it: python manage.py "
        f"import_quiz {path} --publish, or press Publish on {settings.SITE_URL}{PAGE}"
    )
    quiz = Quiz.objects.get(slug=SLUG)
    assert quiz.owner is None
    assert quiz.live_version is None
    entry = AuditEntry.objects.get(quiz=quiz)
    assert (entry.action, entry.actor) == ("imported", None)


def test_it_publishes_with_no_account_and_prints_only_the_slug(tmp_path, visitor):
    path = write_json(tmp_path / "q.json", demo_data(SLUG))

    out, err = run("import_quiz", str(path), "--publish")

    assert (out.strip(), err) == (SLUG, "")
    version = Quiz.objects.get(slug=SLUG).live_version
    assert version is not None and version.status == VersionStatus.PUBLISHED
    assert visitor.get(reverse("quizzes:intro", args=[SLUG])).status_code == 200


def test_with_an_editor_account_the_editor_is_still_the_author(editor, tmp_path):
    run("import_quiz", str(write_json(tmp_path / "q.json", demo_data(SLUG))))
    assert Quiz.objects.get(slug=SLUG).owner == editor


def test_an_editor_sees_an_ownerless_quiz_and_takes_it(author, tmp_path, request):
    run("import_quiz", str(write_json(tmp_path / "q.json", demo_data(SLUG))))
    editor = request.getfixturevalue("editor")  # the first editor signs up after the import
    editor_client = client_for(editor)

    dashboard = editor_client.get(reverse("quizzes:dashboard")).content.decode()
    assert "<em>no owner yet</em>" in dashboard
    page = editor_client.get(PAGE).content.decode()
    assert "Take ownership" in page
    # Authors see only their own and shared quizzes: an ownerless one is not theirs.
    assert client_for(author).get(PAGE).status_code == 404

    take = reverse("quizzes:editor-action", args=[SLUG, "take"])
    response = editor_client.post(take)

    assert response.status_code == 302
    assert Quiz.objects.get(slug=SLUG).owner == editor
    assert AuditEntry.objects.filter(action="owner taken", actor=editor).count() == 1
    assert "Take ownership" not in editor_client.get(PAGE).content.decode()
    # Taken once: another click is refused, the owner stays.
    assert editor_client.post(take).status_code == 403


def test_an_author_cannot_take_a_quiz(author, tmp_path):
    run("import_quiz", str(write_json(tmp_path / "q.json", demo_data(SLUG))))
    Quiz.objects.get(slug=SLUG).shared_with.add(author)
    response = client_for(author).post(reverse("quizzes:editor-action", args=[SLUG, "take"]))
    assert response.status_code == 403
    assert Quiz.objects.get(slug=SLUG).owner is None
