"""sharing/stats/: every figure of stats.md, date ranges, rollups, the page and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from accounts.tokens import token_create
from quizzes.models import AnswerEvent, QuizView, Result
from sharing.models import Click, DailyStats, Preview, Referral, Share, ShareKind
from sharing.services import referral_depth
from sharing.stats.days import SHARED_UNTIL, days_compute
from sharing.stats.ranges import quiz_stats
from sharing.stats.rollups import stats_rollup
from tests.factories import ClickFactory, ShareFactory

TODAY = timezone.now().date()


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


class Events:
    """Rows written directly with chosen times (the HTTP path is test_loop's job)."""

    def __init__(self, quiz):
        self.quiz = quiz
        self.n = 0

    def _move(self, model, pk, when):
        model.objects.filter(pk=pk).update(created_at=when)

    def answer(self, take: str, key: str, when: dt.datetime, position: int = 0):
        row = AnswerEvent.objects.create(
            quiz=self.quiz, take=take, question_key=key, position=position
        )
        self._move(AnswerEvent, row.pk, when)

    def result(self, when, *, outcome="espresso", referred_by=None, depth=0, take=None, answers=()):
        self.n += 1
        take = take or f"take-{self.n}"
        for i, key in enumerate(answers):
            self.answer(take, key, when, i)
        row = Result.objects.create(
            quiz=self.quiz,
            version=self.quiz.live_version,
            visitor=f"v{self.n}",
            take=take,
            outcome_key=outcome,
            title=outcome,
        )
        if referred_by is not None or depth:
            Referral.objects.create(result=row, share=referred_by, depth=depth)
        self._move(Result, row.pk, when)
        return Result.objects.get(pk=row.pk)

    def share(self, result, channel, when, kind=ShareKind.BUTTON):
        row = ShareFactory(result=result, channel=channel, kind=kind)
        self._move(Share, row.pk, when)
        return row

    def click(self, share, visitor, when):
        row = ClickFactory(share=share, visitor=visitor)
        self._move(Click, row.pk, when)

    def preview(self, share, when):
        row = Preview.objects.create(quiz=self.quiz, share=share, agent="bot")
        self._move(Preview, row.pk, when)

    def view(self, visitor, day):
        QuizView.objects.create(quiz=self.quiz, visitor=visitor, day=day)


@pytest.fixture
def events(published_quiz):
    published_quiz.created_at = at(TODAY - dt.timedelta(days=20))
    published_quiz.save(update_fields=["created_at"])
    return Events(published_quiz)


def test_an_empty_quiz_has_zeros_and_no_division_by_zero(published_quiz):
    body = quiz_stats(published_quiz)
    assert body["completion_rate"] == body["share_rate"] == 0.0
    assert body["click_to_completion"] == body["viral_coefficient"] == 0.0
    assert body["max_depth"] == 0
    assert body["by_channel"] == {}
    assert body["by_question"] == [
        {"key": k, "answered": 0} for k in ("alarm", "weekend", "music", "name")
    ]
    assert body["by_day"] == [
        {
            "date": TODAY.isoformat(),
            "views": 0,
            "completions": 0,
            "shares": 0,
            "clicks": 0,
            "referred_completions": 0,
        }
    ]


def test_events_are_counted_by_their_own_day_and_ranges_are_inclusive(events):
    d2, d1 = TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)
    r1 = events.result(at(d2), answers=["alarm"])
    s1 = events.share(r1, "x", at(d1))
    events.click(s1, "f1", at(d1))
    events.click(s1, "f2", at(TODAY))
    events.preview(s1, at(TODAY))
    events.result(at(d1), referred_by=s1, depth=1, outcome="latte")
    events.view("f1", d2)
    events.view("f1", d1)

    body = quiz_stats(events.quiz, d1, d1)
    assert (body["from"], body["to"]) == (d1.isoformat(), d1.isoformat())
    assert (body["views"], body["completions"], body["shares"], body["clicks"]) == (1, 1, 1, 1)
    assert (body["referred_completions"], body["previews"], body["max_depth"]) == (1, 0, 1)
    assert body["by_outcome"]["latte"]["completions"] == 1
    assert body["by_outcome"]["espresso"] == {
        "completions": 0,
        "shares": 1,
        "clicks": 1,
        "referred_completions": 1,
        "cta_clicks": 0,  # integrations' (spec/integrations.md)
    }
    assert body["by_channel"] == {
        "x": {"shares": 1, "clicks": 1, "referred_completions": 1, "cta_clicks": 0}
    }
    assert body["share_rate"] == 0.0  # d1's completion was not shared

    whole = quiz_stats(events.quiz, d2, TODAY)
    assert [d["date"] for d in whole["by_day"]] == [d.isoformat() for d in (d2, d1, TODAY)]
    assert [d["clicks"] for d in whole["by_day"]] == [0, 1, 1]
    assert (whole["completions"], whole["clicks"], whole["previews"]) == (2, 2, 1)
    assert whole["share_rate"] == 0.5
    assert whole["viral_coefficient"] == 0.5 and whole["click_to_completion"] == 0.5
    assert whole["by_depth"] == {"0": 1, "1": 1}
    # The default range runs from the quiz's first day to today.
    assert len(quiz_stats(events.quiz)["by_day"]) == 21


