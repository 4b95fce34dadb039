"""The friend loop through HTTP: the share page's button goes straight to question 1 with the
code; a referred friend's result page compares them with the friend who sent the link; the
result page of somebody else is framed for a friend; "N% got this result" from 20
completions; link previews on every visitor page; no-JS refresh while the picture is drawn."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.utils import timezone

from quizzes.models import Result
from sharing.models import DailyStats, ResultCard
from sharing.stats.days import utc_today
from tests.quizzes.takehelp import TAKES, post_json
from tests.sharing.conftest import SLUG, code_of, complete, path_of, share, take_ref

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _compare(html: str) -> str:
    found = re.search(r"<section class=\"compare.*?</section>", html, re.S)
    return _text(found.group(0)) if found else ""


def test_take_the_test_goes_to_the_first_question_with_the_code(published_quiz, browser):
    a, b = browser(), browser()
    link = share(a, complete(a)["id"], "whatsapp")
    page = b.get(path_of(link)).content.decode()
    assert take_ref(page) == code_of(link)
    first = b.get(f"/q/{SLUG}/take/?ref={code_of(link)}")
    assert first.status_code == 200
    assert 'name="state"' in first.content.decode()


def test_a_referred_friend_with_the_same_result_is_told_so_by_name(published_quiz, browser):
    a, b = browser(), browser()
    link = share(a, complete(a, name="Anna")["id"], "whatsapp")
    b.get(path_of(link))
    mine = complete(b, ref=code_of(link), name="Bo")
    html = b.get(f"/r/{mine['id']}/").content.decode()
    compared = _compare(html)
    assert compared.startswith("You and Anna are both Espresso")
    assert "You Espresso Anna Espresso" in compared
    assert "Send yours back to Anna" in compared
    assert 'data-compare="same"' in html


def test_a_different_result_is_shown_side_by_side(published_quiz, browser):
    a, b = browser(), browser()
    link = share(a, complete(a, name="Anna")["id"], "copy")
    b.get(path_of(link))
    mine = complete(b, ref=code_of(link), alarm="snooze", weekend="hike", music="ambient")
    assert mine["outcome"]["key"] != "espresso"
    compared = _compare(b.get(f"/r/{mine['id']}/").content.decode())
    assert compared.startswith("You and Anna got different results")
    assert f"You {mine['outcome']['title']} Anna Espresso" in compared


def test_scores_compare_the_two_figures(publish, browser):
    publish("how-stressed-are-you")
    answers = TAKES["how-stressed-are-you"]["answers"]
    url = "/api/quizzes/how-stressed-are-you/responses/"
    a, b = browser(), browser()
    ra = post_json(a, url, {"answers": answers}).json()
    link = share(a, ra["id"], "copy")
    b.get(path_of(link))
    mine = post_json(b, url, {"answers": answers, "ref": code_of(link)}).json()
    compared = _compare(b.get(f"/r/{mine['id']}/").content.decode())
    assert compared.startswith("You and your friend are both Mostly balanced")
    assert compared.count("8 / 19") == 2


def test_calculators_compare_the_two_figures(publish, browser):
    publish("weight-in-10-years")
    url = "/api/quizzes/weight-in-10-years/responses/"
    habits = {"age": 50, "exercise": "daily", "sleep": "ok"}
    a, b = browser(), browser()
    ra = post_json(a, url, {"answers": {**habits, "name": "Anna", "weight": 70}}).json()
    link = share(a, ra["id"], "copy")
    b.get(path_of(link))
    body = {"answers": {**habits, "name": "Bo", "weight": 90}, "ref": code_of(link)}
    mine = post_json(b, url, body).json()
    compared = _compare(b.get(f"/r/{mine['id']}/").content.decode())
    # 70 + 10 * (-0.3 + 0.1) = 68 and 90 - 2 = 88: the card's figure, weight_10y, side by side.
    assert compared.startswith("You and Anna got the same result")
    assert "You Bo, you'll be lighter: 88 kg 88 Anna Anna, you'll be lighter: 68 kg 68" in compared


def test_nobody_else_sees_the_comparison_and_unreferred_results_have_none(published_quiz, browser):
    a, b, c = browser(), browser(), browser()
    ra = complete(a, name="Anna")
    link = share(a, ra["id"], "copy")
    b.get(path_of(link))
    mine = complete(b, ref=code_of(link))
    assert _compare(c.get(f"/r/{mine['id']}/").content.decode()) == ""
    assert _compare(a.get(f"/r/{ra['id']}/").content.decode()) == ""


def test_a_result_opened_by_someone_else_is_framed_for_a_friend(published_quiz, browser):
    a, c = browser(), browser()
    ra = complete(a, name="Anna")
    theirs = c.get(f"/r/{ra['id']}/").content.decode()
    assert "Anna took this test and got…" in _text(theirs)
    found = re.search(r'href="(/q/[^"]+)"[^>]*data-take-yourself', theirs)
    assert found and found.group(1).startswith(f"/q/{SLUG}/take/?ref=")
    assert "Take it again" not in theirs  # not theirs to take again
    own = a.get(f"/r/{ra['id']}/").content.decode()
    assert "data-friend-frame" not in own and "data-take-yourself" not in own
    assert "Take it again" in own


def test_the_outcome_percentage_shows_from_20_completions(published_quiz, browser):
    first = complete(browser())
    for _ in range(18):
        complete(browser())
    assert "got this result" not in browser().get(f"/r/{first['id']}/").content.decode()
    complete(browser(), alarm="snooze", weekend="hike", music="ambient")  # the 20th: a latte
    cache.clear()  # the counts are cached for a few minutes
    html = browser().get(f"/r/{first['id']}/").content.decode()
    assert "95% got this result" in _text(html)


def test_the_outcome_percentage_reads_the_daily_rollups(published_quiz, browser):
    mine = complete(browser())
    yesterday = utc_today() - dt.timedelta(days=1)
    by_outcome = {"espresso": {"completions": 10}, "latte": {"completions": 29}}
    DailyStats.objects.create(
        quiz=published_quiz, day=yesterday, data={"completions": 39, "by_outcome": by_outcome}
    )
    Result.objects.filter(pk=mine["id"]).update(
        created_at=timezone.now() - dt.timedelta(days=2)  # rolled up already (in those 39)
    )
    complete(browser(), alarm="snooze", weekend="hike", music="ambient")  # today: a latte
    cache.clear()
    html = browser().get(f"/r/{mine['id']}/").content.decode()
    assert "25% got this result" in _text(html)  # 10 of 40


def _meta(html: str, key: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


@pytest.mark.parametrize("path", ["/", f"/q/{SLUG}/", "result", "share"])
def test_every_visitor_page_has_a_link_preview_with_absolute_urls(published_quiz, browser, path):
    a = browser()
    ra = complete(a)
    if path == "result":
        path = f"/r/{ra['id']}/"
    elif path == "share":
        path = path_of(share(a, ra["id"], "copy"))
    html = browser().get(path).content.decode()
    for key in ("og:title", "og:url", "og:image", "twitter:card", "twitter:image"):
        assert _meta(html, key), key
    assert _meta(html, "og:image").startswith(("http://", "https://"))
    assert _meta(html, "og:url").startswith(("http://", "https://"))
    assert _meta(html, "twitter:card") == "summary_large_image"
    assert "Nothing is counted or saved" not in html  # never the studio's preview banner


def test_the_result_page_refreshes_without_javascript_only_while_pending(published_quiz, browser):
    a = browser()
    ra = complete(a)
    refresh = '<noscript><meta http-equiv="refresh" content="3"></noscript>'
    assert refresh in a.get(f"/r/{ra['id']}/").content.decode()
    ResultCard.objects.update_or_create(
        result_id=ra["id"], defaults={"status": "ready", "name": "cards/x.png"}
    )
    assert refresh not in a.get(f"/r/{ra['id']}/").content.decode()


def test_the_quiz_link_shows_the_quiz_card_once_drawn_at_publish(published_quiz, browser):
    from django.core.files.base import ContentFile
    from PIL import Image

    from sharing.cards import inputs
    from sharing.cards.version_jobs import version_card_name
    from sharing.tasks import render_fallback_card

    version = published_quiz.live_version
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(out, "PNG")
    version.cover.save("cover.png", ContentFile(out.getvalue()), save=True)
    page = f"/q/{SLUG}/"
    assert _meta(browser().get(page).content.decode(), "og:image").endswith(
        "/static/img/share-card.png"
    )  # not drawn yet: the site's card
    render_fallback_card(version.pk)  # the version_published receiver's task
    name = version_card_name(version_id=version.pk)
    html = browser().get(page).content.decode()
    assert _meta(html, "og:image").endswith(name)
    assert _meta(html, "og:title") == "Which morning drink are you?"
    spec = inputs.fallback_card_spec(version=version)
    assert (spec.layout, spec.headline, spec.image) == (
        "quiz",
        "Which morning drink are you?",
        out.getvalue(),
    )


def test_a_result_card_names_the_quiz_once(published_quiz, browser):
    from sharing.cards import inputs

    mine = complete(browser())
    spec = inputs.result_card_spec(result=Result.objects.get(pk=mine["id"]))
    # The morning drink's subline is its title: no kicker above it saying it again.
    assert (spec.subline, spec.quiz_title) == ("Which morning drink are you?", "")
