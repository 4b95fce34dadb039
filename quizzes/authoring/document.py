"""The studio's edits of a quizbuilder/1 document, as pure functions on dicts.

The studio posts its whole form on every change; `document_overlay` lays the posted fields
over the saved document (fields are named by their place in it, `questions.2.prompt`, so a
problem's JSON path names its field), `document_apply` carries out a structural change (add,
duplicate, delete, move), and `document_keys_assign` gives every item the key its label
implies. Authors never see keys: a key follows its label while it is one the studio made (a
placeholder such as `q3`, or the label's own slug) and the item was never published; a key
typed in a file (`alarm` for "Your alarm goes off") or published stays as it is, so files,
the API and results keep working. A renamed key is renamed wherever the document names it
(points, display conditions, formulas, placeholders in texts).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping
from typing import Any

from quizzes.authoring.document_keys import name_rename, slug_of

CARD_FIELDS = ("headline", "subline", "background", "gradient_to", "text_color")
# What a colour picker shows for a colour not set (a picker cannot be empty): posted back
# unchanged it still means "not set", so the card keeps inheriting the quiz's or the site's.
CARD_COLOUR_SHOWN = {"background": "#4338ca", "gradient_to": "#4338ca", "text_color": "#ffffff"}
QUESTION_TYPES = {
    "personality": ("single", "multi"),
    "score": ("single", "multi", "number"),
    "trivia": ("single", "multi"),
    "calculator": ("number", "single", "multi", "text"),
}
# A change between these keeps the question's answers; any other drops fields the old type had.
CHOICE_TYPES = ("single", "multi")
MAX_POINTS = 3

Doc = dict[str, Any]


# --- the posted form laid over the document -----------------------------------------------


def _number(raw: str) -> int | float | str:
    """What an author typed in a number field: a number, or the text itself (kept, so the
    draft saves and the field shows its problem, nothing typed is lost)."""
    text = raw.strip().replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return raw
    return value if value == value and value not in (float("inf"), float("-inf")) else raw


class Fields:
    """The posted form: the last value of each name (a checkbox posts a hidden 0, then 1)."""

    def __init__(self, data: Mapping[str, Any]):
        getlist = getattr(data, "getlist", None)
        # NUL is dropped: PostgreSQL's JSON cannot hold it (a pasted one would fail the save).
        self._lists: dict[str, list[str]] = {
            k: [str(x).replace("\x00", "") for x in (getlist(k) if getlist else [data[k]])]
            for k in data
        }

    def has(self, name: str) -> bool:
        return name in self._lists

    def text(self, name: str) -> str:
        return self._lists[name][-1] if self._lists.get(name) else ""

    def values(self, name: str) -> list[str]:
        return [v for v in self._lists.get(name, []) if v != ""]

    def flag(self, name: str) -> bool:
        return self.text(name) in ("1", "on", "true")


def _set_text(holder: dict[str, Any], key: str, fields: Fields, name: str, *, drop: bool) -> None:
    if not fields.has(name):
        return
    value = fields.text(name).strip() if key not in ("description",) else fields.text(name)
    if drop and value == "":
        holder.pop(key, None)
    else:
        holder[key] = value


def _set_number(holder: dict[str, Any], key: str, fields: Fields, name: str) -> None:
    if not fields.has(name):
        return
    raw = fields.text(name)
    if raw.strip() == "":
        holder.pop(key, None)
    else:
        holder[key] = _number(raw)


def _card_overlay(holder: dict[str, Any], fields: Fields, prefix: str) -> None:
    if not any(fields.has(f"{prefix}{k}") for k in CARD_FIELDS):
        return
    card = dict(holder.get("card") or {})
    for k in CARD_FIELDS:
        posted = fields.text(f"{prefix}{k}").strip().lower()
        if k not in card and posted == CARD_COLOUR_SHOWN.get(k):
            continue
        _set_text(card, k, fields, f"{prefix}{k}", drop=True)
    if card:
        holder["card"] = card
    else:
        holder.pop("card", None)


def question_types(*, kind: str, current: object) -> tuple[str, ...]:
    """The answer types a question's control offers: those the studio adds to a quiz of this
    kind, and always the question's own (a file may give a personality quiz a text question),
    so the control shows it and posting it back changes nothing."""
    offered = QUESTION_TYPES.get(kind, ())
    if isinstance(current, str) and current and current not in offered:
        return (*offered, current)
    return offered


def document_overlay(
    *,
    document: Doc,
    data: Mapping[str, Any],
    retype: bool = False,
    published: Collection[str] = frozenset(),
) -> Doc:
    """The document with the posted form's fields laid over it. Items are matched by
    position (the page was drawn from this revision); a field not posted is left as it is.

    A question's posted type is applied only when `retype` (the post is a structural change,
    as the type control's own change is: never a plain autosave), only to a type the studio
    offers for the quiz's kind, and never to a question whose key is `published`."""
    doc = copy.deepcopy(document)
    f = Fields(data)
    for key in ("title", "description"):
        _set_text(doc, key, f, key, drop=False)
    _set_text(doc, "language", f, "language", drop=False)
    _set_number(doc, "retention_days", f, "retention_days")
    _card_overlay(doc, f, "card-")
    outcomes = doc.get("outcomes") or []
    out_keys = [str(o.get("key", "")) if isinstance(o, dict) else "" for o in outcomes]
    kind = str(doc.get("kind"))
    questions = doc.get("questions") or []
    for qi, q in enumerate(questions):
        if isinstance(q, dict):
            if retype and q.get("key") not in published:
                _retype(q, f, f"questions.{qi}.type", kind)
            _question_overlay(q, f, f"questions.{qi}.", questions[:qi], out_keys, kind)
    renamed: list[tuple[str, str]] = []
    for vi, v in enumerate(doc.get("variables") or []):
        if isinstance(v, dict):
            renamed += _variable_overlay(v, f, f"variables.{vi}.")
            for key in ("label", "unit"):  # what "How it was worked out" calls it
                _set_text(v, key, f, f"variables.{vi}.{key}", drop=True)
    if kind == "trivia" and f.has("feedback"):
        if f.flag("feedback"):
            doc["feedback"] = True
        else:
            doc.pop("feedback", None)
    for oi, o in enumerate(outcomes):
        if not isinstance(o, dict):
            continue
        p = f"outcomes.{oi}."
        _set_text(o, "title", f, p + "title", drop=False)
        _set_text(o, "description", f, p + "description", drop=True)
        # Only the fields of the quiz's kind: a stray field must not make the draft invalid.
        if kind == "calculator":
            _set_text(o, "when", f, p + "when", drop=True)
        if kind in ("score", "trivia"):
            for key in ("min", "max"):
                _set_number(o, key, f, p + key)
        _card_overlay(o, f, f"o-{oi}-card-")
    # Last: the page's formulas and texts still name a renamed value by its old name.
    for old_name, new_name in renamed:
        name_rename(doc, old_name, new_name)
    return doc


