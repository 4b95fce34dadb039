"""One number formatter (quizzes/engine/numbers.py) for pages, templates, the `num` filter and
charts."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.authoring.services import quiz_import
from quizzes.engine.numbers import number_text
from quizzes.engine.templating import template_render
from quizzes.models import Result
from quizzes.templatetags.taking import num

FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15)


@pytest.mark.parametrize(
    ("value", "text"),
    [(30.0, "30"), (30, "30"), (0.1, "0.1"), (-2.5, "-2.5"), (10**20 + 1, "100000000000000000001")],
)
def test_exact_numbers_print_as_people_write_them(value, text):
    assert number_text(value) == text


@pytest.mark.parametrize(
    ("value", "options", "text"),
    [
        (2.675, {"places": 2}, "2.68"),  # half away from zero on the decimal shown, not 2.67
        (78.25, {"places": 1, "fixed": True}, "78.3"),
        (80.0, {"places": 2}, "80"),
        (78.5, {"places": 2, "fixed": True}, "78.50"),
        (-0.001, {"places": 2}, "0"),  # never "-0"
        (1234567.891, {"places": 2, "grouped": True}, "1,234,567.89"),
        (float("inf"), {"places": 2}, ""),
        (1e200, {"places": 2}, ""),
    ],
)
def test_rounded_numbers_keep_at_most_their_places(value, options, text):
    assert number_text(value, **options) == text


@given(FINITE)
def test_an_exact_number_reads_back_as_the_same_number(x):
    assert float(number_text(x)) == x
    assert num(x) == number_text(x)


@given(FINITE)
def test_a_template_prints_a_number_as_the_pages_do(x):
    assert template_render("{x}", context={"x": x}) == number_text(x, places=2)


def test_the_result_page_prints_a_figure_as_the_title_prints_it(visitor, editor):
    quiz = {
        "format": "quizbuilder/1",
        "slug": "half-way",
        "title": "Half way",
        "kind": "calculator",
        "questions": [{"key": "x", "type": "number", "prompt": "x?", "min": 0, "max": 10}],
        "variables": [{"key": "v", "expr": "x"}],
        "outcomes": [{"key": "all", "title": "You got {v}"}],
    }
    quiz_import(data=quiz, user=editor, publish=True)
    response = visitor.post(
        "/api/quizzes/half-way/responses/",
        {"answers": {"x": 2.675}},
        content_type="application/json",
    )
    assert response.status_code == 201
    html = visitor.get(f"/r/{response.json()['id']}/").content.decode()
    assert "You got 2.68" in html
    assert '<dt class="muted small" lang="en">V</dt><dd><b>2.68</b></dd>' in html
    assert math.isclose(response.json()["values"]["v"], 2.675)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (None, "12,345.5"),
        ("en", "12,345.5"),
        ("zh-hans", "12,345.5"),
        ("ja", "12,345.5"),
        ("fr", "12\u202f345,5"),
        ("de", "12.345,5"),
        ("pt-br", "12.345,5"),
        ("pt-PT", "12\u00a0345,5"),
        ("ru", "12\u00a0345,5"),
    ],
)
def test_a_grouped_number_takes_the_separators_of_the_language(language, text):
    assert number_text(12345.5, places=2, grouped=True, language=language) == text
    ungrouped = text.replace("\u202f", "").replace("\u00a0", "").replace(",", "").replace(".", "")
    assert number_text(12345, places=2, language=language) == ungrouped[:-1]


def test_a_french_quiz_prints_its_figures_the_french_way_on_the_page_and_the_card(visitor, editor):
    quiz = {
        "format": "quizbuilder/1",
        "slug": "combien",
        "title": "Combien ?",
        "language": "fr",
        "kind": "calculator",
        "questions": [{"key": "x", "type": "number", "prompt": "x ?", "min": 0, "max": 99999}],
        "variables": [{"key": "v", "expr": "x * 1.5"}],
        "outcomes": [{"key": "all", "title": "Vous : {v:,.1f} pas",
                      "card": {"subline": "soit {v:,} pas"}}],
    }  # fmt: skip
    quiz_import(data=quiz, user=editor, publish=True)
    response = visitor.post(
        "/api/quizzes/combien/responses/", {"answers": {"x": 8231}}, content_type="application/json"
    )
    assert response.status_code == 201
    html = visitor.get(f"/r/{response.json()['id']}/").content.decode()
    assert "Vous : 12\u202f346,5 pas" in html
    assert Result.objects.get().card_text["subline"] == "soit 12\u202f346,5 pas"