def test_a_start_is_a_take_counted_on_the_day_of_its_first_event(events):
    d1 = TODAY - dt.timedelta(days=1)
    events.answer("t1", "alarm", at(d1, 23))  # started yesterday, finished today
    events.result(at(TODAY, 0), take="t1", answers=["weekend"])
    events.result(at(TODAY))  # posted without answer events (API client): still a start
    events.answer("t3", "alarm", at(TODAY))  # answered one question, never finished
    events.answer("t3", "weekend", at(TODAY))
    assert quiz_stats(events.quiz, d1, d1)["starts"] == 1
    today = quiz_stats(events.quiz, TODAY, TODAY)
    assert today["starts"] == 2
    assert today["completions"] == 2 and today["completion_rate"] == 1.0
    both = quiz_stats(events.quiz, d1, TODAY)
    assert both["starts"] == 3
    assert both["completion_rate"] == round(2 / 3, 4) == 0.6667
    assert {q["key"]: q["answered"] for q in both["by_question"]} == {
        "alarm": 2,
        "weekend": 2,
        "music": 0,
        "name": 0,
    }


def _random_history(events, rng):
    shares = []
    for day_back in range(10, -1, -1):
        day = TODAY - dt.timedelta(days=day_back)
        for _ in range(rng.randint(0, 4)):
            ref = rng.choice(shares) if shares and rng.random() < 0.5 else None
            result = events.result(
                at(day, rng.randint(0, 23)),
                outcome=rng.choice(["espresso", "latte"]),
                referred_by=ref,
                depth=(referral_depth(ref.result) + 1) if ref else 0,
                answers=rng.sample(["alarm", "weekend", "music"], rng.randint(0, 3)),
            )
            if rng.random() < 0.6:
                share = events.share(result, rng.choice(["x", "copy", "line"]), at(day, 23))
                shares.append(share)
                for v in range(rng.randint(0, 3)):
                    events.click(share, f"c{v}", at(day, 23))
                if rng.random() < 0.5:
                    events.preview(share, at(day, 23))
            events.view(f"view{events.n}", day)


def test_rollups_give_exactly_the_live_figures(events):
    _random_history(events, random.Random(6))
    start = TODAY - dt.timedelta(days=12)
    live = quiz_stats(events.quiz, start, TODAY)
    assert live["completions"] > 10 and live["clicks"] > 5
    assert stats_rollup() == 20  # the quiz's first day (20 days ago) to yesterday
    assert DailyStats.objects.filter(day__lt=TODAY).count() == 20  # and today, to its last hour
    assert quiz_stats(events.quiz, start, TODAY) == live
    # A second run (the beat is hourly) only redoes the last few days, to the same values.
    assert stats_rollup() == 3
    assert quiz_stats(events.quiz, start, TODAY) == live


def test_rollups_are_read_for_closed_days(events):
    d1 = TODAY - dt.timedelta(days=1)
    events.result(at(d1))
    stats_rollup()
    DailyStats.objects.filter(day=d1).update(data={"completions": 7, "max_depth": 3})
    body = quiz_stats(events.quiz, d1, d1)
    assert (body["completions"], body["max_depth"]) == (7, 3)


def test_late_events_and_late_shares_are_picked_up_by_the_next_run(events):
    d1, d9 = TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=9)
    old = events.result(at(d9))
    stats_rollup()
    assert quiz_stats(events.quiz, d9, d9)["share_rate"] == 0.0
    events.result(at(d1, 23))  # a completion that reached the database after the run
    events.share(old, "x", timezone.now())  # the nine-day-old result is shared today
    stats_rollup()
    assert quiz_stats(events.quiz, d1, d1)["completions"] == 1
    assert quiz_stats(events.quiz, d9, d9)["share_rate"] == 1.0
    rolled = DailyStats.objects.get(day=d9).data
    assert rolled.pop(SHARED_UNTIL)  # the shares it counts: those before its run
    assert days_compute(quiz_id=events.quiz.pk, first=d9, last=d9)[d9] == rolled