def _question_overlay(
    q: dict[str, Any], f: Fields, p: str, earlier: list[Any], out_keys: list[str], kind: str
) -> None:
    _set_text(q, "prompt", f, p + "prompt", drop=False)
    applies = {
        "number": ("min", "max", "step"),
        "text": ("max_length",),
        "multi": ("min_choices", "max_choices"),
    }.get(str(q.get("type")), ())
    for key in ("help", "explanation", *(("unit",) if q.get("type") == "number" else ())):
        _set_text(q, key, f, p + key, drop=True)
    for key in applies:
        _set_number(q, key, f, p + key)
    if f.has(p + "required"):
        q["required"] = f.flag(p + "required")
    if f.has(p + "show_if.question"):
        _condition_overlay(q, f, p, earlier)
    for ci, c in enumerate(q.get("choices") or []):
        if not isinstance(c, dict):
            continue
        cp = f"{p}choices.{ci}."
        _set_text(c, "label", f, cp + "label", drop=False)
        if kind in ("score", "calculator"):
            _set_number(c, "value", f, cp + "value")
        if kind == "trivia" and f.has(cp + "correct"):
            c["correct"] = f.flag(cp + "correct")
        if kind == "personality" and any(f.has(f"{cp}points.{oi}") for oi in range(len(out_keys))):
            c["points"] = _points(c, f, cp, out_keys)


def _retype(q: dict[str, Any], f: Fields, name: str, kind: str) -> None:
    if f.has(name) and f.text(name) in QUESTION_TYPES.get(kind, ()):
        _type_change(q, f.text(name))


