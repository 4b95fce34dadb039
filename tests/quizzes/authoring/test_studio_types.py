"""A question keeps its answer type through every studio save: the type control shows the
question's own type (a text question in a personality quiz included), offers what it may
switch to, and a type changes only when the author switches it (a structural change, never a
plain autosave), never on a published question.

Driven through HTTP as the page does: the form read back from the page as a browser posts it
(a select without a selected option sends its first one, a disabled control nothing), posted
whole with the `HX-Request` header.
"""

from __future__ import annotations

import re

import pytest

from quizzes.authoring.rows import version_file_data
from quizzes.models import QuizVersion
from tests.conftest import demo_data
from tests.quizzes.authoring.test_studio import _doc, _form, _save, _start
from tests.quizzes.helpers import client_for

DEMOS = [
    "which-morning-drink",
    "how-stressed-are-you",
    "solar-system-trivia",
    "weight-in-10-years",
    "ni-shi-na-zhong-ka-fei",
]
# What a question of each type holds beside its prompt, as the file gives it.
TYPE_FIELDS = ("min", "max", "step", "unit", "max_length", "min_choices", "max_choices")

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(author):
    return client_for(author)


def _controls(client, slug: str) -> list[list[tuple[str, bool, bool]]]:
    """Each question's type control as the page draws it: (value, selected, keeps answers)
    per option."""
    html = client.get(f"/editor/quizzes/{slug}/studio/").content.decode()
    selects = re.findall(r'<select id="f-q\d+-type"[^>]*>(.*?)</select>', html)
    return [
        [
            (value, " selected" in attrs, " data-keeps" in attrs)
            for value, attrs in re.findall(r'<option value="(\w+)"([^>]*)>', options)
        ]
        for options in selects
    ]


def _shown_types(client, slug: str) -> list[str]:
    return [
        next(value for value, selected, _keeps in options if selected)
        for options in _controls(client, slug)
    ]


def _working_copy(slug: str) -> dict:
    version = QuizVersion.objects.get(quiz__slug=slug, status__in=["draft", "review"])
    return version_file_data(version=version)


def _assert_types_kept(slug: str, demo: str) -> None:
    """The draft's questions have the file's types and type fields, question by question."""
    questions = _working_copy(slug)["questions"]
    expected = demo_data(demo)["questions"]
    assert [q["type"] for q in questions] == [q["type"] for q in expected]
    for q, file_q in zip(questions, expected, strict=True):
        assert {k: q.get(k) for k in TYPE_FIELDS} == {k: file_q.get(k) for k in TYPE_FIELDS}
        assert [c["label"] for c in q.get("choices") or []] == [
            c["label"] for c in file_q.get("choices") or []
        ]


def _save_unchanged_twice(client, slug: str) -> None:
    """The page's form posted back as it is: as an autosave, then with the structural change
    the type control's own change posts; neither changes anything in the document."""
    before = _working_copy(slug)
    for extra in ({}, {"op": "refresh"}):
        response = _save(client, slug, _form(client, slug) | extra)
        assert response.status_code == 200, response.content.decode()[:2000]
        assert _working_copy(slug) == before
        assert "Ready to publish" in response.content.decode()


@pytest.mark.parametrize("demo", DEMOS)
def test_a_copy_of_each_starting_point_saved_unchanged_keeps_every_question(studio, demo):
    slug = _start(studio, f"demo-{demo}")
    types = [q["type"] for q in demo_data(demo)["questions"]]
    assert _shown_types(studio, slug) == types

    _save_unchanged_twice(studio, slug)

    assert _doc(slug) is not None  # the save wrote a working copy
    _assert_types_kept(slug, demo)
    assert _shown_types(studio, slug) == types


@pytest.mark.parametrize("demo", DEMOS)
def test_a_new_draft_of_each_live_demo_saved_unchanged_keeps_every_question(publish, editor, demo):
    publish(demo)
    slug = demo_data(demo)["slug"]
    client = client_for(editor)
    assert client.post(f"/editor/quizzes/{slug}/studio/open/").status_code == 302
    types = [q["type"] for q in demo_data(demo)["questions"]]
    assert _shown_types(client, slug) == types

    _save_unchanged_twice(client, slug)

    assert _doc(slug) is not None
    _assert_types_kept(slug, demo)


