"""Issue 9, finding 5: how long raw answers are kept is bounded (1..RESULT_RETENTION_DAYS_MAX)
wherever it comes in, is part of the reviewed version rather than a live edit of the quiz,
and a stored value out of bounds never breaks a submission."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from quizzes.authoring.services import QuizRefused, quiz_import, version_publish
from quizzes.models import QuizVersion, Result, VersionStatus
from quizzes.selectors import published_cache_clear
from tests.conftest import demo_data
from tests.quizzes.helpers import client_for, form_data, run, write_json
from tests.quizzes.takehelp import TAKES, post_json, responses_url

pytestmark = pytest.mark.django_db
SLUG = "weight-in-10-years"
TOO_MANY = "retention_days: must be between 1 and 365 days (the site's maximum)"


def kept_days(client) -> int:
    """Submit a take and say after how many days its raw answers expire."""
    response = post_json(client, responses_url(SLUG), {"answers": TAKES[SLUG]["answers"]})
    assert response.status_code == 201, response.content
    result = Result.objects.get(pk=response.json()["id"])
    return round((result.answers_expire_at - result.created_at).total_seconds() / 86400)


@pytest.mark.parametrize("days", [9223372036854775807, 36500, 366, 0, -1, 1.5, "30", True])
def test_import_refuses_retention_days_out_of_bounds(editor, days):
    with pytest.raises(QuizRefused) as refused:
        quiz_import(data={**demo_data(SLUG), "retention_days": days}, user=editor)
    expected = TOO_MANY if isinstance(days, int) and days is not True else None
    messages = [str(p) for p in refused.value.problems]
    assert messages == [expected or "retention_days: must be a whole number"]
    assert not QuizVersion.objects.exists()


def test_import_quiz_names_the_bound_in_its_error(editor, tmp_path):
    path = write_json(tmp_path / "quiz.json", {**demo_data(SLUG), "retention_days": 36500})
    err = io.StringIO()
    with pytest.raises(CommandError, match="refused, 1 problem; nothing was saved"):
        call_command("import_quiz", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [TOO_MANY]
    assert not QuizVersion.objects.exists()


def test_the_site_maximum_is_a_setting(editor, settings):
    settings.RESULT_RETENTION_DAYS_MAX = 730
    version = quiz_import(data={**demo_data(SLUG), "retention_days": 730}, user=editor)
    assert version.retention_days == 730
    settings.RESULT_RETENTION_DAYS_MAX = 90
    with pytest.raises(QuizRefused, match="must be between 1 and 90 days"):
        quiz_import(data={**demo_data(SLUG), "retention_days": 91}, user=editor)


def test_a_file_sets_the_versions_retention_and_export_gives_it_back(editor, visitor, tmp_path):
    path = write_json(tmp_path / "quiz.json", {**demo_data(SLUG), "retention_days": 90})
    run("import_quiz", str(path), "--publish")
    assert QuizVersion.objects.get().retention_days == 90
    assert kept_days(visitor) == 90
    exported = json.loads(run("export_quiz", SLUG)[0])
    assert exported["retention_days"] == 90
    # The default is left out, as every other default is.
    quiz_import(data=demo_data(SLUG), user=editor, publish=True)
    assert "retention_days" not in json.loads(run("export_quiz", SLUG)[0])


def test_the_quiz_admin_no_longer_changes_retention_live(editor, visitor, publish):
    version = publish(SLUG)
    response = client_for(editor).post(
        f"/editor/admin/quizzes/quiz/{version.quiz_id}/change/",
        {"retention_days": "36500", "shared_with": []},
    )
    assert response.status_code == 302
    published_cache_clear(slug=SLUG)
    assert kept_days(visitor) == 30


def _version_admin_post(user, version: QuizVersion, days: str):
    client = client_for(user)
    url = reverse("authoring:quizzes_quizversion_change", args=[version.pk])
    data = form_data(client.get(url).content.decode())
    assert data["retention_days"] == str(version.retention_days)
    data["retention_days"] = days
    return client.post(url, data)


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("9223372036854775807", "Keep answers for at most 365 days (this site&#x27;s maximum)."),
        ("36500", "Keep answers for at most 365 days (this site&#x27;s maximum)."),
        ("0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_the_version_admin_refuses_retention_out_of_bounds(author, days, message):
    draft = quiz_import(data=demo_data(SLUG), user=author)
    response = _version_admin_post(author, draft, days)
    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.retention_days == 30


def test_changing_retention_makes_a_draft_that_applies_once_published(author, editor, visitor):
    live = quiz_import(data=demo_data(SLUG), user=author)
    version_publish(version=live, user=editor)
    client = client_for(author)
    assert client.post(reverse("quizzes:editor-edit", args=[SLUG])).status_code == 302
    draft = QuizVersion.objects.get(quiz=live.quiz, status=VersionStatus.DRAFT)

    response = _version_admin_post(author, draft, "90")
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    live.refresh_from_db()
    assert (draft.retention_days, live.retention_days) == (90, 30)
    assert kept_days(visitor) == 30  # the author's edit is not live

    version_publish(version=draft, user=editor)
    assert kept_days(visitor) == 90


def test_an_out_of_bounds_stored_value_is_clamped_not_a_500(visitor, publish, settings):
    version = publish(SLUG)
    # A legacy row: the probe stored 9223372036854775807 (SQLite); PostgreSQL's integer column
    # holds at most 2147483647, which overflows a date just as well.
    QuizVersion.objects.filter(pk=version.pk).update(retention_days=2_000_000_000)
    published_cache_clear(slug=SLUG)
    assert kept_days(visitor) == 365
    settings.RESULT_RETENTION_DAYS_MAX = 100  # a lowered maximum applies to old versions too
    published_cache_clear(slug=SLUG)
    assert kept_days(visitor) == 100
    intro = visitor.get(f"/q/{SLUG}/").content.decode()
    assert "We keep your answers for 100 days" in intro


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_each_quizs_retention_into_every_version():
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("quizzes", "0002_initial")]
    executor = MigrationExecutor(connection)
    # Forward to every app's latest (not only quizzes'): going back to quizzes 0002 also
    # unapplied the other apps' migrations that depend on it, and later tests need them.
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    User = old.get_model(settings.AUTH_USER_MODEL)
    Quiz, Version = old.get_model("quizzes", "Quiz"), old.get_model("quizzes", "QuizVersion")
    owner = User.objects.create(username="owner")
    rows = {}
    for slug, days in (("seven", 7), ("zero", 0), ("huge", 2_000_000_000), ("plain", 30)):
        quiz = Quiz.objects.create(slug=slug, owner=owner, retention_days=days)
        retired = Version.objects.create(
            quiz=quiz, number=1, status="retired", title=slug, kind="score", definition={"a": 1}
        )
        draft = Version.objects.create(quiz=quiz, number=2, title=slug, kind="score")
        rows[slug] = (retired.pk, draft.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    for slug, days, definition in (
        ("seven", 7, {"a": 1, "retention_days": 7}),
        ("zero", 1, {"a": 1, "retention_days": 1}),
        ("huge", 2_000_000_000, {"a": 1, "retention_days": 2_000_000_000}),
        ("plain", 30, {"a": 1}),
    ):
        retired, draft = QuizVersion.objects.filter(pk__in=rows[slug]).order_by("number")
        assert (retired.retention_days, draft.retention_days) == (days, days), slug
        assert (retired.definition, draft.definition) == (definition, None), slug

    # And back: each quiz gets its live (or newest) version's value again.
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    restored = dict(old.get_model("quizzes", "Quiz").objects.values_list("slug", "retention_days"))
    assert restored == {"seven": 7, "zero": 1, "huge": 2_000_000_000, "plain": 30}
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
