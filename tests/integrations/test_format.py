"""The quiz file's `cta` and `lead` (spec/integrations.md): validated by JSON path, exported
back equal, and what an imported file sets is what visitors get."""

from __future__ import annotations

import json
from typing import Any

import pytest

from quizzes.format.export import quizfile_export
from quizzes.format.quizfile import quizfile_validate
from tests.conftest import demo_data
from tests.integrations.conftest import complete

CTA = {"label": "Get your {outcome}, {name}", "url": "https://shop.example.com/x?a=1"}
LEAD = {"fields": ["email", "name"], "consent": "I agree to be emailed."}


def drink(**changes: Any) -> dict[str, Any]:
    return {**demo_data("which-morning-drink"), **changes}


def problems(data: object) -> list[str]:
    definition, found = quizfile_validate(data)
    assert definition is None
    return [str(p) for p in found]


@pytest.mark.pure
def test_cta_and_lead_are_read_and_exported_back_equal():
    data = drink(cta=CTA, lead={**LEAD, "position": "before_result", "required": True})
    data["outcomes"][0]["cta"] = {"label": "Buy it", "url": "https://shop.example.com/o"}
    definition, found = quizfile_validate(data)
    assert found == [] and definition is not None
    assert definition["lead"] == {**LEAD, "position": "before_result", "required": True,
                                  "double_opt_in": False}  # fmt: skip
    exported = quizfile_export(definition)
    assert exported["cta"] == CTA and exported["lead"] == data["lead"]
    assert exported["outcomes"][0]["cta"] == data["outcomes"][0]["cta"]
    again, _ = quizfile_validate(json.loads(json.dumps(exported)))
    assert again == definition
    assert quizfile_export(again) == exported  # type: ignore[arg-type]


@pytest.mark.pure
def test_a_file_without_them_exports_without_them():
    definition, _ = quizfile_validate(drink())
    assert definition is not None
    exported = quizfile_export(definition)
    assert "cta" not in exported and "lead" not in exported
    assert all("cta" not in o for o in exported["outcomes"])


@pytest.mark.pure
def test_bad_cta_and_lead_are_refused_by_path():
    data = drink(
        cta={"label": "Go {nme}", "url": "http://shop.example.com/"},
        lead={"fields": ["name", "fax"], "position": "middle", "consent": "", "x": 1},
    )
    data["outcomes"][1]["cta"] = {"label": "Go {nme}", "url": "https://shop.example.com/"}
    assert problems(data) == [
        "cta.url: must be an https:// URL",
        "lead.x: unknown key",
        'lead.fields[1]: must be "email", "name" or "phone"',
        'lead.fields: must hold "email"',
        'lead.position: must be "before_result" or "after_result"',
        "lead.consent: must not be empty",
        "outcomes[1].cta.label: unknown placeholder {nme}: "
        "use {outcome}, {alarm}, {weekend}, {music}, {name}, {score}",
    ]


def test_an_imported_cta_reaches_the_result(publish, browser):
    publish("which-morning-drink", cta=CTA)
    body = complete(browser())
    assert body["cta"]["label"] == f"Get your {body['outcome']['title']}, Ana"
