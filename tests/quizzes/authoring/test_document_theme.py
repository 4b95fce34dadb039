"""The studio's theme fields (quizzes/authoring/document_theme.py and its partial)."""

from __future__ import annotations

from django.http import QueryDict
from django.template.loader import render_to_string

from quizzes.authoring.document_theme import theme_overlay
from quizzes.format.quizfile import quizfile_validate
from tests.conftest import demo_data


def _post(**fields: str) -> QueryDict:
    q = QueryDict(mutable=True)
    for name, value in fields.items():
        q[name.replace("_", "-")] = value
    return q


def test_posted_fields_set_the_theme_and_it_validates():
    doc = demo_data("solar-system-trivia")

    out = theme_overlay(doc, _post(theme_brand=" #0F766E", theme_background="", theme_font="lora"))

    assert out["theme"] == {"brand": "#0f766e", "font": "lora"}
    assert "theme" not in doc  # the document given is left alone
    definition, problems = quizfile_validate(out)
    assert problems == [] and definition is not None
    assert definition["theme"] == {"brand": "#0f766e", "font": "lora"}


def test_emptying_every_field_removes_the_theme():
    doc = {**demo_data("solar-system-trivia"), "theme": {"brand": "#0f766e", "font": "lora"}}

    out = theme_overlay(doc, _post(theme_brand="", theme_background="", theme_font=""))

    assert "theme" not in out


def test_a_form_without_theme_fields_changes_nothing():
    doc = {**demo_data("solar-system-trivia"), "theme": {"font": "inter"}}

    assert theme_overlay(doc, _post(title="New title")) is doc


def test_a_field_not_posted_keeps_its_key():
    doc = {**demo_data("solar-system-trivia"), "theme": {"brand": "#0f766e", "font": "lora"}}

    out = theme_overlay(doc, {"theme-font": "fredoka"})

    assert out["theme"] == {"brand": "#0f766e", "font": "fredoka"}


def test_a_too_light_brand_is_kept_for_the_validator_to_name():
    out = theme_overlay(demo_data("solar-system-trivia"), _post(theme_brand="#FDE68A"))

    _definition, problems = quizfile_validate(out)
    assert [p.path for p in problems] == ["theme.brand"]


def test_the_partial_shows_the_documents_theme_in_labelled_fields():
    html = render_to_string(
        "quizzes/editor/_studio_theme.html",
        {"document": {"theme": {"brand": "#0f766e", "font": "lora"}}},
    )

    assert 'name="theme-brand" value="#0f766e"' in html
    assert 'name="theme-background" value=""' in html
    assert '<option value="lora" selected>Lora</option>' in html
    for name in ("theme-brand", "theme-background", "theme-font"):
        assert f'<label for="{name}">' in html
