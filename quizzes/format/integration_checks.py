"""The quiz file's keys for the business behind the quiz (spec/integrations.md): a call to
action (`cta`, on the quiz for every outcome or on one outcome) and the lead form (`lead`).

quizzes only checks and keeps them; integrations reads them from the published definition.
Extension (README): `lead.double_opt_in` (default false) mails a confirmation link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from quizzes.format.checks import Checker, at

KEYS = ("cta", "lead")  # the file's top-level keys of this module
LEAD_FIELDS = ("email", "name", "phone")
LEAD_POSITIONS = ("before_result", "after_result")
URL_MAX = 2000


def integrations_check(
    ck: Checker, definition: dict[str, Any], top: dict[str, Any], raw_outcomes: list[Any]
) -> None:
    """`cta` (top level and outcomes) and `lead` into `definition`, only when given."""
    cta = cta_check(ck, top, "$")
    if cta is not None:
        definition["cta"] = cta
    for i, raw in enumerate(raw_outcomes):
        if isinstance(raw, dict) and i < len(definition["outcomes"]):
            outcome_cta = cta_check(ck, raw, f"outcomes[{i}]")
            if outcome_cta is not None:
                definition["outcomes"][i]["cta"] = outcome_cta
    lead = lead_check(ck, top)
    if lead is not None:
        definition["lead"] = lead


def cta_labels(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """(JSON path, text) of every call to action's label, for the placeholder check."""
    found = [
        (f"outcomes[{i}].cta.label", o["cta"]["label"])
        for i, o in enumerate(definition["outcomes"])
        if "cta" in o
    ]
    if "cta" in definition:
        found.append(("cta.label", definition["cta"]["label"]))
    return found


def cta_check(ck: Checker, data: dict[str, Any], path: str) -> dict[str, str] | None:
    """`data["cta"]` as {"label", "url"} (an https URL), None when absent or broken."""
    if "cta" not in data:
        return None
    where = at(path, "cta")
    cta = ck.obj(data["cta"], where, required=("label", "url"))
    if cta is None:
        return None
    label = ck.text(cta, "label", where, max_length=100)
    url = ck.text(cta, "url", where, max_length=URL_MAX)
    if isinstance(url, str):
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
            ck.add(at(where, "url"), "must be an https:// URL")
            return None
    if label is None or url is None:
        return None
    return {"label": label, "url": url}


def lead_check(ck: Checker, data: dict[str, Any]) -> dict[str, Any] | None:
    """`data["lead"]` normalised (position and required filled in), None when absent."""
    if "lead" not in data:
        return None
    lead = ck.obj(
        data["lead"],
        "lead",
        required=("fields", "consent"),
        optional=("position", "required", "double_opt_in"),
    )
    if lead is None:
        return None
    fields = lead.get("fields")
    if not isinstance(fields, list) or not fields:
        ck.add("lead.fields", 'must be a list of "email", "name" and "phone", with "email"')
        fields = []
    else:
        for i, name in enumerate(fields):
            if name not in LEAD_FIELDS:
                ck.add(f"lead.fields[{i}]", 'must be "email", "name" or "phone"')
        if len(set(map(str, fields))) != len(fields):
            ck.add("lead.fields", "must not name a field twice")
        if "email" not in fields:
            ck.add("lead.fields", 'must hold "email"')
    position = lead.get("position", "after_result")
    if position not in LEAD_POSITIONS:
        ck.add("lead.position", 'must be "before_result" or "after_result"')
    return {
        "fields": list(fields),
        "position": position,
        "required": ck.boolean(lead, "required", "lead", False),
        "consent": ck.text(lead, "consent", "lead", max_length=2000),
        "double_opt_in": ck.boolean(lead, "double_opt_in", "lead", False),
    }


def lead_export(lead: dict[str, Any]) -> dict[str, Any]:
    """The file's `lead` with its defaults left out."""
    out: dict[str, Any] = {"fields": list(lead["fields"])}
    if lead["position"] != "after_result":
        out["position"] = lead["position"]
    if lead["required"]:
        out["required"] = True
    out["consent"] = lead["consent"]
    if lead.get("double_opt_in"):
        out["double_opt_in"] = True
    return out