def _points(c: dict[str, Any], f: Fields, cp: str, out_keys: list[str]) -> dict[str, Any]:
    """The matrix row of a choice: its points per outcome (0 left out)."""
    points = {}
    for oi, okey in enumerate(out_keys):
        raw = f.text(f"{cp}points.{oi}") if f.has(f"{cp}points.{oi}") else ""
        n = _number(raw) if raw.strip() else (c.get("points") or {}).get(okey, 0)
        if isinstance(n, int | float) and n:
            points[okey] = n
    return points


def _variable_overlay(v: dict[str, Any], f: Fields, p: str) -> list[tuple[str, str]]:
    """Lay a value's fields over it; its rename (old, new), applied by the caller last."""
    renamed = []
    if f.has(p + "name"):
        # A value's name is its key: the author names it, the studio makes it a key.
        key = slug_of(f.text(p + "name"), sep="_")[:40]
        if key and not key[0].isalpha():
            key = f"v_{key}"[:40]
        if key and key != v.get("key"):
            if v.get("key"):
                renamed.append((str(v["key"]), key))
            v["key"] = key
    _set_text(v, "expr", f, p + "expr", drop=False)
    return renamed


def _condition_overlay(q: dict[str, Any], f: Fields, p: str, earlier: list[Any]) -> None:
    raw = f.text(p + "show_if.question")
    if not raw.isdigit() or int(raw) >= len(earlier) or not isinstance(earlier[int(raw)], dict):
        q.pop("show_if", None)
        return
    source = earlier[int(raw)]
    choices = source.get("choices") or []
    picked = [
        str(choices[int(i)].get("key"))
        for i in f.values(p + "show_if.choices")
        if i.isdigit() and int(i) < len(choices) and isinstance(choices[int(i)], dict)
    ]
    q["show_if"] = {"question": str(source.get("key")), "choices": picked}


def choice_blank() -> dict[str, Any]:
    return {"key": "", "label": ""}


def _type_change(q: dict[str, Any], new: str) -> None:
    """A question's type changed: keep what still applies, add what the new type needs."""
    old = q.get("type")
    if old == new:
        return
    q["type"] = new
    for key in ("min", "max", "step", "unit", "max_length", "min_choices", "max_choices"):
        q.pop(key, None)
    if new in ("single", "multi"):
        if not q.get("choices"):
            q["choices"] = [choice_blank(), choice_blank()]
    else:
        q.pop("choices", None)
    if new == "number":
        q.update(min=0, max=100)
    if new == "text":
        q["required"] = False
        q["max_length"] = 40
    elif old == "text":
        q["required"] = True


def personality_points(choice: Mapping[str, Any], outcome_keys: list[str]) -> list[int]:
    """The choice's points per outcome, in the outcomes' order, as the matrix shows them."""
    points = choice.get("points") if isinstance(choice.get("points"), dict) else {}
    out = []
    for key in outcome_keys:
        n = points.get(key, 0) if isinstance(points, dict) else 0
        out.append(int(n) if isinstance(n, int | float) else 0)
    return out


def document_image_set(document: Doc, target: str, name: str | None) -> Doc:
    """The document with the image at `target` (a studio image field: `cover`,
    `card-image`, `o-2-card-image`, `questions.1.image`, `questions.1.choices.0.image`) set
    to the stored file `name`, or removed. KeyError for a target the document does not have."""
    doc = copy.deepcopy(document)
    holder: dict[str, Any]
    key = "image"
    if target == "cover":
        holder, key = doc, "cover"
    elif target == "card-image":
        holder = doc.setdefault("card", {})
    elif m := re.fullmatch(r"o-(\d+)-card-image", target):
        holder = doc["outcomes"][int(m.group(1))].setdefault("card", {})
    elif m := re.fullmatch(r"questions\.(\d+)\.image", target):
        holder = doc["questions"][int(m.group(1))]
    elif m := re.fullmatch(r"questions\.(\d+)\.choices\.(\d+)\.image", target):
        holder = doc["questions"][int(m.group(1))]["choices"][int(m.group(2))]
    else:
        raise KeyError(target)
    if not isinstance(holder, dict):
        raise KeyError(target)
    if name:
        holder[key] = name
    else:
        holder.pop(key, None)
    for card_holder in [doc, *(doc.get("outcomes") or [])]:
        if isinstance(card_holder, dict) and card_holder.get("card") == {}:
            card_holder.pop("card")  # an image removed from an otherwise empty card
    return doc
