"""The studio's save on every keystroke: the working copy is checked once, and the draft's rows
follow it by writing only the rows that changed (an unchanged row keeps its id and values), in
a number of statements that does not grow with the quiz.

Driven through HTTP as the page does (the form read back from the page, posted whole with the
`HX-Request` header), the rows then read from the database.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.authoring import rows
from quizzes.authoring.rows import quiz_validate, rows_file_data
from quizzes.models import Choice, Outcome, Question, QuizVersion, Variable
from tests.quizzes.helpers import client_for, form_data

HX = {"HTTP_HX_REQUEST": "true"}
ROW_TABLES = ("quizzes_question", "quizzes_choice", "quizzes_variable", "quizzes_outcome")


@pytest.fixture
def studio(author):
    return client_for(author)


def _start(client, template: str) -> str:
    response = client.post(f"/editor/new/{template}/")
    assert response.status_code == 302
    return response["Location"].split("/")[-3]


def _form(client, slug: str) -> dict:
    return form_data(client.get(f"/editor/quizzes/{slug}/studio/").content.decode(), "studio-form")


def _save(client, slug: str, data: dict):
    response = client.post(f"/editor/quizzes/{slug}/studio/save/", data, **HX)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def _draft(slug: str) -> QuizVersion:
    return QuizVersion.objects.get(quiz__slug=slug, status="draft")


def _rows(slug: str) -> dict[str, list[tuple]]:
    """Every row of the draft with its id and values, by model."""
    version = _draft(slug)
    return {
        model.__name__: list(model.objects.filter(**{lookup: version}).order_by("pk").values_list())
        for model, lookup in (
            (Question, "version"),
            (Choice, "question__version"),
            (Variable, "version"),
            (Outcome, "version"),
        )
    }


def _assert_rows_follow_the_draft(slug: str) -> None:
    from_rows, problems = quiz_validate(rows_file_data(version=_draft(slug)))
    assert problems == []
    assert from_rows == quiz_validate(_draft(slug).document)[0]


def _writes(queries: CaptureQueriesContext) -> list[str]:
    """The statements that wrote a row of questions, choices, values or outcomes."""
    return [
        sql
        for q in queries.captured_queries
        if re.match(r"(INSERT INTO|UPDATE|DELETE FROM) \"(\w+)\"", sql := q["sql"])
        and re.match(r"\w+ \w* ?\"(\w+)\"", sql).group(1) in ROW_TABLES  # type: ignore[union-attr]
    ]


def _save_and_form(client, slug: str, changes: dict | None = None) -> dict:
    """Save the page's form with `changes`; the form as the page then holds it."""
    _save(client, slug, _form(client, slug) | (changes or {}))
    return _form(client, slug)


def _personality(client) -> str:
    """A blank personality quiz filled in until it is valid (its rows follow it)."""
    slug = _start(client, "blank-personality")
    data = _form(client, slug)
    data |= {"title": "Beach or mountains?", "questions.0.prompt": "Holiday?"}
    data |= {"outcomes.0.title": "Beach", "outcomes.1.title": "Mountains"}
    data |= {"questions.0.choices.0.label": "Sea", "questions.0.choices.1.label": "Peaks"}
    assert "Ready to publish" in _save(client, slug, data).content.decode()
    return slug


def test_a_keystroke_in_one_prompt_updates_that_question_s_row_alone(studio):
    slug = _start(studio, "demo-weight-in-10-years")
    data = _save_and_form(studio, slug)  # the first save settles the form's defaults
    before = _rows(slug)

    with CaptureQueriesContext(connection) as queries:
        _save(studio, slug, data | {"questions.1.prompt": "How tall are you, in cm?"})

    assert [sql.split(" SET ")[0] for sql in _writes(queries)] == ['UPDATE "quizzes_question"']
    after = _rows(slug)
    changed = [(b, a) for b, a in zip(before["Question"], after["Question"], strict=True) if b != a]
    assert len(changed) == 1 and changed[0][0][0] == changed[0][1][0]  # the same row, same id
    assert "How tall are you, in cm?" in changed[0][1]
    assert {k: v for k, v in after.items() if k != "Question"} == {
        k: v for k, v in before.items() if k != "Question"
    }
    _assert_rows_follow_the_draft(slug)


def test_a_keystroke_costs_the_same_few_queries_whatever_the_quiz_s_size(
    studio, django_assert_max_num_queries
):
    slug = _start(studio, "demo-weight-in-10-years")
    data = _save_and_form(studio, slug)
    with django_assert_max_num_queries(16):
        _save(studio, slug, data | {"title": "What will you weigh?"})
    for _n in range(4):
        _save_and_form(studio, slug, {"op": "question.duplicate:0"})
    data = _form(studio, slug)

    with django_assert_max_num_queries(16):
        _save(studio, slug, data | {"title": "What will you weigh, then?"})

    assert _draft(slug).questions.count() == 10
    _assert_rows_follow_the_draft(slug)


