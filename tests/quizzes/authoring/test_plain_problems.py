"""What stops a quiz is said in the studio's words wherever the author meets it: a refused
"Submit for review" (from the studio or the quiz's page), "Try it" on a draft that cannot be
taken, a placeholder the quiz does not have, a formula's typo. No JSON path, no key syntax,
each problem linking to its field.

Driven through HTTP as the studio's page does (see test_studio for the helpers).
"""

from __future__ import annotations

import pytest
from django.conf import settings

from quizzes.models import Quiz, VersionStatus
from tests.quizzes.authoring.test_studio import _form, _save, _start
from tests.quizzes.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(author):
    return client_for(author)


def _status(slug: str) -> str:
    return Quiz.objects.get(slug=slug).versions.get().status


def test_a_refused_submit_from_the_studio_keeps_the_author_there_with_plain_problems(studio):
    slug = _start(studio, "blank-personality")

    response = studio.post(f"/editor/quizzes/{slug}/submit/", {"from": "studio"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="studio-form"' in html  # the studio, every field there to fix
    assert "Not submitted for review: fix these first" in html
    refused = html.split('id="studio-refused"', 1)[1].split("</section>", 1)[0]
    assert '<a href="#result-0" data-goto="outcomes.0.title">Result 1</a>: Fill this in.' in refused
    assert (
        '<a href="#question-0" data-goto="questions.0.choices.0.label">Question 1, answer 1</a>'
        ": Fill this in." in refused
    )
    assert "must not be empty" not in html and "outcomes[0]" not in html
    assert _status(slug) == VersionStatus.DRAFT


def test_a_refused_submit_is_in_the_author_s_language(studio):
    slug = _start(studio, "blank-personality")
    studio.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = studio.post(f"/editor/quizzes/{slug}/submit/", {"from": "studio"})

    assert response.status_code == 400
    refused = response.content.decode().split('id="studio-refused"', 1)[1]
    assert "请填写。" in refused.split("</section>", 1)[0]
    assert "Fill this in." not in refused.split("</section>", 1)[0]


def test_a_refused_submit_from_the_quiz_page_links_each_problem_to_its_studio_field(studio):
    slug = _start(studio, "blank-personality")

    response = studio.post(f"/editor/quizzes/{slug}/submit/")

    assert response.status_code == 400
    html = response.content.decode()
    link = f"/editor/quizzes/{slug}/studio/?focus=outcomes.0.title#result-0"
    assert f'<a href="{link}" data-goto="outcomes.0.title">Result 1</a>: Fill this in.' in html
    assert "must not be empty" not in html
    # The link opens the studio with that field to take the focus.
    page = studio.get(link.split("#")[0])
    assert page.status_code == 200
    assert 'data-focus="outcomes.0.title"' in page.content.decode()


def test_a_formula_failing_at_some_answers_is_explained_when_submitted(studio):
    slug = _start(studio, "blank-calculator")
    data = _form(studio, slug) | {
        "title": "Coffee overflow",
        "questions.0.prompt": "Cups of coffee per day",
        "questions.0.min": "0",
        "questions.0.max": "10",
        "variables.0.expr": "q1 ** 99999",
        "outcomes.0.title": "You",
    }
    assert _save(studio, slug, data).status_code == 200

    response = studio.post(f"/editor/quizzes/{slug}/submit/", {"from": "studio"})

    assert response.status_code == 400
    refused = response.content.decode().split('id="studio-refused"', 1)[1].split("</section>")[0]
    assert (
        '<a href="#value-0" data-goto="variables.0.expr">Value 1</a>: When “Cups of coffee per '
        "day” is 0: The power 99999 is too large: at most 1000." in refused
    )
    assert "variables[0]" not in refused and "cups_of_coffee_per_day" not in refused


def test_try_it_on_a_draft_that_cannot_be_taken_shows_its_title_and_plain_problems(studio):
    slug = _start(studio, "blank-personality")
    saved = _save(studio, slug, _form(studio, slug) | {"title": "Which cat are you?"})
    assert saved.status_code == 200

    response = studio.get(f"/editor/quizzes/{slug}/preview/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Which cat are you?</h1>" in html
    assert f"<h1>{slug}</h1>" not in html
    link = f"/editor/quizzes/{slug}/studio/?focus=outcomes.0.title#result-0"
    assert f'<a href="{link}" data-goto="outcomes.0.title">Result 1</a>: Fill this in.' in html
    assert "must not be empty" not in html


def test_an_unknown_placeholder_lists_the_ones_the_quiz_has(studio):
    slug = _start(studio, "blank-personality")
    data = _form(studio, slug) | {"card-headline": "I'm {outcome}, {name}"}

    html = _save(studio, slug, data).content.decode()

    assert (
        'data-field="card-headline" data-message="“{name}” is not an answer or value of this '
        'quiz. This text can show {outcome}, {q1}, {score}."' in html
    )


def test_a_formula_typo_is_placed_in_what_the_author_typed(studio):
    slug = _start(studio, "blank-calculator")
    data = _form(studio, slug) | {
        "questions.0.prompt": "Cups of coffee per day",
        "variables.0.expr": "q1 +* (",
    }

    html = _save(studio, slug, data).content.decode()

    # Saved as `cups_of_coffee_per_day +* (` (the key follows the question): the place is
    # quoted, so it is the same in both.
    assert 'data-field="variables.0.expr" data-message="This formula has a typo at “* (”."' in html
    assert "character" not in html.split('id="studio-problems"', 1)[1].split("</section>")[0]
