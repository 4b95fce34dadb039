"""A version's card (the quiz's link preview, and its results' picture until theirs is drawn)
that fails for good: marked failed with its error, tried again by the card job after the
result cards' backoff, caught up when its publish's message was lost, and replaced by a later
success; the quiz page shows the site's card meanwhile. Tasks are called in-process
(`.apply()` runs one task with its retries and its `on_failure`), as in
tests/sharing/cards/test_square_failures.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from quizzes.models import Quiz, QuizVersion
from sharing.cards import jobs as card_jobs
from sharing.cards import version_jobs
from sharing.models import VersionCard
from sharing.tasks import (
    render_fallback_card,
    render_result_card,
    render_square_card,
    rerender_stale_cards,
)

SLUG = "which-morning-drink"
SITE_CARD = "http://testserver/static/img/share-card.png"
DISK_FULL = "OSError: [Errno 28] No space left on device"


@pytest.fixture
def drink(publish):
    return Quiz.objects.get(pk=publish(SLUG).quiz_id)


def storage_broken():
    """No card can be drawn (a storage write that keeps failing), through the real service."""
    error = OSError(28, "No space left on device")
    return mock.patch.object(card_jobs, "card_render", side_effect=error)


def card(version: QuizVersion) -> VersionCard:
    return VersionCard.objects.get(version=version)


def published_ago(version: QuizVersion, minutes: int) -> None:
    """The version was published `minutes` ago."""
    at = timezone.now() - timedelta(minutes=minutes)
    QuizVersion.objects.filter(pk=version.pk).update(published_at=at)


def backoff_passed(version: QuizVersion) -> None:
    """The card's retry time came (as if its backoff went by)."""
    at = timezone.now() - timedelta(seconds=1)
    VersionCard.objects.filter(version=version).update(retry_at=at)


def job_sends() -> tuple[int, list[tuple]]:
    """One run of the ten-minute card job: its count and the version cards it sent."""
    with (
        mock.patch.object(render_result_card, "apply_async"),
        mock.patch.object(render_square_card, "apply_async"),
        mock.patch.object(render_fallback_card, "apply_async") as fallback,
    ):
        count = rerender_stale_cards()
    return count, [c.kwargs["args"] for c in fallback.call_args_list]


def og_image(client, slug: str = SLUG) -> str | None:
    page = client.get(f"/q/{slug}/")
    assert page.status_code == 200
    found = re.search(r'<meta property="og:image" content="([^"]*)"', page.content.decode())
    return unescape(found.group(1)) if found else None


def test_a_version_card_that_fails_for_good_is_marked_failed_with_its_error(drink):
    version = drink.live_version

    with storage_broken():
        outcome = render_fallback_card.apply(args=(version.pk,))

    assert outcome.failed()
    failed = card(version)
    assert (failed.status, failed.name, failed.error, failed.attempts) == (
        "failed",
        "",
        DISK_FULL,
        1,
    )
    assert timedelta(seconds=50) < failed.retry_at - timezone.now() <= timedelta(minutes=1)


def test_the_card_job_sends_a_failed_version_card_again_after_its_backoff_not_before(drink):
    version = drink.live_version
    with storage_broken():
        render_fallback_card.apply(args=(version.pk,))

    # Within its backoff, run after run: not sent.
    assert job_sends() == (0, [])
    assert job_sends() == (0, [])

    backoff_passed(version)
    assert job_sends() == (1, [(version.pk,)])
    assert job_sends() == (0, [])  # claimed: the next run does not send it twice

    # The second run fails too: the next try waits the second backoff step.
    with storage_broken():
        render_fallback_card.apply(args=(version.pk,))
    failed = card(version)
    assert (failed.status, failed.attempts) == ("failed", 2)
    delay = failed.retry_at - timezone.now()
    assert timedelta(minutes=4) < delay <= card_jobs.CARD_RETRY_BACKOFF[1] == timedelta(minutes=5)
    assert job_sends() == (0, [])


