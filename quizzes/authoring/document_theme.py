"""The studio's theme fields laid over the working document (the lead wires it into
`document_overlay`): `theme-brand`, `theme-background` and `theme-font`, from
quizzes/templates/quizzes/editor/_studio_theme.html.

An empty field removes its key (the site's default); a theme with no key left is removed, so
a quiz without one exports as before. Values are kept as typed (colours lower-cased): the
validator (quizzes/format/theme.py) says what is wrong at `theme.brand` etc.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

THEME_FIELDS = {"brand": "theme-brand", "background": "theme-background", "font": "theme-font"}


def _posted(fields: Mapping[str, Any], name: str) -> str:
    getlist = getattr(fields, "getlist", None)
    values = getlist(name) if getlist else [fields[name]]
    return str(values[-1]).strip() if values else ""


def theme_overlay(doc: dict[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """`doc` with its `theme` set from the posted fields; a field not posted is left as it
    is, and nothing changes when none is posted."""
    if not any(name in fields for name in THEME_FIELDS.values()):
        return doc
    out = copy.deepcopy(doc)
    raw = out.get("theme")
    theme: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
    for key, name in THEME_FIELDS.items():
        if name not in fields:
            continue
        value = _posted(fields, name)
        if key in ("brand", "background"):
            value = value.lower()
        if value:
            theme[key] = value
        else:
            theme.pop(key, None)
    if theme:
        out["theme"] = theme
    else:
        out.pop("theme", None)
    return out
