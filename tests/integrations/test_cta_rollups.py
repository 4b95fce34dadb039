"""CTA clicks at scale: rolled up daily by sharing's hourly run, the stats body the same to the
unit whether read from the rollups or counted from the clicks, clicks past the raw retention
purged once rolled up (integrations/rollups.py), leads counted from their rows only."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.utils import timezone

from accounts.tokens import token_create
from integrations.models import CtaClick, CtaDaily, CtaRollup, Lead
from quizzes.models import Result
from sharing.models import DailyStats
from sharing.stats.purge import raw_retention_days, stats_raw_purge
from sharing.stats.rollups import stats_rollup
from tests.integrations.conftest import LEAD, code_of, complete, definition_set, path_of, share

pytestmark = pytest.mark.django_db
TODAY = timezone.now().date()
CHANNELS = ("whatsapp", "copy", "telegram")
OUTCOME_ANSWERS = [
    {"alarm": "up", "weekend": "project", "music": "techno"},
    {"alarm": "snooze", "weekend": "cafe", "music": "jazz"},
    {"alarm": "awake", "weekend": "hike", "music": "ambient"},
]


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def quiz(cta_quiz):
    definition_set(cta_quiz, lead=LEAD)
    cta_quiz.created_at = at(TODAY - dt.timedelta(days=12))
    cta_quiz.save(update_fields=["created_at"])
    return cta_quiz


@pytest.fixture
def stats(client, editor, quiz):
    """The stats body as the API sends it, for the whole life of the quiz or a range."""
    _, token = token_create(user=editor)

    def get(**dates: str) -> dict:
        query = "&".join(f"{k}={v}" for k, v in dates.items())
        response = client.get(
            f"/api/quizzes/{quiz.slug}/stats/?{query}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 200
        return response.json()

    return get


def _move(result_id: str, when: dt.datetime) -> None:
    """A take made at `when`: its result, CTA click and lead (written now through HTTP)."""
    Result.objects.filter(pk=result_id).update(created_at=when)
    CtaClick.objects.filter(result_id=result_id).update(created_at=when + dt.timedelta(minutes=1))
    Lead.objects.filter(result_id=result_id).update(created_at=when + dt.timedelta(minutes=2))


def take(browser, *, when: dt.datetime, rng: random.Random, ref: str | None = None) -> dict:
    """A visitor's take through HTTP (through a friend's link `ref` if given): the call to
    action followed and a lead left by some, all moved to `when`."""
    visitor = browser()
    if ref:
        assert visitor.get(path_of(ref)).status_code in (200, 302)
    body = complete(visitor, ref=code_of(ref) if ref else None, **rng.choice(OUTCOME_ANSWERS))
    body["visitor"] = visitor
    if rng.random() < 0.7:
        assert visitor.get(path_of(body["cta"]["url"])).status_code == 302
    if rng.random() < 0.4:
        lead = {"email": f"p{rng.randint(0, 10**9)}@example.com", "consent": True}
        response = visitor.post(
            f"/api/results/{body['id']}/lead/", json.dumps(lead), content_type="application/json"
        )
        assert response.status_code == 201
    _move(body["id"], when)
    return body


def history(browser, rng: random.Random) -> list[dict]:
    """Takes over the last ten days and today (before now), some through friends' links."""
    links: list[str] = []
    bodies = []
    now = timezone.now()
    for back in range(10, -1, -1):
        day = TODAY - dt.timedelta(days=back)
        for _ in range(rng.randint(1, 3)):
            hour = rng.randint(0, now.hour if day == TODAY else 23)
            ref = rng.choice(links) if links and rng.random() < 0.5 else None
            body = take(browser, when=at(day, hour), rng=rng, ref=ref)
            if rng.random() < 0.5:
                links.append(share(body["visitor"], body["id"], rng.choice(CHANNELS)))
            bodies.append(body)
    return bodies


def test_the_rolled_up_body_equals_the_live_body_to_the_unit(browser, quiz, stats):
    history(browser, random.Random(4))
    ranges = [{}, {"from": str(TODAY - dt.timedelta(days=6))}, {"to": str(TODAY)}]
    ranges.append({"from": str(TODAY - dt.timedelta(days=8)), "to": str(TODAY - dt.timedelta(1))})
    live = [stats(**r) for r in ranges]
    assert live[0]["cta_clicks"] > live[0]["referred_cta_clicks"] > 0
    assert live[0]["leads"] > 0
    stats_rollup()  # the hourly run: sharing's figures, then integrations' CTA clicks
    assert CtaRollup.objects.get(quiz=quiz).through == TODAY - dt.timedelta(days=1)
    rolled_days = set(CtaDaily.objects.values_list("day", flat=True))
    assert rolled_days and max(rolled_days) < TODAY
    assert [stats(**r) for r in ranges] == live
    assert stats_rollup() and [stats(**r) for r in ranges] == live  # idempotent


