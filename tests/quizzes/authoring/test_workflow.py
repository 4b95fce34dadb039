"""The review workflow through the editor's quiz page: draft -> in review -> published ->
archived, who may do each step, the audit log, and what visitors see meanwhile."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.authoring.services import quiz_draft_open, quiz_import, version_publish
from quizzes.models import AuditEntry, Question, Quiz, QuizVersion, Result, VersionStatus
from quizzes.selectors import published_get
from tests.conftest import demo_data
from tests.factories import ResultFactory
from tests.quizzes.helpers import client_for

pytestmark = pytest.mark.django_db

SLUG = "which-morning-drink"


def action(client: Client, name: str, comment: str = "", slug: str = SLUG):
    return client.post(reverse("quizzes:editor-action", args=[slug, name]), {"comment": comment})


@pytest.fixture
def draft(author) -> QuizVersion:
    """An author's imported, never published quiz."""
    return quiz_import(data=demo_data(SLUG), user=author)


def test_an_author_cannot_publish(author, draft):
    response = action(client_for(author), "publish")
    assert response.status_code == 403
    assert "Only an Editor can publish." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert Quiz.objects.get(slug=SLUG).live_version is None
    assert published_get(slug=SLUG) is None
    assert not AuditEntry.objects.filter(action="published").exists()


def test_an_author_cannot_archive_or_send_back(author, publish):
    publish(SLUG)
    quiz = Quiz.objects.get(slug=SLUG)
    quiz.shared_with.add(author)
    client = client_for(author)
    assert action(client, "archive").status_code == 403
    quiz.refresh_from_db()
    assert quiz.archived_at is None


def test_an_editor_approves_a_submitted_draft(author, editor, draft, visitor):
    response = action(client_for(author), "submit", "Ready for a look")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.REVIEW

    response = action(client_for(editor), "publish", "Looks great")
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:editor-quiz", args=[SLUG])
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert draft.definition["title"] == "Which morning drink are you?"
    published = published_get(slug=SLUG)
    assert published is not None and published.version_id == draft.pk
    assert visitor.get(reverse("quizzes:intro", args=[SLUG])).status_code == 200
    assert list(
        AuditEntry.objects.order_by("id").values_list("action", "actor__username", "comment")
    ) == [
        ("imported", "alice", ""),
        ("submitted", "alice", "Ready for a look"),
        ("published", "erin", "Looks great"),
    ]


