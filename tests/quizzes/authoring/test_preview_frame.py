"""The studio's live preview (issue 11): the phone-sized frame of the draft being edited, its
"Show result" switch with sample answers, and the preview column's panels, through HTTP."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from quizzes.authoring.preview_panels import studio_panels_html
from quizzes.authoring.rows import quiz_validate, version_file_data
from quizzes.authoring.samples import sample_answers
from quizzes.authoring.services import quiz_import
from quizzes.engine.scoring import answers_validate, score_compute
from quizzes.format.quizfile import quiz_programs
from quizzes.models import QuizVersion
from tests.conftest import demo_data, demo_files
from tests.quizzes.helpers import client_for

pytestmark = pytest.mark.django_db

DEMOS = [p.stem for p in demo_files()]


def _draft(user, slug: str = "which-morning-drink") -> QuizVersion:
    return quiz_import(data=demo_data(slug), user=user)


def _edit(version: QuizVersion, change) -> None:
    """What a studio save does to the working copy: a new document and a new revision."""
    document = version_file_data(version=version)
    change(document)
    version.document = document
    version.revision += 1
    version.save(update_fields=["document", "revision"])


def _frame(client, slug: str, page: str = "intro", **params):
    url = reverse("quizzes:studio-preview", args=[slug])
    return client.get(url, {"page": page, "rev": 1, **params})


def test_the_intro_is_drawn_with_the_visitors_template_and_may_be_framed_by_the_site_only(
    author,
):
    _draft(author)

    page = _frame(client_for(author), "which-morning-drink")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Which morning drink are you?" in html and 'class="intro card"' in html
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_no_other_page_may_be_framed(author):
    _draft(author)
    client = client_for(author)

    for url in (reverse("quizzes:preview", args=["which-morning-drink"]), "/editor/"):
        page = client.get(url)
        assert page["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_a_question_page_shows_that_question_with_its_place(author):
    _draft(author)

    html = _frame(client_for(author), "which-morning-drink", "question:2").content.decode()

    assert "Pick a soundtrack" in html and "Perfect Saturday?" not in html
    assert "3 of 4" in html


def test_a_question_index_past_the_end_shows_the_last_question(author):
    version = _draft(author)
    last = version_file_data(version=version)["questions"][-1]["prompt"]

    html = _frame(client_for(author), "which-morning-drink", "question:99").content.decode()

    assert last in html


@pytest.mark.parametrize("slug", DEMOS)
def test_each_result_of_each_demo_quiz_is_shown(author, slug):
    _draft(author, slug)
    client = client_for(author)
    definition, _ = quiz_validate(demo_data(slug))
    assert definition is not None

    for index, outcome in enumerate(definition["outcomes"]):
        page = _frame(client, slug, f"result:{index}")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'class="result"' in html
        title = outcome["title"].split("{", 1)[0].strip()
        assert title.replace("'", "&#x27;") in html, (slug, outcome["key"])


@pytest.mark.parametrize("slug", DEMOS)
def test_the_sample_answers_lead_to_the_chosen_result_for_every_demo_quiz(slug):
    definition, _ = quiz_validate(demo_data(slug))
    assert definition is not None
    programs = quiz_programs(definition)

    for outcome in definition["outcomes"]:
        sample = sample_answers(
            definition=definition, programs=programs, outcome_key=outcome["key"]
        )
        clean, errors = answers_validate(definition=definition, answers=sample.answers)
        assert errors == {}
        scored = score_compute(definition=definition, answers=clean, programs=programs)
        assert (sample.reaches, scored.outcome_key) == (True, outcome["key"])


def test_the_sample_answers_of_a_personality_quiz_pick_the_answers_with_most_points():
    definition, _ = quiz_validate(demo_data("which-morning-drink"))
    assert definition is not None

    sample = sample_answers(definition=definition, programs=quiz_programs(definition),
                            outcome_key="latte")  # fmt: skip

    assert sample.answers == {"alarm": "snooze", "weekend": "cafe", "music": "jazz",
                              "name": "Alex"}  # fmt: skip


@pytest.mark.parametrize("kind", ["personality", "score", "trivia", "calculator"])
def test_every_page_of_a_blank_quiz_from_the_gallery_opens(author, kind):
    client = client_for(author)
    client.post(f"/editor/new/blank-{kind}/")
    slug = QuizVersion.objects.get(quiz__owner=author).quiz.slug

    for page in ("intro", "question:0", "question:3", "result:0", "result:2", "nonsense"):
        response = _frame(client, slug, page)
        assert response.status_code == 200, (kind, page)
    assert _frame(client, slug, outcomes=1).status_code == 200


def test_a_calculator_result_shows_its_figures_and_the_sample_name(author):
    _draft(author, "weight-in-10-years")

    html = _frame(client_for(author), "weight-in-10-years", "result:2").content.decode()

    assert "Weight in 10 years" in html  # the variable's label in the demo file
    assert "Alex" in html


def test_the_frame_follows_the_working_copy_at_once(author):
    version = _draft(author)
    client = client_for(author)

    _edit(version, lambda d: d.update(title="Which breakfast drink are you?"))

    html = _frame(client, "which-morning-drink").content.decode()
    assert "Which breakfast drink are you?" in html


def test_an_invalid_draft_shows_its_problems_in_plain_words(author):
    version = _draft(author)

    def breaks(document):
        document["questions"][0]["choices"] = []
        document["outcomes"][1]["title"] = ""

    _edit(version, breaks)

    # The question with no answers cannot be drawn: its page lists the problems instead.
    page = _frame(client_for(author), "which-morning-drink", "question:0")
    html = page.content.decode()
    assert page.status_code == 200
    assert "This draft cannot be shown yet" in html
    assert "Question 1, answers: " in html and "Result 2: Fill this in." in html
    assert "questions[0]" not in html


def test_the_outcomes_of_the_switch_follow_renames(author):
    version = _draft(author)
    _edit(version, lambda d: d["outcomes"][0].update(title="Double espresso"))

    body = json.loads(_frame(client_for(author), "which-morning-drink", outcomes=1).content)

    assert body["outcomes"][0] == {"index": 0, "title": "Double espresso", "reaches": True}
    assert len(body["outcomes"]) == 4


def test_a_result_no_answers_lead_to_is_shown_all_the_same_and_said_so(author):
    version = _draft(author, "how-stressed-are-you")
    # The top band starts above the highest score anyone can reach.
    _edit(version, lambda d: d["outcomes"][3].update(min=500))
    client = client_for(author)

    body = json.loads(_frame(client, "how-stressed-are-you", outcomes=1).content)
    html = _frame(client, "how-stressed-are-you", "result:3").content.decode()

    assert [o["reaches"] for o in body["outcomes"]] == [True, True, True, False]
    assert "Boiling point" in html


def test_another_author_gets_not_found_and_a_stranger_the_login(author, other_author, client):
    _draft(author)

    assert _frame(client_for(other_author), "which-morning-drink").status_code == 404
    assert _frame(client, "which-morning-drink").status_code == 302


def test_an_editor_sees_any_draft(author, editor):
    _draft(author)

    assert _frame(client_for(editor), "which-morning-drink").status_code == 200


def test_the_panels_are_the_phone_frame_then_the_result_image(author):
    version = _draft(author)
    request = RequestFactory().get("/")
    request.user = author

    panels = studio_panels_html(request=request, version=version)

    assert len(panels) == 2
    phone, card = panels
    frame = reverse("quizzes:studio-preview", args=["which-morning-drink"])
    assert f'src="{frame}?page=intro&amp;rev={version.revision}"' in phone
    assert "data-page-preview" in phone and 'for="page-preview-outcome"' in phone
    assert '<option value="3" data-reaches="true">Smoothie</option>' in phone
    assert "data-preview-unreachable hidden" in phone
    assert "data-card-preview" in card
    assert "style=" not in phone + card
    assert "<script>" not in phone + card


def test_the_frame_costs_a_few_queries_whatever_the_page(author, django_assert_max_num_queries):
    # With the studio's working copy: session, user, roles, quiz, draft; nothing per row.
    _edit(_draft(author, "solar-system-trivia"), lambda d: None)
    client = client_for(author)
    _frame(client, "solar-system-trivia")

    for page in ("intro", "question:5", "result:3"):
        with django_assert_max_num_queries(5):
            _frame(client, "solar-system-trivia", page)
