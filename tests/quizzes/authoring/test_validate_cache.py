"""A calculator's check is kept by content (the studio checks the same working copy several
times per keystroke): the same answer, computed once; a change is checked again."""

from __future__ import annotations

import copy

import pytest

from quizzes.authoring import rows
from tests.conftest import demo_data

pytestmark = pytest.mark.django_db


def test_a_calculator_is_checked_once_per_content(monkeypatch):
    calls: list[object] = []
    real = rows.quizfile_validate

    def counting(data, **kwargs):
        calls.append(data)
        return real(data, **kwargs)

    monkeypatch.setattr(rows, "quizfile_validate", counting)
    data = demo_data("weight-in-10-years")

    first = rows.quiz_validate(data)
    again = rows.quiz_validate(copy.deepcopy(data))
    data["title"] = ""
    changed = rows.quiz_validate(data)

    assert len(calls) == 2
    assert first == again and first[0] is not None
    assert changed[0] is None and changed[1][0].path == "title"


def test_a_cached_answer_is_a_copy_the_caller_may_change():
    data = demo_data("weight-in-10-years")

    definition, _ = rows.quiz_validate(data)
    assert definition is not None
    definition["title"] = "changed by a caller"
    again, _ = rows.quiz_validate(data)

    assert again is not None and again["title"] == data["title"]
