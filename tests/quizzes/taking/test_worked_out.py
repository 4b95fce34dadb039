"""A calculator's "How it was worked out" names each value by the label the file gives it,
with its unit; a value without one is named from its key. The studio lays the two fields over
the document (quizzes/authoring/document_variables.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.template.loader import render_to_string

from quizzes.authoring.document import document_overlay
from tests.quizzes.takehelp import TAKES, post_json, responses_url

pytestmark = pytest.mark.django_db
SLUG = "weight-in-10-years"


def worked_out(html: str) -> list[tuple[str, str]]:
    box = re.search(r'<details class="worked-out">(.*?)</details>', html, re.S)
    assert box is not None
    pairs = re.findall(r"<dt[^>]*>(.*?)</dt><dd><b>(.*?)</b></dd>", box.group(1))
    return [(unescape(label), unescape(value)) for label, value in pairs]


def test_the_figures_show_labels_and_units_not_keys(visitor, publish):
    publish(SLUG)
    response = post_json(visitor, responses_url(SLUG), {"answers": TAKES[SLUG]["answers"]})
    html = visitor.get(f"/r/{response.json()['id']}/").content.decode()
    assert worked_out(html) == [
        ("Yearly drift from age", "0.4 kg"),
        ("Weight in 10 years", "95 kg"),
        ("Change over 10 years", "25 kg"),
    ]
    assert "weight_10y" not in html.split('class="worked-out"')[1].split("</details>")[0]


def test_a_value_without_a_label_is_named_from_its_key(visitor, publish):
    from tests.conftest import demo_data

    variables = demo_data(SLUG)["variables"]
    for v in variables:
        v.pop("label"), v.pop("unit")
    publish(SLUG, variables=variables)
    response = post_json(visitor, responses_url(SLUG), {"answers": TAKES[SLUG]["answers"]})
    html = visitor.get(f"/r/{response.json()['id']}/").content.decode()
    assert worked_out(html)[1] == ("Weight 10y", "95")


def test_the_studio_fields_set_and_clear_a_label_and_unit():
    doc = {
        "kind": "calculator",
        "variables": [{"key": "w", "expr": "1", "label": "Old"}, {"key": "x", "expr": "2"}],
    }
    posted = {
        "variables.0.label": " ",
        "variables.0.unit": "kg",
        "variables.1.label": "Weight in 10 years",
    }
    assert document_overlay(document=doc, data=posted) == {
        "kind": "calculator",
        "variables": [
            {"key": "w", "expr": "1", "unit": "kg"},
            {"key": "x", "expr": "2", "label": "Weight in 10 years"},
        ],
    }


def test_the_studio_partial_has_a_labelled_input_for_each_field():
    html = render_to_string(
        "quizzes/editor/_studio_variable_labels.html",
        {"v": {"key": "w", "label": "Weight", "unit": "kg"}, "i": 2},
    )
    for name, value in (("label", "Weight"), ("unit", "kg")):
        assert f'<label for="f-v2-{name}">' in html
        assert re.search(rf'id="f-v2-{name}" name="variables\.2\.{name}" value="{value}"', html)


def test_a_figure_is_written_as_the_quiz_s_language_writes_numbers():
    from quizzes.engine.scoring import ScoreResult
    from quizzes.taking.contexts import figures, score_text

    computed = ScoreResult(
        outcome_key="x", score=12345.5, max_score=20000, values={"steps": 12345.5}
    )
    assert figures(computed, [], language="en") == [("Steps", "12,345.5")]
    assert figures(computed, [], language="de") == [("Steps", "12.345,5")]
    assert score_text(computed, "score", language="en") == "12,345.5 / 20,000"