def test_todays_clicks_after_the_run_count_at_once(browser, quiz, stats):
    rng = random.Random(5)
    history(browser, rng)
    stats_rollup()
    before = stats()
    # A few minutes ago (its click a minute later: still past, and still today).
    when = max(at(TODAY, 0), timezone.now() - dt.timedelta(minutes=3))
    body = take(browser, when=when, rng=random.Random(1))
    body["visitor"].get(path_of(body["cta"]["url"]))  # clicked again: still one
    after = stats()
    clicked = CtaClick.objects.filter(result_id=body["id"]).count()
    assert after["cta_clicks"] == before["cta_clicks"] + clicked == before["cta_clicks"] + 1
    outcome = body["outcome"]["key"]
    assert after["by_outcome"][outcome]["cta_clicks"] == (
        before["by_outcome"].get(outcome, {}).get("cta_clicks", 0) + 1
    )


def test_a_click_recorded_late_in_a_closed_day_is_rolled_up_by_the_next_run(browser, quiz, stats):
    rng = random.Random(6)
    history(browser, rng)
    stats_rollup()
    # A request that straddled midnight: its click lands in yesterday, already rolled up.
    body = take(browser, when=at(TODAY - dt.timedelta(days=1), 23), rng=random.Random(1))
    live_clicks = CtaClick.objects.filter(quiz=quiz).count()
    stats_rollup()
    assert stats()["cta_clicks"] == live_clicks
    assert CtaClick.objects.filter(result_id=body["id"]).exists()


def test_clicks_past_the_retention_are_purged_once_rolled_up_and_the_body_stays(
    browser, quiz, stats
):
    history(browser, random.Random(7))
    later = timezone.now() + dt.timedelta(days=raw_retention_days() - 5)
    old_clicks = CtaClick.objects.filter(created_at__lt=at(TODAY - dt.timedelta(days=5), 0))
    assert old_clicks.exists()
    # Not rolled up yet, or rolled up short of the last day to purge: nothing goes.
    stats_raw_purge(now=later)
    assert old_clicks.exists()
    stats_rollup(today=TODAY - dt.timedelta(days=6))
    count = old_clicks.count()
    stats_raw_purge(now=later)
    assert old_clicks.count() == count
    stats_rollup()
    body = stats()
    kept = CtaClick.objects.count() - old_clicks.count()
    stats_raw_purge(now=later)  # the hourly purge: sharing's raw events, then CTA clicks
    assert not old_clicks.exists()
    assert CtaClick.objects.count() == kept > 0
    assert stats() == body
    assert stats_raw_purge(now=later) == 0 and stats() == body  # idempotent


def test_a_result_older_than_the_retention_follows_its_cta_uncounted(browser, quiz, stats):
    body = take(browser, when=timezone.now(), rng=random.Random(2))
    visitor = body["visitor"]
    CtaClick.objects.all().delete()
    old = timezone.now() - dt.timedelta(days=raw_retention_days(), minutes=1)
    Result.objects.filter(pk=body["id"]).update(created_at=old)
    response = visitor.get(path_of(body["cta"]["url"]))
    assert response.status_code == 302
    assert response["Location"].startswith("https://shop.example.com/drinks?")
    # Its first click may have been purged: a click now must not count a second time.
    assert not CtaClick.objects.exists()
    Result.objects.filter(pk=body["id"]).update(created_at=old + dt.timedelta(minutes=2))
    visitor.get(path_of(body["cta"]["url"]))
    assert CtaClick.objects.count() == 1


def test_an_erased_lead_leaves_the_count_and_no_rollup_names_anyone(
    browser, client, editor, quiz, stats
):
    history(browser, random.Random(8))
    stats_rollup()
    before = stats()
    lead = Lead.objects.order_by("created_at").first()
    assert lead is not None and lead.created_at.date() < TODAY
    client.force_login(editor)
    response = client.post(
        f"/editor/quizzes/{quiz.slug}/integrations/leads/delete/", {"email": lead.email}
    )
    assert response.status_code == 302
    after = stats()
    assert after["leads"] == before["leads"] - 1
    assert {k: v for k, v in after.items() if k != "leads"} == {
        k: v for k, v in before.items() if k != "leads"
    }
    # Rollups hold counts only: neither the address nor the result is in any of them.
    rollups = json.dumps(list(DailyStats.objects.values_list("data", flat=True)), default=str)
    rollups += json.dumps(list(CtaDaily.objects.values()), default=str)
    assert lead.email not in rollups and lead.result_id not in rollups
