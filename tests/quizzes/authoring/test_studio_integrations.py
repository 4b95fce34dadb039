"""The studio's button after the result and contact details form (issue 13): set through the
page's own autosave, checked with the file format's rules (problems next to their fields),
published into QuizVersion.cta / .lead, exported and imported back equal.

Driven as tests/quizzes/authoring/test_studio.py drives the studio: the form read back from
the page, changed as an author would, posted whole with the `HX-Request` header.
"""

from __future__ import annotations

import json

import pytest

from quizzes.authoring.selectors import version_export
from quizzes.models import Quiz, QuizVersion
from tests.quizzes.authoring.test_studio import _doc, _form, _save, _start
from tests.quizzes.helpers import client_for, form_data

DEMO = "demo-which-morning-drink"
HTTPS_ONLY = "Type a web address that starts with https://"


@pytest.fixture
def studio(author):
    return client_for(author)


def _publish(studio, editor, slug: str) -> QuizVersion:
    submitted = studio.post(f"/editor/quizzes/{slug}/submit/")
    assert submitted.status_code == 302
    assert client_for(editor).post(f"/editor/quizzes/{slug}/publish/").status_code == 302
    live = Quiz.objects.get(slug=slug).live_version
    assert live is not None
    return live


def _lead_on(studio, slug: str) -> dict:
    """Tick "Ask people for their contact details": the page asks for the editor again."""
    response = _save(studio, slug, _form(studio, slug) | {"lead": "1", "op": "refresh"})
    assert response.status_code == 200
    return form_data(response.content.decode(), "studio-form")


def test_a_quiz_wide_button_and_one_result_s_own_are_published(studio, editor):
    slug = _start(studio, DEMO)
    data = _form(studio, slug) | {
        "cta.label": "Book a tasting, {name}",
        "cta.url": "https://cafe.example/book?x=1",
        "outcomes.1.cta.label": "Order oat milk",
        "outcomes.1.cta.url": "https://cafe.example/oat",
    }
    response = _save(studio, slug, data)

    assert "Ready to publish" in response.content.decode()
    doc = _doc(slug)
    assert doc["cta"] == {"label": "Book a tasting, {name}", "url": "https://cafe.example/book?x=1"}
    assert doc["outcomes"][1]["cta"] == {
        "label": "Order oat milk",
        "url": "https://cafe.example/oat",
    }
    assert "cta" not in doc["outcomes"][0]
    page = _form(studio, slug)
    assert page["cta.url"] == "https://cafe.example/book?x=1"
    assert page["outcomes.1.cta.label"] == "Order oat milk"
    assert page["outcomes.0.cta.url"] == ""
    live = _publish(studio, editor, slug)
    assert live.cta == {"label": "Book a tasting, {name}", "url": "https://cafe.example/book?x=1"}
    assert live.outcomes.get(position=1).cta == {
        "label": "Order oat milk",
        "url": "https://cafe.example/oat",
    }


def test_an_http_address_is_refused_in_plain_words_next_to_its_field(studio, editor):
    slug = _start(studio, DEMO)
    data = _form(studio, slug) | {
        "cta.label": "Visit us",
        "cta.url": "http://cafe.example/",
        "outcomes.0.cta.label": "Beans",
        "outcomes.0.cta.url": "cafe.example/beans",
    }
    html = _save(studio, slug, data).content.decode()

    assert f'data-field="cta.url" data-message="{HTTPS_ONLY}"' in html
    assert f'data-field="outcomes.0.cta.url" data-message="{HTTPS_ONLY}"' in html
    assert "Result 1, button after the result" in html
    assert _doc(slug)["cta"]["url"] == "http://cafe.example/"  # nothing typed is lost
    studio.post(f"/editor/quizzes/{slug}/submit/")
    assert client_for(editor).post(f"/editor/quizzes/{slug}/publish/").status_code == 400


def test_a_label_without_address_and_an_unknown_placeholder_are_named(studio):
    slug = _start(studio, DEMO)
    data = _form(studio, slug) | {
        "cta.label": "Hi {nobody}",
        "cta.url": "https://cafe.example/",
        "outcomes.2.cta.label": "Beans",
    }
    html = _save(studio, slug, data).content.decode()

    assert (
        'data-field="cta.label" data-message="“{nobody}” is not an answer or value of this quiz. '
        'This text can show {outcome}, {alarm}, {weekend}, {music}, {name}, {score}."' in html
    )
    assert 'data-field="outcomes.2.cta.url" data-message="Fill this in."' in html


def test_emptying_both_fields_removes_the_button(studio):
    slug = _start(studio, DEMO)
    _save(studio, slug, _form(studio, slug) | {"cta.label": "Go", "cta.url": "https://a.example"})
    assert "cta" in _doc(slug)

    _save(studio, slug, _form(studio, slug) | {"cta.label": " ", "cta.url": ""})

    assert "cta" not in _doc(slug)


