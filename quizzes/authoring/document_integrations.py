"""The studio's fields for the business behind the quiz laid over the working document: the
button after the result (`cta`, the quiz's and each result's) and the contact details form
(`lead`), spec/integrations.md. From quizzes/templates/quizzes/editor/_studio_integrations.html.

Fields: `cta.label`, `cta.url`, `outcomes.<i>.cta.label`, `outcomes.<i>.cta.url` (both empty:
no button); `lead` (on/off), `lead.name`, `lead.phone` (email is always asked),
`lead.position`, `lead.required`, `lead.consent`. A field not posted is left as it is. Values
are kept as typed so the validator (quizzes/format/integration_checks.py) names what is wrong
next to its field (`cta.url: must be an https:// URL`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from quizzes.authoring.document import Fields
from quizzes.format.integration_checks import LEAD_POSITIONS

OPTIONAL_LEAD_FIELDS = ("name", "phone")


def consent_default(language: str) -> str:
    """The consent text a new contact form starts with, in the quiz's language."""
    with translation.override(language):
        return _(
            "I agree that you may contact me about my result. "
            "I can ask you to delete my details at any time."
        )


def _cta_overlay(holder: dict[str, Any], f: Fields, prefix: str) -> None:
    names = (f"{prefix}label", f"{prefix}url")
    if not any(f.has(name) for name in names):
        return
    raw = holder.get("cta")
    old: dict[str, Any] = raw if isinstance(raw, dict) else {}
    label, url = (
        f.text(name).strip() if f.has(name) else str(old.get(key) or "")
        for name, key in zip(names, ("label", "url"), strict=True)
    )
    if label or url:
        holder["cta"] = {"label": label, "url": url}
    else:
        holder.pop("cta", None)


def _lead_fields(old: list[Any], f: Fields) -> list[str]:
    """Email and the optional fields ticked, in the order the document had them."""
    wanted = {"email"} | {n for n in OPTIONAL_LEAD_FIELDS if f.flag(f"lead.{n}")}
    kept = [str(n) for n in old if n in wanted]
    return kept + [n for n in ("email", *OPTIONAL_LEAD_FIELDS) if n in wanted and n not in kept]


def _lead_overlay(doc: dict[str, Any], f: Fields, language: str) -> None:
    if not f.has("lead"):
        return
    if not f.flag("lead"):
        doc.pop("lead", None)
        return
    raw = doc.get("lead")
    # Switched on: a form that asks for the email after the result, with a consent text.
    lead = dict(raw) if isinstance(raw, dict) else {"consent": consent_default(language)}
    listed = lead.get("fields")
    old_fields: list[Any] = listed if isinstance(listed, list) else []
    if any(f.has(f"lead.{n}") for n in OPTIONAL_LEAD_FIELDS) or not old_fields:
        lead["fields"] = _lead_fields(old_fields, f)
    if f.text("lead.position") in LEAD_POSITIONS:
        lead["position"] = f.text("lead.position")
    if f.has("lead.required"):
        if f.flag("lead.required"):
            lead["required"] = True
        else:
            lead.pop("required", None)  # the file's default
    if f.has("lead.consent"):
        lead["consent"] = f.text("lead.consent").strip()
    doc["lead"] = lead


def integrations_overlay(doc: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """`doc` with its calls to action and contact form set from the posted fields; the same
    `doc` when none of them is posted."""
    names = [str(k) for k in data]
    if not any(n == "lead" or n.startswith(("cta.", "lead.")) or ".cta." in n for n in names):
        return doc
    out = copy.deepcopy(doc)
    f = Fields(data)
    _cta_overlay(out, f, "cta.")
    for i, o in enumerate(out.get("outcomes") or []):
        if isinstance(o, dict):
            _cta_overlay(o, f, f"outcomes.{i}.cta.")
    _lead_overlay(out, f, str(out.get("language") or "en"))
    return out
