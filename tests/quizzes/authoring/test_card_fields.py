"""The result image's fields in the studio (issue 11): the form names the studio parses, ready
palettes with accessible names, and the contrast warning on the first render."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string

from quizzes.engine.colors import contrast_ratio
from quizzes.templatetags.card_fields import PALETTES


def _fields(card: dict, prefix: str = "o-1-card-") -> str:
    return render_to_string("quizzes/editor/_card_fields.html", {"card": card, "prefix": prefix})


def test_the_fields_keep_the_studio_names_and_the_colours():
    html = _fields({"headline": "Hi {name}", "background": "#0f766e", "text_color": "#ffffff"})

    for name in ("headline", "subline", "background", "gradient_to", "text_color"):
        assert f'name="o-1-card-{name}"' in html
    assert 'value="Hi {name}"' in html and 'value="#0f766e"' in html
    assert 'name="o-1-card-gradient_to" value="#4338ca"' in html


def test_readable_colours_get_no_warning():
    html = _fields({"background": "#1e3a8a", "gradient_to": "#4338ca", "text_color": "#ffffff"})

    assert re.search(r'data-contrast-warning data-message="[^"]+"></p>', html)


def test_white_text_fading_to_yellow_is_warned_about_next_to_the_colours():
    html = _fields({"background": "#1e3a8a", "gradient_to": "#fde68a", "text_color": "#ffffff"})

    assert 'aria-describedby="o-1-card-contrast"' in html
    assert 'id="o-1-card-contrast" role="status"' in html
    assert "The text is hard to read on these colours (contrast 1.2:1" in html


def test_each_palette_is_a_named_button_and_reads_well():
    html = _fields({})

    assert html.count("data-palette ") == len(PALETTES) == 6
    assert 'aria-label="Use the Sunset colours"' in html
    for p in PALETTES:
        assert f'data-background="{p.background}" data-gradient-to="{p.gradient_to}"' in html
        assert min(contrast_ratio(p.text_color, p.background),
                   contrast_ratio(p.text_color, p.gradient_to)) >= 4.5, p.key  # fmt: skip
    assert "style=" not in html and "<script>" not in html


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54)],
)
def test_the_contrast_ratio_is_wcags(a, b, ratio):
    assert contrast_ratio(a, b) == pytest.approx(ratio, abs=0.01)