def test_an_editor_sends_back_with_a_comment_shown_on_the_quiz_page(author, editor, draft):
    action(client_for(author), "submit")
    editor_client = client_for(editor)
    response = action(editor_client, "send-back", "")
    assert response.status_code == 400  # a form error on the comment (test_editor_errors.py)
    assert "a comment is required to send a quiz back" in response.content.decode()

    response = action(editor_client, "send-back", "The third question needs a fourth choice.")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT

    page = client_for(author).get(reverse("quizzes:editor-quiz", args=[SLUG]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "The third question needs a fourth choice." in html
    assert ">sent back<" in html and ">submitted<" in html and "erin" in html


def test_a_visitor_sees_only_published_versions(author, editor, draft, visitor):
    intro = reverse("quizzes:intro", args=[SLUG])
    assert visitor.get(intro).status_code == 404
    assert published_get(slug=SLUG) is None

    version_publish(version=draft, user=editor)
    new = quiz_draft_open(quiz=draft.quiz, user=author)
    new.title = "Draft title nobody may see"
    new.save()
    Question.objects.filter(version=new, key="alarm").update(prompt="Secret draft prompt")

    published = published_get(slug=SLUG)
    assert published.version_id == draft.pk
    assert published.definition["title"] == "Which morning drink are you?"
    html = visitor.get(intro).content.decode()
    assert "Which morning drink are you?" in html
    assert "Draft title nobody may see" not in html


def test_editing_a_published_quiz_makes_a_new_draft_and_leaves_the_published_rows(
    author, editor, draft
):
    version_publish(version=draft, user=editor)
    rows = list(Question.objects.filter(version=draft).values())
    definition = copy.deepcopy(QuizVersion.objects.get(pk=draft.pk).definition)

    response = client_for(author).post(reverse("quizzes:editor-edit", args=[SLUG]))
    new = QuizVersion.objects.get(quiz=draft.quiz, status=VersionStatus.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:studio", args=[new.quiz.slug])
    assert new.number == 2 and new.pk != draft.pk
    assert new.questions.count() == 4
    Question.objects.filter(version=new).update(prompt="Changed in the draft")

    assert list(Question.objects.filter(version=draft).values()) == rows
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert draft.definition == definition
    # Editing again lands in the same draft.
    assert quiz_draft_open(quiz=draft.quiz, user=author).pk == new.pk


def test_a_result_keeps_its_text_after_the_quiz_is_edited_and_republished(author, editor, draft):
    version_publish(version=draft, user=editor)
    old_definition = copy.deepcopy(QuizVersion.objects.get(pk=draft.pk).definition)
    espresso = old_definition["outcomes"][0]
    result = Result.objects.create(
        quiz=draft.quiz,
        version=draft,
        visitor="v1",
        take="t1",
        outcome_key="espresso",
        title=espresso["title"],
        description=espresso["description"].replace("{name}", "Ana"),
        score=5,
    )

    new = quiz_draft_open(quiz=draft.quiz, user=author)
    new.outcomes.filter(key="espresso").update(title="Ristretto", description="Shorter still.")
    version_publish(version=new, user=editor)

    result.refresh_from_db()
    assert result.version_id == draft.pk
    assert (result.title, result.description) == (
        "Espresso",
        "Ana, you're short, strong and already on your third task.",
    )
    draft.refresh_from_db()
    assert draft.status == VersionStatus.RETIRED
    assert draft.definition == old_definition
    assert published_get(slug=SLUG).definition["outcomes"][0]["title"] == "Ristretto"


def test_archiving_hides_a_quiz_and_keeps_its_results(editor, publish, visitor):
    version = publish(SLUG)
    ResultFactory(version=version, outcome_key="latte")
    assert SLUG in visitor.get("/").content.decode()

    assert action(client_for(editor), "archive", "Seasonal").status_code == 302
    assert published_get(slug=SLUG) is None
    assert SLUG not in visitor.get("/").content.decode()
    assert visitor.get(reverse("quizzes:intro", args=[SLUG])).status_code == 404
    assert Result.objects.filter(quiz__slug=SLUG).count() == 1
    assert AuditEntry.objects.filter(action="archived", comment="Seasonal").count() == 1

    assert action(client_for(editor), "restore").status_code == 302
    assert published_get(slug=SLUG).version_id == version.pk
    assert SLUG in visitor.get("/").content.decode()


def test_an_author_never_sees_another_authors_drafts_unless_shared(author, other_author, draft):
    bob = client_for(other_author)
    page = reverse("quizzes:editor-quiz", args=[SLUG])
    assert SLUG not in bob.get(reverse("quizzes:dashboard")).content.decode()
    assert bob.get(page).status_code == 404
    assert action(bob, "submit").status_code == 404
    assert (
        bob.get(reverse("authoring:quizzes_quizversion_change", args=[draft.pk])).status_code == 302
    )  # the admin sends an unknown object back to its index

    draft.quiz.shared_with.add(other_author)
    assert SLUG in bob.get(reverse("quizzes:dashboard")).content.decode()
    assert bob.get(page).status_code == 200
    assert action(bob, "submit").status_code == 302


def test_workflow_actions_need_post_and_csrf(author, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    url = reverse("quizzes:editor-action", args=[SLUG, "submit"])
    opened = client.get(url)  # a reload or a copied address: the quiz's page, nothing done
    assert opened.status_code == 302
    assert opened["Location"] == reverse("quizzes:editor-quiz", args=[SLUG])
    assert client.post(url).status_code == 403
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_publishing_a_broken_draft_lists_its_problems_and_changes_nothing(editor):
    from quizzes.authoring.services import quiz_create

    version = quiz_create(slug="empty-quiz", title="Empty", kind="personality", user=editor)
    response = action(client_for(editor), "publish", slug="empty-quiz")
    html = response.content.decode()
    assert response.status_code == 400
    # In the studio's words, each linking to the part of the studio to fix.
    studio = "/editor/quizzes/empty-quiz/studio/"
    assert (
        f'<a href="{studio}?focus=questions#studio-questions" data-goto="questions">Questions</a>'
        ": Add a question." in html
    )
    assert (
        f'<a href="{studio}?focus=outcomes#studio-results" data-goto="outcomes">Results</a>'
        ": Add a result." in html
    )
    assert "needs at least" not in html
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert Quiz.objects.get(slug="empty-quiz").live_version is None
