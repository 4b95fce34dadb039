"""Stats at scale: rollups stay exact across days, raw events are purged once rolled up
(sharing/stats/purge.py) and the stats body reads a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.models import CtaRollup
from quizbuilder.celery import app
from quizzes.models import AnswerEvent, QuizView
from sharing.models import Click, DailyStats, Preview
from sharing.stats.days import days_compute
from sharing.stats.figures import quizzes_figures
from sharing.stats.purge import raw_retention_days, stats_raw_purge
from sharing.stats.ranges import quiz_stats
from sharing.stats.rollups import stats_rollup
from sharing.tasks import purge_raw_stats_events
from tests.factories import PublishedVersionFactory
from tests.sharing.stats.test_stats import TODAY, Events, _random_history, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(published_quiz):
    published_quiz.created_at = at(TODAY - dt.timedelta(days=20))
    published_quiz.save(update_fields=["created_at"])
    return Events(published_quiz)


def _raw_counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (AnswerEvent, QuizView, Click, Preview))


def test_the_body_is_unchanged_when_rolled_up_raw_events_are_purged(events):
    _random_history(events, random.Random(3))
    live = quiz_stats(events.quiz)
    stats_rollup()
    before = _raw_counts()
    purged = stats_raw_purge(days=3)
    after = _raw_counts()
    assert purged == sum(before) - sum(after) > 0
    assert all(n_after < n_before for n_before, n_after in zip(before, after, strict=True))
    cutoff = at(TODAY - dt.timedelta(days=3), 0)
    assert not AnswerEvent.objects.filter(created_at__lt=cutoff).exists()
    assert AnswerEvent.objects.filter(created_at__gte=cutoff).exists()
    assert quiz_stats(events.quiz) == live
    # The hourly rollup redoes the last closed days, whose events are all still there.
    stats_rollup()
    assert quiz_stats(events.quiz) == live
    assert stats_raw_purge(days=3) == 0  # idempotent


def test_days_not_rolled_up_keep_their_raw_events(events):
    _random_history(events, random.Random(4))
    before = _raw_counts()
    assert stats_raw_purge(days=3) == 0
    assert _raw_counts() == before
    stats_rollup()
    # A quiz whose rollups stop short of the cutoff keeps its rows until they catch up.
    DailyStats.objects.filter(day__gte=TODAY - dt.timedelta(days=4)).delete()
    assert stats_raw_purge(days=3) == 0
    assert stats_rollup() > 0
    assert stats_raw_purge(days=3) > 0


def test_a_late_share_of_a_purged_day_changes_its_share_rate_only(events):
    d9 = TODAY - dt.timedelta(days=9)
    old = events.result(at(d9), answers=["alarm", "weekend"])
    events.view("visitor", d9)
    first = events.share(old, "x", at(d9))
    events.click(first, "friend", at(d9, 13))
    stats_rollup()
    assert stats_raw_purge(days=3) == 4  # two answers, a view, a click
    events.share(old, "copy", at(TODAY - dt.timedelta(days=1)))  # a second share, later
    stats_rollup()
    day = quiz_stats(events.quiz, d9, d9)
    assert (day["views"], day["starts"], day["completions"], day["clicks"]) == (1, 1, 1, 1)
    assert (day["shares"], day["share_rate"]) == (1, 1.0)
    assert [q["answered"] for q in day["by_question"]][:2] == [1, 1]


def test_distinct_per_visitor_figures_add_up_exactly_over_rolled_up_days(events):
    d1, d2 = TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=2)
    events.view("v", d2)
    events.view("v", d1)  # one view per visitor per day: two days, two views
    events.answer("t", "alarm", at(d2, 23))  # a take started on d2, finished on d1
    result = events.result(at(d1, 1), take="t", answers=["weekend"], depth=2)
    share = events.share(result, "line", at(d1, 2))
    events.click(share, "friend", at(d1, 3))
    live = quiz_stats(events.quiz, d2, TODAY)
    stats_rollup()
    stats_raw_purge(days=0)  # everything before today is rolled up: every raw row of d1, d2
    assert not AnswerEvent.objects.exists() and not Click.objects.exists()
    body = quiz_stats(events.quiz, d2, TODAY)
    assert body == live
    assert (body["views"], body["starts"], body["clicks"], body["max_depth"]) == (2, 1, 1, 2)
    assert body["share_rate"] == 1.0


def test_the_raw_retention_outlives_the_visitor_cookie():
    with override_settings(STATS_RAW_RETENTION_DAYS=30):
        assert raw_retention_days() == 366  # a click is once per visitor: the id must be gone
    with override_settings(STATS_RAW_RETENTION_DAYS=800):
        assert raw_retention_days() == 800


def test_the_purge_runs_hourly_from_beat(events):
    _random_history(events, random.Random(5))
    stats_rollup()
    assert purge_raw_stats_events() == 0  # nothing is 400 days old
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "sharing.tasks.purge_raw_stats_events" in tasks


@pytest.mark.parametrize("days_back", [3, 20])
def test_the_stats_body_reads_a_fixed_number_of_queries(
    events, django_assert_num_queries, days_back
):
    _random_history(events, random.Random(6))
    stats_rollup()
    first = TODAY - dt.timedelta(days=days_back)
    # The rollups of the closed days in one query, today's events (views, first answers,
    # unanswered results, answers, shown, results, shares, clicks, referred completions,
    # previews), the refusals, the latest rollup run and the shares since it (share_rate),
    # and the four of integrations (stats_extras: how far its CTA clicks are rolled up, those
    # rollups, today's clicks, the leads): whatever the number of days.
    with django_assert_num_queries(18):
        quiz_stats(events.quiz, first, TODAY)


def test_many_quizzes_are_rolled_up_together_each_exactly(events):
    _random_history(events, random.Random(7))
    with CaptureQueriesContext(connection) as one:
        assert stats_rollup() == 20
    DailyStats.objects.all().delete()
    CtaRollup.objects.all().delete()  # the run rolls integrations' CTA clicks up too
    other = PublishedVersionFactory(slug="other-quiz").quiz
    other.created_at = at(TODAY - dt.timedelta(days=20))
    other.save(update_fields=["created_at"])
    _random_history(Events(other), random.Random(8))
    live = [quiz_stats(q) for q in (events.quiz, other)]
    with CaptureQueriesContext(connection) as two:
        assert stats_rollup() == 40
    assert [quiz_stats(q) for q in (events.quiz, other)] == live
    assert live[0] != live[1]
    # Both quizzes start on the same day: one set of grouped queries for the two of them,
    # as many as for one.
    assert len(two) == len(one)


def test_today_is_rolled_up_to_its_last_full_hour_and_the_rest_counted(events):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    if hour.hour == 0:
        pytest.skip("today has no full hour yet")
    events.result(hour - dt.timedelta(minutes=30), answers=["alarm"])
    events.view("early", TODAY)
    QuizView.objects.filter(visitor="early").update(created_at=hour - dt.timedelta(minutes=20))
    live = quiz_stats(events.quiz, TODAY, TODAY)
    stats_rollup()
    partial = DailyStats.objects.get(day=TODAY).data
    assert (partial["completions"], partial["views"], partial["until"]) == (1, 1, hour.isoformat())
    later = events.result(timezone.now(), answers=["alarm", "weekend"])
    events.share(later, "x", timezone.now())
    events.view("late", TODAY)
    body = quiz_stats(events.quiz, TODAY, TODAY)
    assert (body["completions"], body["starts"], body["views"], body["shares"]) == (2, 2, 2, 1)
    assert body["completions"] == live["completions"] + 1


def test_a_day_rolled_up_to_an_hour_is_completed_from_the_events(events):
    # Yesterday's record as the last run before midnight left it (up to 20:00), read before
    # the first run of the day rolls the whole day up.
    d1 = TODAY - dt.timedelta(days=1)
    events.result(at(d1, 10))
    events.result(at(d1, 22))
    until = at(d1, 20)
    data = days_compute(quiz_id=events.quiz.pk, first=d1, last=d1, until=until)[d1]
    assert data["completions"] == 1
    DailyStats.objects.create(quiz=events.quiz, day=d1, data={**data, "until": until.isoformat()})
    assert quiz_stats(events.quiz, d1, d1)["completions"] == 2
    assert quizzes_figures(quiz_ids=[events.quiz.pk])[events.quiz.pk]["completions"] == 2


def test_a_first_share_after_the_rollup_counts_at_once_and_once(events):
    d2 = TODAY - dt.timedelta(days=2)
    shared, late = (events.result(at(d2, h)) for h in (9, 10))
    events.share(shared, "x", at(d2, 11))
    stats_rollup()
    assert quiz_stats(events.quiz, d2, d2)["share_rate"] == 0.5
    # A late first share, and a second share of a result the rollup saw shared: only the
    # first moves the rate, before the next hourly run and after it alike.
    events.share(late, "line", timezone.now())
    events.share(shared, "copy", timezone.now())
    assert quiz_stats(events.quiz, d2, d2)["share_rate"] == 1.0
    assert quiz_stats(events.quiz)["share_rate"] == quiz_stats(events.quiz, d2, TODAY)["share_rate"]
    stats_rollup()
    assert quiz_stats(events.quiz, d2, d2)["share_rate"] == 1.0