def test_max_depth_is_the_maximum_over_days(events):
    d1, d2 = TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=2)
    events.result(at(d2), depth=3)
    events.result(at(d1), depth=1)
    stats_rollup()
    assert quiz_stats(events.quiz, d2, TODAY)["max_depth"] == 3


@pytest.mark.parametrize(
    "query, field",
    [
        ("?from=2025-13-01", "from"),
        ("?to=yesterday", "to"),
        ("?from=2025-1-1", "from"),
        ("?from=2025-03-02&to=2025-03-01", "dates"),
        ("?from=1900-01-01&to=2025-01-01", "dates"),
        # Found by tests/test_fuzz.py: the day after 9999-12-31 overflowed (a 500).
        ("?from=9999-12-31", "from"),
        ("?from=9999-12-01&to=9999-12-31", "to"),
    ],
)
def test_bad_dates_are_a_400(published_quiz, editor, query, field):
    _, token = token_create(user=editor)
    response = Client().get(
        f"/api/quizzes/which-morning-drink/stats/{query}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    staff = Client()
    staff.force_login(editor)
    page = staff.get(f"/editor/quizzes/which-morning-drink/stats/{query}")
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    with pytest.raises(CommandError):
        call_command(
            "quiz_stats", "which-morning-drink", "--from", "2025-13-01", stdout=io.StringIO()
        )


def test_the_csv_has_the_daily_figures(events, editor):
    d1 = TODAY - dt.timedelta(days=1)
    events.result(at(d1))
    events.view("someone", d1)
    staff = Client()
    staff.force_login(editor)
    response = staff.get(
        f"/editor/quizzes/which-morning-drink/stats/?from={d1}&to={TODAY}&format=csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["date", "views", "completions", "shares", "clicks", "referred_completions"],
        [d1.isoformat(), "1", "1", "0", "0", "0"],
        [TODAY.isoformat(), "0", "0", "0", "0", "0"],
    ]


def test_the_stats_page_needs_a_login_and_is_not_found_without_the_right(
    published_quiz, other_author
):
    url = "/editor/quizzes/which-morning-drink/stats/"
    assert Client().get(url).status_code == 302
    client = Client()
    client.force_login(other_author)
    assert client.get(url).status_code == 404
    published_quiz.shared_with.add(other_author)
    assert client.get(url).status_code == 200
    assert client.get("/editor/quizzes/nope/stats/").status_code == 404


def test_the_stats_page_draws_its_charts_in_svg_without_scripts(
    events, editor, django_assert_max_num_queries
):
    _random_history(events, random.Random(2))
    client = Client()
    client.force_login(editor)
    with django_assert_max_num_queries(30):
        html = client.get("/editor/quizzes/which-morning-drink/stats/").content.decode()
    assert html.count("<svg") == 4
    for title in ("Funnel", "By day", "Answers per question", "Referral depth"):
        assert f"<title>{title}</title>" in html
    assert "<script" not in html
    # Nothing is loaded from another site (a CDN): no absolute src or href. (Not a search for
    # "cdn", which the page's random CSRF token sometimes contains.)
    assert not re.search(r'\b(?:src|href)="(?:https?:)?//', html)
    assert 'name="from"' in html and 'name="to"' in html and "format=csv" in html


def test_the_stats_page_names_outcomes_by_title_and_wraps_tables_to_scroll(events, editor):
    events.result(at(TODAY))
    client = Client()
    client.force_login(editor)

    html = client.get("/editor/quizzes/which-morning-drink/stats/").content.decode()

    titles = re.findall(r'<tr data-outcome="(\w+)"><td title="\w+"[^>]*>([^<]+)</td>', html)
    assert ("latte", "Latte") in titles and ("green_tea", "Green Tea") in titles
    assert html.count('<div class="table-scroll"><table') == html.count("<table")
    assert html.count("<table") == 4


def test_chart_text_is_readable_on_a_phone_and_one_day_is_a_narrow_bar():
    from sharing.stats import charts

    funnel = str(charts.bars([("Referred completions", 3), ("Views", 10)], title="Funnel"))
    one_day = str(charts.days([{"date": "2025-03-01", "completions": 4}], title="By day"))

    for svg in (funnel, one_day):
        assert 'viewBox="0 0 400 ' in svg
        # Shown <= 28rem wide, >= ~340 px on a 390 px phone: 14 units >= 11.9 px.
        assert set(re.findall(r'font-size="(\d+)"', svg)) == {"14"}
    widths = [
        float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', one_day)
    ]
    assert widths == [charts.BAR_MAX]