def test_a_text_question_in_a_personality_quiz_shows_as_text_and_offers_the_choice_types(
    studio,
):
    slug = _start(studio, "demo-which-morning-drink")

    controls = _controls(studio, slug)

    # Question 4 is "Your name, for your card": switching it away drops its limit (asked).
    assert controls[3] == [("single", False, False), ("multi", False, False), ("text", True, False)]
    # A choice question switches between one and several answers keeping them (not asked).
    assert controls[0] == [("single", True, False), ("multi", False, True)]


def test_a_plain_autosave_posting_another_type_changes_no_question(studio):
    slug = _start(studio, "demo-which-morning-drink")
    data = _form(studio, slug) | {"questions.3.type": "single", "description": "Edited intro."}

    response = _save(studio, slug, data)

    assert response.status_code == 200
    name = _doc(slug)["questions"][3]
    assert name["type"] == "text" and name["max_length"] == 30 and "choices" not in name
    assert _doc(slug)["description"] == "Edited intro."
    assert "Ready to publish" in response.content.decode()


def test_switching_a_text_question_to_one_answer_is_carried_out_when_the_author_switches(
    studio,
):
    slug = _start(studio, "demo-which-morning-drink")
    data = _form(studio, slug) | {"questions.3.type": "single", "op": "refresh"}

    response = _save(studio, slug, data)

    assert response.status_code == 200
    question = _doc(slug)["questions"][3]
    assert question["type"] == "single" and "max_length" not in question
    assert [c["label"] for c in question["choices"]] == ["", ""]
    assert _shown_types(studio, slug)[3] == "single"


def test_a_score_question_switches_to_a_number_and_between_one_and_several_answers(studio):
    slug = _start(studio, "demo-how-stressed-are-you")
    labels = [c["label"] for c in demo_data("how-stressed-are-you")["questions"][0]["choices"]]

    _save(studio, slug, _form(studio, slug) | {"questions.0.type": "multi", "op": "refresh"})
    _save(studio, slug, _form(studio, slug) | {"questions.1.type": "number", "op": "refresh"})

    first, second = _doc(slug)["questions"][:2]
    assert first["type"] == "multi" and [c["label"] for c in first["choices"]] == labels
    assert second["type"] == "number" and (second["min"], second["max"]) == (0, 100)
    assert "choices" not in second
    assert _shown_types(studio, slug)[:2] == ["multi", "number"]


def test_a_published_question_keeps_its_type_whatever_a_save_posts(publish, editor):
    publish("which-morning-drink")
    client = client_for(editor)
    assert client.post("/editor/quizzes/which-morning-drink/studio/open/").status_code == 302
    assert _shown_types(client, "which-morning-drink")[3] == "text"
    html = client.get("/editor/quizzes/which-morning-drink/studio/").content.decode()
    assert 'name="questions.3.type" class="type-select"' in html
    assert re.search(r'<select id="f-q3-type"[^>]* disabled', html)

    data = _form(client, "which-morning-drink") | {"questions.3.type": "single", "op": "refresh"}
    response = _save(client, "which-morning-drink", data)

    assert response.status_code == 200
    name = _doc("which-morning-drink")["questions"][3]
    assert name["type"] == "text" and "choices" not in name


def test_without_javascript_save_switches_the_type_picked(studio):
    slug = _start(studio, "demo-how-stressed-are-you")
    page = studio.get(f"/editor/quizzes/{slug}/studio/").content.decode()
    save = re.search(r"<noscript>.*?</noscript>", page, re.S)
    assert save is not None and 'name="op" value="refresh"' in save.group(0)
    data = _form(studio, slug) | {"questions.0.type": "multi", "op": "refresh"}

    response = studio.post(f"/editor/quizzes/{slug}/studio/save/", data)

    assert response.status_code == 302
    assert _doc(slug)["questions"][0]["type"] == "multi"
