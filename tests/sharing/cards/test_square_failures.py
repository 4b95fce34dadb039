"""A square card that fails for good: marked failed on its own columns (the og card stays
ready), tried again by the card job after the og card's backoff, and replaced by a later
success. Tasks are called in-process (`.apply()` runs one task with its retries and its
`on_failure`), as in tests/sharing/cards/test_jobs.py.
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from quizzes.models import Quiz, Result
from sharing.cards import jobs as card_jobs
from sharing.models import ResultCard
from sharing.tasks import (
    SQUARE_PRIORITY,
    render_result_card,
    render_square_card,
    rerender_stale_cards,
)
from tests.factories import card_of

SLUG = "which-morning-drink"


@pytest.fixture
def drink(publish):
    return Quiz.objects.get(pk=publish(SLUG).quiz_id)


def take(quiz, visitor) -> str:
    """The visitor answers the quiz through the API; the new result's id."""
    questions = quiz.live_version.definition["questions"]
    answers = {q["key"]: q["choices"][0]["key"] if q.get("choices") else "Ana" for q in questions}
    created = visitor.post(f"/api/quizzes/{quiz.slug}/responses/", {"answers": answers},
                           content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    return str(created.json()["id"])


def og_card_drawn(result_id: str) -> None:
    """What the worker does first: the og card (its square card is sent, not drawn here)."""
    with mock.patch.object(render_square_card, "apply_async"):
        render_result_card(result_id)


def square_storage_broken():
    """Only square cards cannot be drawn (a storage write that keeps failing), through the
    real service: the og card of the same result is drawn as before."""
    real = card_jobs.card_render

    def render(spec, **kwargs):
        if spec.layout == "square":
            raise OSError("[Errno 28] No space left on device")
        return real(spec, **kwargs)

    return mock.patch.object(card_jobs, "card_render", side_effect=render)


def age(result_id: str, minutes: int = 10) -> None:
    """The result was taken `minutes` ago: past the stale job's few minutes."""
    at = timezone.now() - timedelta(minutes=minutes)
    Result.objects.filter(pk=result_id).update(created_at=at)


def job_sends() -> tuple[int, list[tuple], list[tuple]]:
    """One run of the ten-minute card job: its count, the og and the square cards it sent."""
    with (
        mock.patch.object(render_result_card, "apply_async") as og,
        mock.patch.object(render_square_card, "apply_async") as square,
    ):
        count = rerender_stale_cards()
    for call in square.call_args_list:
        assert call.kwargs["priority"] == SQUARE_PRIORITY
    return (
        count,
        [c.kwargs["args"] for c in og.call_args_list],
        [c.kwargs["args"] for c in square.call_args_list],
    )


def test_a_square_card_that_fails_for_good_is_marked_failed_and_the_og_card_stays_ready(
    drink, visitor
):
    result_id = take(drink, visitor)
    og_card_drawn(result_id)

    with square_storage_broken():
        outcome = render_square_card.apply(args=(result_id,))

    assert outcome.failed()
    card = ResultCard.objects.get(result_id=result_id)
    assert (card.status, card.square_status, card.square_name) == ("ready", "failed", "")
    assert card.square_error == "OSError: [Errno 28] No space left on device"
    assert card.square_attempts == 1
    assert timedelta(seconds=50) < card.square_retry_at - timezone.now() <= timedelta(minutes=1)
    # The og card's own retry state is untouched.
    assert (card.error, card.attempts, card.retry_at) == ("", 0, None)


def test_a_failed_square_card_shows_as_no_square_while_a_failed_og_card_shows_the_fallback(
    drink, visitor
):
    square_failed = take(drink, visitor)
    og_card_drawn(square_failed)
    with square_storage_broken():
        render_square_card.apply(args=(square_failed,))
    og_failed = take(drink, visitor)
    card_jobs.result_card_fail(result_id=og_failed, error="OSError: disk full")

    square_body = visitor.get(f"/api/results/{square_failed}/")
    og_body = visitor.get(f"/api/results/{og_failed}/")
    square_page = visitor.get(f"/r/{square_failed}/")
    og_page = visitor.get(f"/r/{og_failed}/")

    assert (square_body.status_code, og_body.status_code) == (200, 200)
    name = card_of(Result.objects.get(pk=square_failed)).name
    assert square_body.json()["image"] == {
        "status": "ready", "url": f"{settings.SITE_URL}/media/{name}", "width": 1200,
        "height": 630, "square": None,
    }  # fmt: skip
    og_image = og_body.json()["image"]
    assert (og_image["status"], og_image["square"]) == ("failed", None)
    assert (square_page.status_code, og_page.status_code) == (200, 200)
    # "Save image" stays hidden: there is no square card to save.
    assert 'href="" download data-save-image hidden' in square_page.content.decode()


def test_the_card_job_sends_a_failed_square_card_again_after_its_backoff_not_before(drink, visitor):
    result_id = take(drink, visitor)
    og_card_drawn(result_id)
    age(result_id)
    with square_storage_broken():
        render_square_card.apply(args=(result_id,))

    # Within its backoff, run after run: not sent (before, every run sent it).
    assert job_sends() == (0, [], [])
    assert job_sends() == (0, [], [])

    # The backoff has passed (as if a minute went by).
    ResultCard.objects.filter(result_id=result_id).update(
        square_retry_at=timezone.now() - timedelta(seconds=1)
    )
    assert job_sends() == (1, [], [(result_id,)])
    assert job_sends() == (0, [], [])  # claimed: the next run does not send it twice

    # The second run fails too: the next try waits the second backoff step.
    with square_storage_broken():
        render_square_card.apply(args=(result_id,))
    card = ResultCard.objects.get(result_id=result_id)
    assert (card.square_status, card.square_attempts) == ("failed", 2)
    delay = card.square_retry_at - timezone.now()
    assert timedelta(minutes=4) < delay <= card_jobs.CARD_RETRY_BACKOFF[1] == timedelta(minutes=5)
    assert job_sends() == (0, [], [])


def test_a_square_card_backs_off_and_gives_up_like_the_og_card(drink, settings):
    settings.CARD_RETRY_MAX_ATTEMPTS = 3
    og = Result.objects.create(quiz=drink, version=drink.live_version, visitor="v-1",
                               take="t-1", outcome_key="latte", title="Latte")  # fmt: skip
    square = Result.objects.create(quiz=drink, version=drink.live_version, visitor="v-2",
                                   take="t-2", outcome_key="latte", title="Latte")  # fmt: skip
    ResultCard.objects.create(result=square, status="ready", name="cards/x.png")
    og_delays, square_delays = [], []
    for _ in range(3):
        before = timezone.now()
        assert card_jobs.result_card_fail(result_id=og.pk, error="OSError: og")
        assert card_jobs.result_square_fail(result_id=square.pk, error="OSError: square")
        og_at, square_at = card_of(og).retry_at, card_of(square).square_retry_at
        og_delays.append(og_at and round((og_at - before).total_seconds() / 60))
        square_delays.append(square_at and round((square_at - before).total_seconds() / 60))

    assert og_delays == square_delays == [1, 5, None]
    card = card_of(square)
    assert (card.status, card.square_status, card.square_attempts) == ("ready", "failed", 3)
    assert card.square_error == "OSError: square"
    age(square.pk, minutes=20)
    assert job_sends() == (0, [], [])  # no tries left: it stays failed, with its error


def test_a_square_card_drawn_after_a_failure_wins_and_a_late_failure_does_not_undo_it(
    drink, visitor
):
    result_id = take(drink, visitor)
    og_card_drawn(result_id)
    with square_storage_broken():
        render_square_card.apply(args=(result_id,))

    render_square_card(result_id)  # the storage is back: the retry draws it

    card = ResultCard.objects.get(result_id=result_id)
    assert card.square_name.startswith("cards/")
    assert (card.status, card.square_status, card.square_error, card.square_retry_at) == (
        "ready",
        "ready",
        "",
        None,
    )
    square = visitor.get(f"/api/results/{result_id}/").json()["image"]["square"]
    assert square == {"url": f"{settings.SITE_URL}/media/{card.square_name}", "width": 1080,
                      "height": 1080}  # fmt: skip
    # A failure reported after the success (another delivery) leaves the square ready.
    assert card_jobs.result_square_fail(result_id=result_id, error="late") is False
    assert card_of(Result.objects.get(pk=result_id)).square_status == "ready"
    age(result_id)
    assert job_sends() == (0, [], [])


def test_a_purge_makes_a_failed_square_card_pending_again(drink, visitor):
    result_id = take(drink, visitor)
    og_card_drawn(result_id)
    with square_storage_broken():
        render_square_card.apply(args=(result_id,))

    card_jobs.result_cards_forget(result=Result.objects.get(pk=result_id))

    card = ResultCard.objects.get(result_id=result_id)
    assert (card.status, card.square_status, card.square_error) == ("pending", "pending", "")
    assert (card.square_attempts, card.square_retry_at) == (0, None)


def test_editors_see_a_failed_square_card_and_its_error_in_the_result_card_admin(
    drink, visitor, client
):
    from tests.factories import UserFactory

    failed = take(drink, visitor)
    og_card_drawn(failed)
    with square_storage_broken():
        render_square_card.apply(args=(failed,))
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get("/admin/sharing/resultcard/?square_status__exact=failed")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("OSError: [Errno 28] No space left on device") == 1
    assert failed in html
