"""tests/factories.py makes rows the app itself would make, of every kind."""

from __future__ import annotations

import pytest

from quizzes.models import AuditEntry, QuizVersion, VersionStatus
from sharing.models import Click, Share
from tests.factories import (
    DEMO_OF_KIND,
    ClickFactory,
    DraftVersionFactory,
    PublishedVersionFactory,
    QuizFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", sorted(DEMO_OF_KIND))
def test_a_published_version_of_each_kind_is_live_with_its_rows(kind, visitor):
    version = PublishedVersionFactory(kind=kind)
    assert version.kind == kind and version.status == VersionStatus.PUBLISHED
    assert version.quiz.live_version_id == version.pk and version.definition["kind"] == kind
    assert version.questions.count() == len(version.definition["questions"])
    assert AuditEntry.objects.filter(quiz=version.quiz, action="imported").count() == 1
    assert visitor.get(f"/api/quizzes/{version.quiz.slug}/").status_code == 200


@pytest.mark.parametrize("kind", sorted(DEMO_OF_KIND))
def test_a_draft_of_each_kind_is_open_and_not_public(kind, visitor):
    version = DraftVersionFactory(kind=kind, slug=f"draft-{kind}")
    assert version.kind == kind and version.status == VersionStatus.DRAFT
    assert version.quiz.slug == f"draft-{kind}" and version.quiz.live_version_id is None
    assert version.questions.exists()
    assert visitor.get(f"/api/quizzes/draft-{kind}/").status_code == 404


def test_a_second_published_version_of_a_slug_retires_the_first():
    first = PublishedVersionFactory(kind="score")
    second = PublishedVersionFactory(kind="score", title="Second")
    first.refresh_from_db()
    assert (first.quiz_id, first.status) == (second.quiz_id, VersionStatus.RETIRED)
    assert second.quiz.live_version_id == second.pk and second.title == "Second"
    assert QuizVersion.objects.filter(quiz=second.quiz).count() == 2


def test_a_click_brings_its_share_result_and_published_quiz(visitor):
    click = ClickFactory(share__result__version__kind="trivia")
    share, result = click.share, click.share.result
    assert click.quiz_id == share.quiz_id == result.quiz_id == result.version.quiz_id
    assert share.owner == result.visitor and share.kind == "button"
    assert result.outcome_key == result.version.definition["outcomes"][0]["key"]
    assert (Share.objects.count(), Click.objects.count()) == (1, 1)
    body = visitor.get(f"/api/results/{result.id}/").json()
    assert body["quiz"] == "solar-system-trivia" and body["outcome"]["key"] == "cadet"


def test_results_of_one_version_are_separate_takes():
    version = PublishedVersionFactory()
    one, two = ResultFactory(version=version), ResultFactory(version=version, outcome_key="latte")
    assert one.take != two.take and one.visitor != two.visitor
    assert two.title == "Latte" and one.quiz_id == two.quiz_id == version.quiz_id


def test_a_quiz_without_a_version_is_not_public():
    quiz = QuizFactory()
    assert not quiz.is_public and quiz.owner.username.startswith("user")