def test_a_save_that_changes_nothing_writes_no_row(studio):
    slug = _start(studio, "demo-which-morning-drink")
    data = _save_and_form(studio, slug)
    before = _rows(slug)

    with CaptureQueriesContext(connection) as queries:
        response = _save(studio, slug, data)

    assert _writes(queries) == []
    assert _rows(slug) == before
    assert json.loads(response["HX-Trigger"])["studio-saved"]["revision"] == _draft(slug).revision


def test_a_key_that_follows_its_label_is_renamed_in_its_row(studio):
    slug = _personality(studio)
    question = _draft(slug).questions.get()
    assert question.key == "holiday"
    choices = list(question.choices.values_list("pk", "key"))

    _save_and_form(studio, slug, {"questions.0.prompt": "Holiday, then?"})

    renamed = _draft(slug).questions.get()
    assert (renamed.pk, renamed.key) == (question.pk, "holiday_then")
    assert list(renamed.choices.values_list("pk", "key")) == choices
    _assert_rows_follow_the_draft(slug)


def test_moves_deletes_and_adds_keep_the_rows_of_the_items_that_stay(studio):
    slug = _personality(studio)
    _save_and_form(studio, slug, {"op": "outcome.add"})
    _save_and_form(studio, slug, {"outcomes.2.title": "City", "op": "question.add:multi"})
    _save_and_form(studio, slug, {"questions.1.prompt": "Drink?"})
    _save_and_form(
        studio, slug, {"questions.1.choices.0.label": "Tea", "questions.1.choices.1.label": "Beer"}
    )
    questions = {q.key: q.pk for q in _draft(slug).questions.all()}
    outcomes = {o.key: o.pk for o in _draft(slug).outcomes.all()}
    assert list(questions) == ["holiday", "drink"]
    assert list(outcomes) == ["beach", "mountains", "city"]
    _assert_rows_follow_the_draft(slug)

    _save_and_form(studio, slug, {"op": "question.move:1:0"})
    _save_and_form(studio, slug, {"op": "outcome.move:2:0"})
    assert [(q.key, q.pk) for q in _draft(slug).questions.all()] == [
        ("drink", questions["drink"]),
        ("holiday", questions["holiday"]),
    ]
    assert [(o.key, o.pk) for o in _draft(slug).outcomes.all()] == [
        ("city", outcomes["city"]),
        ("beach", outcomes["beach"]),
        ("mountains", outcomes["mountains"]),
    ]
    _assert_rows_follow_the_draft(slug)

    _save_and_form(studio, slug, {"op": "outcome.delete:1"})
    _save_and_form(studio, slug, {"op": "question.delete:1"})
    _save_and_form(studio, slug, {"op": "choice.add:0"})
    beer = _draft(slug).questions.get().choices.get(key="beer").pk
    _save_and_form(studio, slug, {"questions.0.choices.2.label": "Wine", "op": "choice.delete:0:0"})
    assert [(o.key, o.pk) for o in _draft(slug).outcomes.all()] == [
        ("city", outcomes["city"]),
        ("mountains", outcomes["mountains"]),
    ]
    assert [(q.key, q.pk) for q in _draft(slug).questions.all()] == [("drink", questions["drink"])]
    choices = _draft(slug).questions.get().choices.all()
    assert [(c.label, c.pk == beer) for c in choices] == [("Beer", True), ("Wine", False)]
    _assert_rows_follow_the_draft(slug)


def test_the_save_checks_the_working_copy_once(studio, monkeypatch):
    calls: list[object] = []
    real = rows.quizfile_validate

    def counting(data, **kwargs):
        calls.append(data)
        return real(data, **kwargs)

    slug = _start(studio, "demo-which-morning-drink")
    data = _save_and_form(studio, slug)
    monkeypatch.setattr(rows, "quizfile_validate", counting)

    response = _save(studio, slug, data | {"title": "Which drink are you?"})
    assert len(calls) == 1
    assert "Ready to publish" in response.content.decode()

    data = _form(studio, slug)
    calls.clear()
    _save(studio, slug, data | {"op": "question.add:single"})
    assert len(calls) == 1


def test_sample_answers_are_searched_once_per_working_copy_and_result(studio, monkeypatch):
    """A calculator's sample answers (its formulas run hundreds of times) are searched once:
    the save's answer and the result preview the page then asks for read the same working
    copy; the next keystroke is a new working copy, searched again."""
    from quizzes.authoring import samples

    searched: list[str] = []
    real = samples._sample_search

    def counting(**kwargs):
        searched.append(kwargs["outcome_key"])
        return real(**kwargs)

    slug = _start(studio, "demo-weight-in-10-years")
    data = _save_and_form(studio, slug)
    outcome = _draft(slug).document["outcomes"][0]["key"]
    monkeypatch.setattr(samples, "_sample_search", counting)

    _save(studio, slug, data | {"title": "Your weight in ten years"})
    preview = studio.get(f"/editor/quizzes/{slug}/studio/preview/",
                         {"page": "result", "outcome": outcome, "rev": 2})  # fmt: skip
    assert preview.status_code == 200
    assert "Your weight in ten years" in preview.content.decode()
    once = len(searched)
    assert once >= 1 and searched.count(outcome) == 1  # the save's, read back by the preview

    _save(studio, slug, _form(studio, slug) | {"title": "Your weight in 10 years"})
    assert searched.count(outcome) == 2