def test_a_version_card_gives_up_after_the_last_attempt_and_stays_failed(drink, settings):
    settings.CARD_RETRY_MAX_ATTEMPTS = 2
    version = drink.live_version
    assert version_jobs.version_card_fail(version_id=version.pk, error="OSError: one")
    backoff_passed(version)
    assert job_sends() == (1, [(version.pk,)])

    assert version_jobs.version_card_fail(version_id=version.pk, error="OSError: two")

    failed = card(version)
    assert (failed.status, failed.error, failed.attempts, failed.retry_at) == (
        "failed",
        "OSError: two",
        2,
        None,
    )
    published_ago(version, minutes=20)  # its row says failed: not a lost message either
    assert job_sends() == (0, [])


def test_a_version_whose_card_message_was_lost_is_caught_up_a_few_minutes_later(
    publish, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(render_fallback_card, "apply_async") as lost,
        django_capture_on_commit_callbacks(execute=True),
    ):
        version = publish(SLUG)  # sent on commit, and the message never reaches a worker
    assert lost.call_args.kwargs["args"] == (version.pk,)
    assert not VersionCard.objects.filter(version=version).exists()

    assert job_sends() == (0, [])  # just published: its worker may be drawing it
    published_ago(version, minutes=6)
    assert job_sends() == (1, [(version.pk,)])
    assert job_sends() == (0, [])  # claimed: sent once
    pending = card(version)
    assert (pending.status, pending.name, pending.attempts) == ("pending", "", 0)

    render_fallback_card(version.pk)  # the worker gets it

    drawn = card(version)
    assert (drawn.status, drawn.retry_at) == ("ready", None)
    assert drawn.name.startswith("cards/")
    assert job_sends() == (0, [])


def test_versions_published_long_ago_or_already_drawn_are_not_caught_up(publish):
    old = publish(SLUG)
    drawn = publish("which-morning-drink", card={"background": "#0f766e"})
    render_fallback_card(drawn.pk)
    published_ago(old, minutes=3 * 24 * 60)  # past the job's two days
    published_ago(drawn, minutes=10)

    assert job_sends() == (0, [])
    assert not VersionCard.objects.filter(version=old).exists()


def test_a_version_card_drawn_after_a_failure_wins_and_a_late_failure_does_not_undo_it(drink):
    version = drink.live_version
    with storage_broken():
        render_fallback_card.apply(args=(version.pk,))

    render_fallback_card(version.pk)  # the storage is back: the retry draws it

    drawn = card(version)
    assert drawn.name.startswith("cards/")
    assert (drawn.status, drawn.error, drawn.retry_at) == ("ready", "", None)
    assert version_jobs.version_card_name(version_id=version.pk) == drawn.name
    # A failure reported after the success (another delivery) leaves the card ready.
    assert version_jobs.version_card_fail(version_id=version.pk, error="late") is False
    assert (card(version).status, card(version).name) == ("ready", drawn.name)
    published_ago(version, minutes=10)
    assert job_sends() == (0, [])


def test_the_quiz_page_shows_the_sites_card_while_its_card_failed_then_its_own(drink, visitor):
    version = drink.live_version
    with storage_broken():
        render_fallback_card.apply(args=(version.pk,))
    questions = version.definition["questions"]
    answers = {q["key"]: q["choices"][0]["key"] if q.get("choices") else "Ana" for q in questions}
    created = visitor.post(f"/api/quizzes/{SLUG}/responses/", {"answers": answers},
                           content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content

    assert card(version).status == "failed"
    assert og_image(visitor) == SITE_CARD
    # A result not drawn yet shows its version's card: the site's one while that failed.
    body = visitor.get(f"/api/results/{created.json()['id']}/")
    assert body.status_code == 200
    assert body.json()["image"]["url"] == f"{settings.SITE_URL}/static/img/share-card.png"

    backoff_passed(version)
    assert job_sends() == (1, [(version.pk,)])
    render_fallback_card(version.pk)  # the retry draws it

    assert og_image(visitor) == f"{settings.SITE_URL}/media/{card(version).name}"


def test_editors_see_a_failed_version_card_and_its_error_in_the_admin(drink, client):
    from tests.factories import UserFactory

    with storage_broken():
        render_fallback_card.apply(args=(drink.live_version.pk,))
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get("/admin/sharing/versioncard/?status__exact=failed")

    assert page.status_code == 200
    assert page.content.decode().count(DISK_FULL) == 1
    assert (
        client.get("/admin/sharing/versioncard/?status__exact=ready")
        .content.decode()
        .count(DISK_FULL)
        == 0
    )
