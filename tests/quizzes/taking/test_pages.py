"""Visitor pages without JavaScript: list, intro, one question per POST, result, preview."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.templatetags.static import static
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from quizzes.authoring.services import quiz_draft_get_or_create, quiz_import
from quizzes.models import AnswerEvent, QuizView, Result
from quizzes.taking.contexts import duration_text, question_rules
from tests.conftest import demo_data
from tests.quizzes.takehelp import BROWSER_UA, TAKES

pytestmark = pytest.mark.django_db


def field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"no {name} field"
    return match.group(1)


def step(client: Client, slug: str, page, answer=None, action="next", url=None):
    html = page.content.decode()
    data = {
        "state": field(html, "state"),
        "csrfmiddlewaretoken": field(html, "csrfmiddlewaretoken"),
        "action": action,
    }
    if answer is not None:
        data["answer"] = [str(a) for a in answer] if isinstance(answer, list) else str(answer)
    return client.post(url or f"/q/{slug}/take/", data)


def take_without_js(client: Client, slug: str, answers: dict, url=None, start=None):
    page = client.get(start or f"/q/{slug}/take/")
    assert page.status_code == 200
    for question in demo_data(slug)["questions"]:
        page = step(client, slug, page, answers.get(question["key"]), url=url)
    return page


@pytest.fixture
def strict_visitor() -> Client:
    return Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER_UA)


@pytest.mark.parametrize("slug", sorted(TAKES))
def test_each_demo_quiz_taken_without_javascript_lands_on_its_result(strict_visitor, publish, slug):
    publish(slug)
    expected = TAKES[slug]
    response = take_without_js(strict_visitor, slug, expected["answers"])
    result = Result.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/r/{result.id}/"
    page = strict_visitor.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert result.outcome_key == expected["outcome"]
    assert escape(expected["title"]) in html
    assert f'href="/q/{slug}/"' in html  # take it again
    assert sorted(AnswerEvent.objects.values_list("question_key", flat=True)) == sorted(
        k for k, v in expected["answers"].items() if v not in (None, "", [])
    )


def test_the_result_page_shows_the_score_out_of_the_maximum(visitor, publish):
    publish("solar-system-trivia")
    page = visitor.get(
        take_without_js(visitor, "solar-system-trivia", TAKES["solar-system-trivia"]["answers"])[
            "Location"
        ]
    )
    assert '<p class="score" data-score>6 / 7</p>' in page.content.decode()


def test_the_result_page_shows_a_calculators_values_and_no_score(visitor, publish):
    publish("weight-in-10-years")
    page = visitor.get(
        take_without_js(visitor, "weight-in-10-years", TAKES["weight-in-10-years"]["answers"])[
            "Location"
        ]
    )
    html = page.content.decode()
    # Named by the variable's label and unit in the file (test_worked_out has the rest).
    assert "Weight in 10 years" in html and "<b>95 kg</b>" in html
    assert "data-score" not in html


def test_the_result_page_has_a_waiting_picture_a_share_link_and_a_delete_button(visitor, publish):
    publish("which-morning-drink")
    location = take_without_js(
        visitor, "which-morning-drink", TAKES["which-morning-drink"]["answers"]
    )["Location"]
    html = visitor.get(location).content.decode()
    result = Result.objects.get()
    assert f'data-poll="/api/results/{result.id}/"' in html
    code = result.shares.get(channel="link").code
    assert f"http://testserver/s/{code}/" in html
    assert f'action="/r/{result.id}/delete/"' in html


def test_someone_else_sees_the_result_without_the_delete_button(visitor, friend, publish):
    publish("which-morning-drink")
    location = take_without_js(
        visitor, "which-morning-drink", TAKES["which-morning-drink"]["answers"]
    )["Location"]
    html = friend.get(location).content.decode()
    assert "Espresso" in html and "/delete/" not in html


def test_a_missing_answer_is_explained_next_to_the_same_question(visitor, publish):
    publish("which-morning-drink")
    page = step(visitor, "which-morning-drink", visitor.get("/q/which-morning-drink/take/"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your alarm goes off. You..." in html
    assert '<div class="field-error" role="alert" data-errors><p>Answer this question.</p>' in html
    assert AnswerEvent.objects.count() == 0


def test_a_number_out_of_range_is_explained_in_plain_words(visitor, publish):
    publish("weight-in-10-years")
    page = step(visitor, "weight-in-10-years", visitor.get("/q/weight-in-10-years/take/"), "Ada")
    page = step(visitor, "weight-in-10-years", page, "900")
    html = page.content.decode()
    assert "Your weight today" in html
    assert "Enter a number between 30 and 250." in html
    # A text field with a decimal keypad: a number field would drop "72,5" and "abc" unread.
    assert 'type="text" inputmode="decimal" name="answer"' in html
    assert "From 30 to 250" in html and '<span class="unit" lang="en">kg</span>' in html
    # Marked as in error, as take.js marks it.
    assert '<fieldset class="question invalid">' in html
    assert 'autocomplete="off" aria-invalid="true">' in html


def test_a_question_without_error_is_not_marked(visitor, publish):
    publish("weight-in-10-years")
    html = visitor.get("/q/weight-in-10-years/take/").content.decode()
    assert '<fieldset class="question">' in html and "aria-invalid" not in html


def test_the_intro_carries_each_questions_checks_in_the_servers_words(visitor, publish):
    publish("weight-in-10-years")
    html = visitor.get("/q/weight-in-10-years/").content.decode()
    checks = {
        key: json.loads(unescape(value))
        for key, value in re.findall(r'data-key="(\w+)" data-type="\w+" data-check="([^"]+)"', html)
    }
    assert checks["weight"] == {
        "required": True,
        "min": 30,
        "max": 250,
        "step": 0.1,
        "messages": {
            "required": "Answer this question.",
            "number": "Enter a number.",
            "range": "Enter a number between 30 and 250.",
            "step": "Enter a number between 30 and 250 in steps of 0.1.",
        },
    }
    assert checks["name"]["messages"]["long"] == "Use at most 30 characters."
    assert checks["snacks"] == {
        "required": False,
        "fewest": 0,
        "most": 4,
        "messages": {"required": "Answer this question."},
    }


def test_a_multi_choice_check_says_how_few_and_how_many():
    question = {
        "key": "pick",
        "type": "multi",
        "required": True,
        "min_choices": 2,
        "max_choices": 3,
        "choices": [{"key": k, "label": k} for k in "abcde"],
    }
    check = json.loads(question_rules(question))
    assert (check["fewest"], check["most"]) == (2, 3)
    assert check["messages"]["few"] == "Choose at least 2 options."
    assert check["messages"]["many"] == "Choose at most 3 options."


@pytest.mark.parametrize("slug", sorted(TAKES))
def test_a_demo_result_page_says_the_score_once(visitor, publish, slug):
    publish(slug)
    expected = TAKES[slug]
    page = visitor.get(take_without_js(visitor, slug, expected["answers"])["Location"])
    html = page.content.decode()
    title = re.search(r'<h1 class="outcome-title"[^>]*>(.*?)</h1>', html).group(1)
    lead = re.search(r'<p class="lead"[^>]*>(.*?)</p>', html, re.S)
    words = title + (lead.group(1) if lead else "")
    if expected["max_score"] is not None:
        score, most = expected["score"], expected["max_score"]
        assert html.count(f"{score} / {most}") == 1
        for said in (f"{score}/{most}", f"{score} out of {most}"):
            assert said not in words


def test_a_decimal_comma_is_understood(visitor, publish):
    publish("weight-in-10-years")
    page = step(visitor, "weight-in-10-years", visitor.get("/q/weight-in-10-years/take/"), "Ada")
    page = step(visitor, "weight-in-10-years", page, "72,5")
    assert "Your age" in page.content.decode()


def test_back_shows_the_previous_question_with_its_answer_and_counts_it_once(visitor, publish):
    publish("which-morning-drink")
    page = step(visitor, "which-morning-drink", visitor.get("/q/which-morning-drink/take/"), "up")
    page = step(visitor, "which-morning-drink", page, action="back")
    html = page.content.decode()
    assert "Your alarm goes off. You..." in html
    assert 'value="up" checked' in html
    page = step(visitor, "which-morning-drink", page, "snooze")
    assert "Perfect Saturday?" in page.content.decode()
    assert AnswerEvent.objects.count() == 1


def test_a_forged_state_starts_the_take_again(visitor, publish):
    publish("which-morning-drink")
    visitor.get("/q/which-morning-drink/take/")
    page = visitor.post("/q/which-morning-drink/take/", {"state": "forged", "answer": "up"})
    html = page.content.decode()
    assert "Please start again." in html and "Your alarm goes off." in html


def test_every_form_post_needs_the_csrf_token(strict_visitor, publish):
    publish("which-morning-drink")
    page = strict_visitor.get("/q/which-morning-drink/take/")
    state = field(page.content.decode(), "state")
    response = strict_visitor.post("/q/which-morning-drink/take/", {"state": state, "answer": "up"})
    assert response.status_code == 403
    assert AnswerEvent.objects.count() == 0


def test_the_visitor_cookie_is_http_only_and_partitioned_over_https(client, publish):
    publish("which-morning-drink")
    response = client.get("/q/which-morning-drink/", HTTP_USER_AGENT=BROWSER_UA, secure=True)
    cookie = response.cookies["qb_visitor"]
    assert cookie["httponly"] is True
    # Also inside an iframe on a business's site (CHIPS, issue 13); Lax over plain http.
    assert cookie["samesite"] == "None; Partitioned"
    assert cookie["secure"] is True  # over HTTPS (and always in production)


def test_the_intro_has_one_start_button_the_size_and_the_privacy_note(visitor, publish):
    publish("which-morning-drink")
    html = visitor.get("/q/which-morning-drink/").content.decode()
    assert html.count("data-start") == 1
    assert 'href="/q/which-morning-drink/take/"' in html
    assert "4 questions · about 30 seconds" in html
    assert "We keep your answers for 30 days, then only your result." in html


def test_the_intro_carries_the_share_code_to_the_take(visitor, publish):
    publish("which-morning-drink")
    html = visitor.get("/q/which-morning-drink/?ref=abc123").content.decode()
    assert 'href="/q/which-morning-drink/take/?ref=abc123"' in html


def test_the_cached_intro_still_gives_each_visitor_a_cookie_a_token_and_a_view(publish):
    publish("which-morning-drink")
    first, second = Client(HTTP_USER_AGENT=BROWSER_UA), Client(HTTP_USER_AGENT=BROWSER_UA)
    a = first.get("/q/which-morning-drink/")
    b = second.get("/q/which-morning-drink/")
    assert a.cookies["qb_visitor"].value != b.cookies["qb_visitor"].value
    assert "csrftoken" in b.cookies
    assert field(a.content.decode(), "csrfmiddlewaretoken") != field(
        b.content.decode(), "csrfmiddlewaretoken"
    )
    assert "qbCsrfMarker" not in b.content.decode()
    assert QuizView.objects.count() == 2


def test_a_new_visitor_on_the_cached_intro_costs_one_statement_its_view(
    publish, django_assert_num_queries
):
    publish("which-morning-drink")
    Client(HTTP_USER_AGENT=BROWSER_UA).get("/q/which-morning-drink/")  # draws the page
    for _ in range(2):
        with django_assert_num_queries(1):  # the view's INSERT: version and page are cached
            response = Client(HTTP_USER_AGENT=BROWSER_UA).get("/q/which-morning-drink/")
        assert "qb_visitor" in response.cookies
    assert QuizView.objects.count() == 3


def test_a_visitor_counts_one_view_a_day_and_a_bot_none(visitor, client, publish):
    publish("which-morning-drink")
    for _ in range(3):
        visitor.get("/q/which-morning-drink/")
    bot = client.get("/q/which-morning-drink/", HTTP_USER_AGENT="facebookexternalhit/1.1")
    assert bot.status_code == 200 and "qb_visitor" not in bot.cookies
    assert QuizView.objects.count() == 1


def test_the_home_page_lists_quizzes_with_their_size_and_time(visitor, publish):
    publish("which-morning-drink")
    publish("weight-in-10-years")
    html = visitor.get("/").content.decode()
    assert "Which morning drink are you?" in html and "What will you weigh in 10 years?" in html
    assert "4 questions · about 30 seconds" in html
    assert "6 questions · about 30 seconds" in html
    assert 'src="data:image/svg+xml,' in html
    # A heading may not sit in a <span> (phrasing content): each tile's text is a <div>.
    assert re.search(r"<span[^>]*>\s*<h2", html) is None
    assert '<div class="tile-text"><h2 lang="en">Which morning drink are you?</h2>' in html


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (6, "about 15 seconds"),
        (19, "about 15 seconds"),
        (20, "about 30 seconds"),
        (26, "about 30 seconds"),
        (42, "about 30 seconds"),
        (45, "about a minute"),
        (89, "about a minute"),
        (90, "about 2 minutes"),
        (200, "about 3 minutes"),
    ],
)
def test_times_are_rounded_to_friendly_values(seconds, text):
    assert duration_text(seconds) == text


def test_times_are_said_in_chinese_too():
    with translation.override("zh-hans"):
        assert duration_text(26) == "约 30 秒"
        assert duration_text(60) == "约 1 分钟"
        assert duration_text(300) == "约 5 分钟"


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("favicon.svg")


def test_unknown_quizzes_and_results_are_friendly_404s(visitor):
    for url in ("/q/nope/", "/q/nope/take/", "/r/nope/", "/r/" + "x" * 200 + "/"):
        assert visitor.get(url).status_code == 404


def test_a_republish_shows_the_new_title(
    visitor, publish, editor, django_capture_on_commit_callbacks
):
    version = publish("which-morning-drink")
    assert "Which morning drink are you?" in visitor.get("/q/which-morning-drink/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        quiz_import(
            data={**demo_data("which-morning-drink"), "title": "Your morning cup"},
            user=editor,
            publish=True,
        )
    assert version.quiz.results.count() == 0
    html = visitor.get("/q/which-morning-drink/").content.decode()
    assert "Your morning cup" in html and "Which morning drink are you?" not in html


# --- draft preview ---------------------------------------------------------------------------


def test_the_preview_needs_a_login_and_is_not_found_without_the_right_to_edit(
    client, other_author, publish
):
    publish("which-morning-drink")
    url = "/editor/quizzes/which-morning-drink/preview/"
    assert client.get(url).status_code == 302
    client.force_login(other_author)
    assert client.get(url).status_code == 404


def test_the_preview_shows_the_draft_and_counts_and_saves_nothing(client, editor, publish):
    version = publish("which-morning-drink")
    draft = quiz_draft_get_or_create(quiz=version.quiz, user=editor)
    draft.title = "Draft title"
    draft.save()
    client.force_login(editor)
    url = "/editor/quizzes/which-morning-drink/preview/"
    intro = client.get(url)
    html = intro.content.decode()
    assert "Draft title" in html and "Nothing is counted or saved." in html
    page = take_without_js(
        client,
        "which-morning-drink",
        TAKES["which-morning-drink"]["answers"],
        url=url,
        start=url + "?start=1",
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Espresso" in html and "Ada, you&#x27;re short, strong" in html
    assert "Nothing is counted or saved." in html
    assert Result.objects.count() == 0
    assert AnswerEvent.objects.count() == 0 and QuizView.objects.count() == 0


@pytest.mark.django_db
def test_without_redis_an_archive_made_by_another_process_shows_within_seconds(
    settings, publish, visitor, monkeypatch
):
    """Without REDIS_URL each web process has its own cache, and a publish or an archive clears
    only the publishing process' copy: the others keep the published quiz a few seconds
    (quizzes/selectors.py PUBLISHED_SECONDS_UNSHARED), not an hour."""
    from types import SimpleNamespace

    from django.core.cache.backends import locmem
    from django.utils import timezone

    from quizbuilder import cache as qbcache
    from quizzes.models import Quiz

    # settings.py's cache without REDIS_URL.
    settings.CACHES = {"default": {"BACKEND": "quizbuilder.cache.LocalMemoryCache",
                                   "LOCATION": "another-process"}}  # fmt: skip
    publish("which-morning-drink")
    assert visitor.get("/q/which-morning-drink/").status_code == 200  # now in this cache
    # Archived by another process: its cache.delete does not reach this one.
    Quiz.objects.filter(slug="which-morning-drink").update(archived_at=timezone.now())
    assert visitor.get("/q/which-morning-drink/").status_code == 200

    # Ten seconds pass for the cache and for its in-process copies ("a few seconds").
    later, later_monotonic = locmem.time.time() + 10, qbcache.time.monotonic() + 10
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: later))
    monkeypatch.setattr(qbcache, "time", SimpleNamespace(monotonic=lambda: later_monotonic))
    assert visitor.get("/q/which-morning-drink/").status_code == 404
