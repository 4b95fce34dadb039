"""What a save changed in fields the author is not typing in: a key that followed its label is
renamed in formulas, conditions and {placeholders}, and the page must show those fields as
saved, or its next save would post the old text back (the form is not drawn again while one
types)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# A studio field name and where its value lives, for the texts a rename may change.
_TEXTS = ("title", "description")
_CARD = ("headline", "subline")


def _field_values(doc: dict[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for k in _CARD:
        values[f"card-{k}"] = str((doc.get("card") or {}).get(k, ""))
    values["cta.label"] = str((doc.get("cta") or {}).get("label", ""))
    for i, v in enumerate(doc.get("variables") or []):
        if isinstance(v, dict):
            values[f"variables.{i}.expr"] = str(v.get("expr", ""))
            values[f"variables.{i}.name"] = str(v.get("key", ""))
    for i, o in enumerate(doc.get("outcomes") or []):
        if not isinstance(o, dict):
            continue
        values[f"outcomes.{i}.when"] = str(o.get("when", ""))
        for k in _TEXTS:
            values[f"outcomes.{i}.{k}"] = str(o.get(k, ""))
        for k in _CARD:
            values[f"o-{i}-card-{k}"] = str((o.get("card") or {}).get(k, ""))
        values[f"outcomes.{i}.cta.label"] = str((o.get("cta") or {}).get("label", ""))
    return values


def fields_changed(*, posted: Mapping[str, Any], saved: dict[str, Any]) -> dict[str, str]:
    """The fields whose saved value differs from what the page posted (the form's own
    values: a rename is applied after they are read)."""
    getlist = getattr(posted, "getlist", None)
    changed = {}
    for name, value in _field_values(saved).items():
        if name not in posted:
            continue
        shown = getlist(name)[-1] if getlist else posted[name]
        if str(shown).strip() != value.strip():
            changed[name] = value
    return changed


def names_renamed(*, posted: dict[str, Any], saved: dict[str, Any]) -> dict[str, str]:
    """Question and value keys the save renamed (old -> new), by position."""
    renames: dict[str, str] = {}
    for kind in ("questions", "variables"):
        for old, new in zip(posted.get(kind) or [], saved.get(kind) or [], strict=False):
            if not (isinstance(old, dict) and isinstance(new, dict)) or not old.get("key"):
                continue
            if old.get("key") != new.get("key"):
                renames[str(old["key"])] = str(new.get("key"))
    return renames


def chip_labels(doc: dict[str, Any]) -> dict[str, str]:
    """The label of each name a formula chip inserts: a question's prompt, a value's name."""
    labels = {
        str(q.get("key")): str(q.get("prompt") or q.get("key"))
        for q in doc.get("questions") or []
        if isinstance(q, dict)
    }
    labels.update(
        {
            str(v.get("key")): str(v.get("key"))
            for v in doc.get("variables") or []
            if isinstance(v, dict)
        }
    )
    return labels


def _texts(value: Any, path: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _texts(v, f"{path}.{k}" if path else str(k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _texts(v, f"{path}[{i}]", out)
    elif isinstance(value, str) and path.rsplit(".", 1)[-1] not in ("key", "format", "slug"):
        out[path] = value


def texts_unsaved(*, posted: dict[str, Any], saved: dict[str, Any]) -> list[tuple[str, str]]:
    """The texts a refused save held that the saved draft does not (by JSON path), so the
    author can copy them before reloading: nothing typed is lost silently."""
    mine: dict[str, str] = {}
    theirs: dict[str, str] = {}
    _texts(posted, "", mine)
    _texts(saved, "", theirs)
    return [(path, text) for path, text in mine.items() if text and theirs.get(path) != text]