def test_the_contact_form_shows_its_fields_only_once_switched_on(studio, editor):
    slug = _start(studio, DEMO)
    assert "lead.consent" not in _form(studio, slug)
    assert "lead" not in (_doc(slug) or {})  # a new draft's document is written on first save

    page = _lead_on(studio, slug)

    lead = _doc(slug)["lead"]
    assert lead["fields"] == ["email"]
    assert lead["consent"].startswith("I agree that you may contact me")
    assert page["lead.consent"] == lead["consent"]
    assert page["lead.position"] == "after_result"
    assert page["lead.name"] == "0" and page["lead.required"] == "0"
    page |= {
        "lead.name": "1",
        "lead.phone": "1",
        "lead.position": "before_result",
        "lead.required": "1",
        "lead.consent": "I agree that Morning Café may email me.",
    }
    assert "Ready to publish" in _save(studio, slug, page).content.decode()
    expected = {
        "fields": ["email", "name", "phone"],
        "position": "before_result",
        "required": True,
        "consent": "I agree that Morning Café may email me.",
    }
    assert _doc(slug)["lead"] == expected
    live = _publish(studio, editor, slug)
    assert live.lead == expected | {"double_opt_in": False}


def test_an_empty_consent_text_is_named_next_to_its_field(studio):
    slug = _start(studio, DEMO)
    page = _lead_on(studio, slug) | {"lead.consent": "  "}

    html = _save(studio, slug, page).content.decode()

    assert 'data-field="lead.consent" data-message="Fill this in."' in html
    assert "Contact details" in html


def test_switching_the_contact_form_off_removes_it_and_its_fields(studio):
    slug = _start(studio, DEMO)
    _lead_on(studio, slug)

    response = _save(studio, slug, _form(studio, slug) | {"lead": "0", "op": "refresh"})

    assert "lead" not in _doc(slug)
    assert 'name="lead.consent"' not in response.content.decode()


def test_buttons_and_contact_form_export_and_import_back_equal(studio, author):
    from quizzes.authoring.services import quiz_import
    from quizzes.format.bundles import quiz_file_read

    slug = _start(studio, DEMO)
    page = _lead_on(studio, slug) | {
        "lead.name": "1",
        "cta.label": "Book a tasting, {name}",
        "cta.url": "https://cafe.example/book",
        "outcomes.3.cta.label": "Smoothie bar",
        "outcomes.3.cta.url": "https://cafe.example/smoothies",
    }
    assert "Ready to publish" in _save(studio, slug, page).content.decode()

    exported = studio.get(f"/editor/quizzes/{slug}/export/")
    file, images = quiz_file_read(exported.content, image_max_bytes=5_000_000)
    assert file["lead"]["fields"] == ["email", "name"]
    assert file["outcomes"][3]["cta"]["url"] == "https://cafe.example/smoothies"
    file["slug"] = "the-copy"
    copy = quiz_import(data=file, user=author, images=images)
    again, _images, problems = version_export(version=copy)
    assert problems == []
    assert again | {"slug": slug} == json.loads(exported.content)


def test_the_phone_preview_of_a_result_shows_its_button(studio):
    slug = _start(studio, DEMO)
    data = _form(studio, slug) | {
        "cta.label": "Book a tasting, {name}",
        "cta.url": "https://cafe.example/book",
        "outcomes.1.cta.label": "Order oat milk",
        "outcomes.1.cta.url": "https://cafe.example/oat",
    }
    _save(studio, slug, data)

    def frame(page: str) -> str:
        response = studio.get(f"/editor/quizzes/{slug}/studio/preview/", {"page": page, "rev": 9})
        assert response.status_code == 200
        return response.content.decode()

    first = frame("result:0")
    assert 'href="https://cafe.example/book"' in first
    assert "Book a tasting, Alex" in first  # the sample answers' name
    assert 'href="https://cafe.example/oat"' in frame("result:1")


def test_a_renamed_question_is_renamed_in_the_button_text(studio):
    slug = _start(studio, "blank-personality")
    key = _doc(slug)["questions"][0]["key"] if _doc(slug) else "q1"
    data = _form(studio, slug) | {
        "questions.0.prompt": "Your favourite drink?",
        "cta.label": f"More about {{{key}}}",
        "cta.url": "https://cafe.example/",
    }
    response = _save(studio, slug, data)

    assert _doc(slug)["questions"][0]["key"] == "your_favourite_drink"
    assert _doc(slug)["cta"]["label"] == "More about {your_favourite_drink}"
    assert "More about {your_favourite_drink}" in response.content.decode()  # the page's field
