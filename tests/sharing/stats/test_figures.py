"""The dashboard's key figures (quiz_figures, answered by sharing.stats.figures): the same
completions, share rate and viral coefficient as the stats page over all time, from the
rollups and today's events, in two queries whatever the number of quizzes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Quiz, Result
from quizzes.signals import quiz_figures
from sharing.models import Referral
from sharing.stats.figures import quizzes_figures
from sharing.stats.ranges import quiz_stats
from sharing.stats.rollups import stats_rollup
from tests.factories import PublishedVersionFactory, ResultFactory, ShareFactory

pytestmark = pytest.mark.django_db


def _loop(version, *, results: int, shared: int, referred: int) -> list[Result]:
    """`results` completions; the first `shared` shared; `referred` more brought by a share."""
    made = [ResultFactory(version=version) for _ in range(results)]
    shares = [ShareFactory(result=r) for r in made[:shared]]
    for _ in range(referred):
        Referral.objects.create(result=ResultFactory(version=version), share=shares[0], depth=1)
    return made


def test_it_counts_completions_shares_and_referrals_as_stats_md_defines_them():
    version = PublishedVersionFactory()
    _loop(version, results=3, shared=1, referred=1)  # 4 completions, 1 shared, 1 referred

    figures = quizzes_figures(quiz_ids=[version.quiz_id])

    assert figures == {
        version.quiz_id: {
            "completions": 4,
            "share_rate": 0.25,
            "viral_coefficient": 0.25,
            "stats_url": reverse("sharing:stats", args=[version.quiz.slug]),
        }
    }


def test_it_adds_the_rolled_up_days_to_the_days_not_rolled_up_and_agrees_with_the_stats():
    version = PublishedVersionFactory()
    quiz = version.quiz
    old = _loop(version, results=4, shared=2, referred=2)
    days_ago = timezone.now() - dt.timedelta(days=3)
    Quiz.objects.filter(pk=quiz.pk).update(created_at=days_ago - dt.timedelta(days=1))
    Result.objects.filter(quiz=quiz).update(created_at=days_ago)
    assert stats_rollup() > 0
    _loop(version, results=2, shared=0, referred=0)  # today: not rolled up

    figures = quizzes_figures(quiz_ids=[quiz.pk])[quiz.pk]

    quiz.refresh_from_db()
    body = quiz_stats(quiz)
    assert figures["completions"] == body["completions"] == 8
    assert figures["share_rate"] == body["share_rate"] == 0.25
    assert figures["viral_coefficient"] == body["viral_coefficient"] == 0.25
    assert old


def test_a_quiz_without_results_has_no_rates():
    version = PublishedVersionFactory()
    figures = quizzes_figures(quiz_ids=[version.quiz_id])[version.quiz_id]
    assert (figures["completions"], figures["share_rate"], figures["viral_coefficient"]) == (
        0,
        None,
        None,
    )


def test_it_answers_for_many_quizzes_in_two_queries():
    ids = []
    for n in range(6):
        version = PublishedVersionFactory(slug=f"quiz-{n}")
        _loop(version, results=2, shared=1, referred=1)
        ids.append(version.quiz_id)
    stats_rollup()

    with CaptureQueriesContext(connection) as queries:
        [(_receiver, answer)] = [
            r for r in quiz_figures.send(sender=Quiz, quiz_ids=ids) if r[1] is not None
        ]

    assert len(queries) == 2
    assert sorted(answer) == sorted(ids)
    assert {f["completions"] for f in answer.values()} == {3}
