"""THE acceptance test: the word-of-mouth loop through HTTP, counted exactly everywhere.

A completes and shares on WhatsApp; a link-preview bot fetches that share page; B opens it
twice and completes (with the code); B shares by copy; C opens B's link and completes; A opens
A's own link and completes again; D completes with a bogus code. Then the stats equal
stats.md's definitions field by field through the API, the command and the page; and again
after the rollup task ran with the events moved to yesterday (and the raw events gone).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.db.models import F
from django.db.models.functions import Coalesce
from django.test import Client
from django.utils import timezone

from accounts.tokens import token_create
from quizzes.models import AnswerEvent, Quiz, QuizView, Result
from sharing.models import Click, DailyStats, Preview, Share
from sharing.stats.days import SHARED_UNTIL
from sharing.stats.page import RATES, percent
from sharing.tasks import rollup_daily_stats
from tests.sharing.conftest import BOT_UA, SLUG, code_of, complete, path_of, share, take_ref

OUTCOMES = ["espresso", "latte", "green_tea", "smoothie"]
QUESTIONS = ["alarm", "weekend", "music", "name"]
FIGURES = (
    "views",
    "starts",
    "completions",
    "completion_rate",
    "shares",
    "share_rate",
    "previews",
    "clicks",
    "referred_completions",
    "click_to_completion",
    "viral_coefficient",
    "max_depth",
)


def run_loop(browser) -> dict:
    a, b, c, d = browser(), browser(), browser(), browser()
    bot = Client(HTTP_USER_AGENT=BOT_UA)

    ra = complete(a)
    whatsapp = share(a, ra["id"], "whatsapp")

    preview = bot.get(path_of(whatsapp))
    assert preview.status_code == 200
    assert preview.cookies == {}

    first = b.get(path_of(whatsapp))
    again = b.get(path_of(whatsapp))
    assert first.status_code == again.status_code == 200
    assert take_ref(first.content.decode()) == code_of(whatsapp)
    rb = complete(b, ref=code_of(whatsapp))
    copy = share(b, rb["id"], "copy")

    assert c.get(path_of(copy)).status_code == 200
    rc = complete(c, ref=code_of(copy))

    own = a.get(path_of(whatsapp))
    assert own.status_code == 200
    ra2 = complete(a, ref=code_of(whatsapp))

    rd = complete(d, ref="bogus-code-123")
    return {"a": ra, "b": rb, "c": rc, "a2": ra2, "d": rd}


def expected_stats(outcome: str, day: str) -> dict:
    # cta_clicks: integrations' figure (spec/integrations.md), in every row.
    by_outcome = {
        k: dict.fromkeys(
            ("completions", "shares", "clicks", "referred_completions", "cta_clicks"), 0
        )
        for k in OUTCOMES
    }
    by_outcome[outcome] = {
        "completions": 5,
        "shares": 2,
        "clicks": 2,
        "referred_completions": 2,
        "cta_clicks": 0,
    }
    return {
        "quiz": SLUG,
        "views": 4,  # A, B, C and D opened the quiz (A twice, the same day: one view)
        "starts": 5,
        "completions": 5,
        "completion_rate": 1.0,
        "shares": 2,  # A's WhatsApp and B's copy; the default links are not shares
        "share_rate": 0.4,  # A's first and B's results were shared
        "previews": 1,
        "clicks": 2,  # B once (twice opened), C once; A's own visit is neither
        "referred_completions": 2,  # B and C; A's self-referral and D's bogus code do not count
        "click_to_completion": 1.0,
        "viral_coefficient": 0.4,
        "max_depth": 2,
        "by_channel": {
            "copy": {"shares": 1, "clicks": 1, "referred_completions": 1, "cta_clicks": 0},
            "whatsapp": {"shares": 1, "clicks": 1, "referred_completions": 1, "cta_clicks": 0},
        },
        "by_outcome": by_outcome,
        "by_question": [{"key": k, "answered": 5} for k in QUESTIONS],
        "by_depth": {"0": 3, "1": 1, "2": 1},
        "by_day_totals": {
            "date": day,
            "views": 4,
            "completions": 5,
            "shares": 2,
            "clicks": 2,
            "referred_completions": 2,
        },
    }


def check(body: dict, expected: dict) -> None:
    expected = dict(expected)
    day = expected.pop("by_day_totals")
    for field, value in expected.items():
        assert body[field] == value, field
    rows = {row["date"]: row for row in body["by_day"]}
    assert rows[day["date"]] == day
    assert sum(row["completions"] for row in body["by_day"]) == 5


def page_figures(html: str) -> dict:
    figures = dict(re.findall(r'data-figure="(\w+)"><span[^>]*>[^<]*</span><b>([^<]*)</b>', html))
    channels = {
        ch: dict(zip(("shares", "clicks", "referred_completions"), map(int, nums), strict=True))
        for ch, *nums in re.findall(
            r'<tr data-channel="(\w+)"><td>[^<]+</td><td class="num">(\d+)</td>'
            r'<td class="num">(\d+)</td><td class="num">(\d+)</td></tr>',
            html,
        )
    }
    return {"figures": figures, "by_channel": channels}


def check_everywhere(client: Client, token: str, expected: dict, query: str = "") -> None:
    api = client.get(f"/api/quizzes/{SLUG}/stats/{query}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200
    check(api.json(), expected)

    out = io.StringIO()
    args = ["quiz_stats", SLUG]
    for name, value in re.findall(r"(from|to)=([\d-]+)", query):
        args += [f"--{name}", value]
    call_command(*args, stdout=out)
    command = json.loads(out.getvalue())
    assert command == api.json()

    page = client.get(f"/editor/quizzes/{SLUG}/stats/{query}")
    assert page.status_code == 200
    parsed = page_figures(unescape(page.content.decode()))
    for field in FIGURES:
        # The page shows rates as percentages (0.5 -> "50%") and the viral coefficient with
        # two decimals, as the dashboard does (0.4 -> "0.40").
        if field in RATES:
            shown = percent(expected[field])
        elif field == "viral_coefficient":
            shown = f"{expected[field]:.2f}"
        else:
            shown = str(expected[field])
        assert parsed["figures"][field] == shown, field
    # The page's channel table shows sharing's three columns.
    assert parsed["by_channel"] == {
        channel: {f: n for f, n in row.items() if f != "cta_clicks"}
        for channel, row in expected["by_channel"].items()
    }


@pytest.mark.django_db
def test_the_loop_is_counted_exactly_through_api_command_and_page(published_quiz, browser, editor):
    results = run_loop(browser)
    outcome = results["a"]["outcome"]["key"]
    assert {r["outcome"]["key"] for r in results.values()} == {outcome}
    depths = dict(Result.objects.values_list("id", Coalesce("referral__depth", 0)))
    assert [depths[results[k]["id"]] for k in ("a", "b", "c", "a2", "d")] == [0, 1, 2, 0, 0]

    _, token = token_create(user=editor, name="loop")
    staff = Client()
    staff.force_login(editor)
    today = timezone.now().date()
    check_everywhere(staff, token, expected_stats(outcome, today.isoformat()))

    # Move every event to yesterday, roll up, then drop the raw events that can go: the same
    # figures now come from the rollup.
    yesterday = today - dt.timedelta(days=1)
    one_day = dt.timedelta(days=1)
    quiz = Quiz.objects.get(slug=SLUG)
    Quiz.objects.filter(pk=quiz.pk).update(created_at=F("created_at") - one_day)
    for model in (Result, Share, Click, Preview, AnswerEvent):
        model.objects.filter(quiz=quiz).update(created_at=F("created_at") - one_day)
    QuizView.objects.filter(quiz=quiz).update(day=yesterday)
    assert rollup_daily_stats() >= 1
    assert DailyStats.objects.filter(quiz=quiz, day=yesterday).count() == 1
    # A second run writes the same figures (idempotent); only the time it counted shares
    # up to moves on (sharing.stats.days.SHARED_UNTIL).
    before = DailyStats.objects.get(quiz=quiz, day=yesterday).data
    rollup_daily_stats()
    after = DailyStats.objects.get(quiz=quiz, day=yesterday).data
    assert after.pop(SHARED_UNTIL) >= before.pop(SHARED_UNTIL)
    assert after == before
    for model in (Click, Preview, AnswerEvent, QuizView):
        model.objects.filter(quiz=quiz).delete()

    expected = expected_stats(outcome, yesterday.isoformat())
    check_everywhere(staff, token, expected)
    check_everywhere(staff, token, expected, query=f"?from={yesterday}&to={yesterday}")
    body = staff.get(
        f"/api/quizzes/{SLUG}/stats/?from={yesterday}&to={today}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    assert body["by_day"][1] == {
        "date": today.isoformat(),
        "views": 0,
        "completions": 0,
        "shares": 0,
        "clicks": 0,
        "referred_completions": 0,
    }
