"""Outcome texts read well when an optional answer is skipped (quizzes/taking/services.py)."""

from __future__ import annotations

import pytest

from quizzes.taking.services import text_tidy
from tests.quizzes.takehelp import TAKES, post_json, responses_url


@pytest.mark.parametrize(
    ("text", "tidy"),
    [
        (", in 10 years you'll weigh 74 kg", "In 10 years you'll weigh 74 kg"),
        (", you'll be lighter: 78 kg", "You'll be lighter: 78 kg"),
        (": my result", "My result"),
        ("  ,  you're calm focus.", "You're calm focus."),
        ("Ada, in 10 years you'll weigh 74 kg", "Ada, in 10 years you'll weigh 74 kg"),
        ("Thanks  for   playing", "Thanks for playing"),
        ("Well done , Ada", "Well done, Ada"),
        ("iPhone people: 3", "iPhone people: 3"),
        ("，你是一杯拿铁", "你是一杯拿铁"),
        ("、：你是一杯拿铁", "你是一杯拿铁"),
        ("：浓缩咖啡", "浓缩咖啡"),
        ("小明，你是一杯拿铁", "小明，你是一杯拿铁"),
        ("", ""),
        (", ", ""),
        ("Line one\n\nline two", "Line one\n\nline two"),
    ],
)
def test_text_tidy_drops_what_an_empty_placeholder_leaves(text, tidy):
    assert text_tidy(text) == tidy


@pytest.mark.django_db
def test_a_skipped_optional_name_leaves_no_stray_comma(visitor, publish):
    publish("weight-in-10-years")
    answers = {k: v for k, v in TAKES["weight-in-10-years"]["answers"].items() if k != "name"}
    response = post_json(visitor, responses_url("weight-in-10-years"), {"answers": answers})
    assert response.status_code == 201
    assert response.json()["outcome"]["title"] == "In 10 years you'll weigh 95 kg"
    page = visitor.get(f"/r/{response.json()['id']}/").content.decode()
    assert '<h1 class="outcome-title" lang="en">In 10 years you&#x27;ll weigh 95 kg</h1>' in page


@pytest.mark.django_db
def test_a_skipped_name_at_the_start_of_a_description_is_tidied(visitor, publish):
    publish("which-morning-drink")
    answers = {k: v for k, v in TAKES["which-morning-drink"]["answers"].items() if k != "name"}
    response = post_json(visitor, responses_url("which-morning-drink"), {"answers": answers})
    assert response.status_code == 201
    outcome = response.json()["outcome"]
    assert outcome["description"] == "You're short, strong and already on your third task."
