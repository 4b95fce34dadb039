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
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CARD_FIELDS = ("headline", "subline", "background", "gradient_to", "text_color")
# What a colour picker shows for a colour not set (a picker cannot be empty): posted back
# unchanged it still means "not set", so the card keeps inheriting the quiz's or the site's.
CARD_COLOUR_SHOWN = {"background": "#4338ca", "gradient_to": "#4338ca", "text_color": "#ffffff"}
# Names an expression may already mean: a question or a value cannot take them.
RESERVED = frozenset(
    {"score", "max_score", "outcome", "min", "max", "abs", "round", "floor", "ceil", "clamp"}
    | {"and", "or", "not", "if", "else", "true", "false", "none", "in", "is", "lambda"}
)
QUESTION_TYPES = {
    "personality": ("single", "multi"),
    "score": ("single", "multi", "number"),
    "trivia": ("single", "multi"),
    "calculator": ("number", "single", "multi", "text"),
}
PLACEHOLDER_RE = re.compile(r"(q|a|r|v)\d+\Z")
MAX_POINTS = 3

Doc = dict[str, Any]


# --- keys --------------------------------------------------------------------------------


def _slug(label: str, *, sep: str) -> str:
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", sep, text).strip(sep)


def key_from(label: str, *, taken: Iterable[str], prefix: str, item: bool) -> str:
    """A key for an item labelled `label`, not in `taken`: the label's slug (a-z first for
    questions and values), else `prefix` + a number (a Chinese label has no latin slug)."""
    taken = set(taken)
    base = _slug(label, sep="-" if item else "_")[:36].strip("-_")
    if base and not item and not base[0].isalpha():
        base = f"{prefix}_{base}"[:36]
    if base and not item and base in RESERVED:
        base = f"{base}_{prefix}"
    if not base:
        n = 1
        while f"{prefix}{n}" in taken:
            n += 1
        return f"{prefix}{n}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{'-' if item else '_'}{n}"
    return key


def _follows_label(key: str, label: str, *, item: bool) -> bool:
    """Whether `key` is one the studio made for `label` (and may follow a new label)."""
    if not key or PLACEHOLDER_RE.match(key):
        return True
    base = _slug(label, sep="-" if item else "_")[:36].strip("-_")
    if not base:
        return False
    return re.fullmatch(re.escape(base) + r"(?:[-_]\d+)?|[a-z]_" + re.escape(base), key) is not None


@dataclass(frozen=True)
class FixedKeys:
    """The keys the live version publishes: they never change (files, API, results)."""

    questions: frozenset[str] = frozenset()
    variables: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)


def fixed_keys(live: Mapping[str, Any] | None) -> FixedKeys:
    if not live:
        return FixedKeys()
    questions = live.get("questions") or []
    return FixedKeys(
        questions=frozenset(q["key"] for q in questions),
        variables=frozenset(v["key"] for v in live.get("variables") or []),
        outcomes=frozenset(o["key"] for o in live.get("outcomes") or []),
        choices={q["key"]: frozenset(c["key"] for c in q.get("choices") or []) for q in questions},
    )


def _name_replace(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![A-Za-z0-9_.]){re.escape(old)}(?![A-Za-z0-9_])", new, text)


def _template_replace(text: str, old: str, new: str) -> str:
    return re.sub(r"(?<!\{)\{" + re.escape(old) + r"(?=[:}])", "{" + new, text)


def _texts(doc: Doc) -> Iterable[tuple[dict[str, Any], str]]:
    """Every (holder, key) of a text that may hold {placeholders}."""
    for o in doc.get("outcomes") or []:
        yield o, "title"
        yield o, "description"
        if isinstance(o.get("card"), dict):
            yield o["card"], "headline"
            yield o["card"], "subline"
    if isinstance(doc.get("card"), dict):
        yield doc["card"], "headline"
        yield doc["card"], "subline"


def _rename_name(doc: Doc, old: str, new: str) -> None:
    for v in doc.get("variables") or []:
        if isinstance(v.get("expr"), str):
            v["expr"] = _name_replace(v["expr"], old, new)
    for o in doc.get("outcomes") or []:
        if isinstance(o.get("when"), str):
            o["when"] = _name_replace(o["when"], old, new)
    for holder, key in _texts(doc):
        if isinstance(holder.get(key), str):
            holder[key] = _template_replace(holder[key], old, new)
    for q in doc.get("questions") or []:
        cond = q.get("show_if")
        if isinstance(cond, dict) and cond.get("question") == old:
            cond["question"] = new


def document_keys_assign(*, document: Doc, previous: Doc, fixed: FixedKeys) -> Doc:
    """`document` with each item's key following its label where the key may follow (see the
    module's doc), judged on `previous` (the same items before this edit, by position)."""
    doc = copy.deepcopy(document)
    before_q = previous.get("questions") or []
    before_o = previous.get("outcomes") or []

    def follows(items: list[Any], key: str, label_of: Callable[[Any], str], item: bool) -> bool:
        # The item as it was (found by its key: a move or a duplicate shifts positions).
        old = next((x for x in items if isinstance(x, dict) and x.get("key") == key), None)
        return _follows_label(key, label_of(old) if old is not None else "", item=item)

    # Questions and values share the names an expression may use.
    names = [q for q in doc.get("questions") or [] if isinstance(q, dict)]
    values = [v for v in doc.get("variables") or [] if isinstance(v, dict)]
    taken = {str(x.get("key", "")) for x in names + values} | RESERVED
    for q in names:
        key = str(q.get("key") or "")
        if key in fixed.questions or not follows(
            before_q, key, lambda x: str(x.get("prompt", "")), False
        ):
            continue
        taken.discard(key)
        new = key_from(str(q.get("prompt", "")), taken=taken, prefix="q", item=False)
        taken.add(new)
        if new != key:
            q["key"] = new
            if key:
                _rename_name(doc, key, new)
    for v in values:
        key = str(v.get("key") or "")
        if key in fixed.variables or (not PLACEHOLDER_RE.match(key) and key):
            continue  # a value's name is what the author typed (see document_overlay)
        taken.discard(key)
        new = key_from("", taken=taken, prefix="v", item=False)
        taken.add(new)
        v["key"] = new
    for q in names:
        choices = [c for c in q.get("choices") or [] if isinstance(c, dict)]
        old_q = next(
            (x for x in before_q if isinstance(x, dict) and x.get("key") == q.get("key")), {}
        )
        fixed_c = fixed.choices.get(str(q.get("key")), frozenset())
        taken_c = {str(c.get("key", "")) for c in choices}
        for c in choices:
            key = str(c.get("key") or "")
            if key in fixed_c or not follows(
                old_q.get("choices") or [], key, lambda x: str(x.get("label", "")), True
            ):
                continue
            taken_c.discard(key)
            new = key_from(str(c.get("label", "")), taken=taken_c, prefix="a", item=True)
            taken_c.add(new)
            if new != key:
                c["key"] = new
                for other in names:
                    cond = other.get("show_if")
                    if isinstance(cond, dict) and cond.get("question") == q.get("key"):
                        cond["choices"] = [new if k == key else k for k in cond.get("choices", [])]
    outcomes = [o for o in doc.get("outcomes") or [] if isinstance(o, dict)]
    taken_o = {str(o.get("key", "")) for o in outcomes}
    for o in outcomes:
        key = str(o.get("key") or "")
        if key in fixed.outcomes or not follows(
            before_o, key, lambda x: str(x.get("title", "")), True
        ):
            continue
        taken_o.discard(key)
        new = key_from(str(o.get("title", "")), taken=taken_o, prefix="r", item=True)
        taken_o.add(new)
        if new != key:
            o["key"] = new
            for q in names:
                for c in q.get("choices") or []:
                    points = c.get("points") if isinstance(c, dict) else None
                    if isinstance(points, dict) and key in points:
                        c["points"] = {new if k == key else k: n for k, n in points.items()}
    return doc


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
        self._lists: dict[str, list[str]] = {
            k: [str(x) for x in (getlist(k) if getlist else [data[k]])] for k in data
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


def document_overlay(*, document: Doc, data: Mapping[str, Any]) -> Doc:
    """The document with the posted form's fields laid over it. Items are matched by
    position (the page was drawn from this revision); a field not posted is left as it is."""
    doc = copy.deepcopy(document)
    f = Fields(data)
    for key in ("title", "description"):
        _set_text(doc, key, f, key, drop=False)
    _set_text(doc, "language", f, "language", drop=False)
    _set_number(doc, "retention_days", f, "retention_days")
    _card_overlay(doc, f, "card-")
    outcomes = doc.get("outcomes") or []
    out_keys = [str(o.get("key", "")) if isinstance(o, dict) else "" for o in outcomes]
    questions = doc.get("questions") or []
    for qi, q in enumerate(questions):
        if not isinstance(q, dict):
            continue
        p = f"questions.{qi}."
        if f.has(p + "type") and f.text(p + "type") in QUESTION_TYPES["calculator"]:
            _type_change(q, f.text(p + "type"))
        _set_text(q, "prompt", f, p + "prompt", drop=False)
        for key in ("help", "unit", "explanation"):
            _set_text(q, key, f, p + key, drop=True)
        for key in ("min", "max", "step", "max_length", "min_choices", "max_choices"):
            _set_number(q, key, f, p + key)
        if f.has(p + "required"):
            q["required"] = f.flag(p + "required")
        if f.has(p + "show_if.question"):
            _condition_overlay(q, f, p, questions[:qi])
        for ci, c in enumerate(q.get("choices") or []):
            if not isinstance(c, dict):
                continue
            cp = f"{p}choices.{ci}."
            _set_text(c, "label", f, cp + "label", drop=False)
            _set_number(c, "value", f, cp + "value")
            if f.has(cp + "correct"):
                c["correct"] = f.flag(cp + "correct")
            if any(f.has(f"{cp}points.{oi}") for oi in range(len(out_keys))):
                points = {}
                for oi, okey in enumerate(out_keys):
                    raw = f.text(f"{cp}points.{oi}") if f.has(f"{cp}points.{oi}") else ""
                    n = _number(raw) if raw.strip() else (c.get("points") or {}).get(okey, 0)
                    if isinstance(n, int | float) and n:
                        points[okey] = n
                c["points"] = points
    for vi, v in enumerate(doc.get("variables") or []):
        if not isinstance(v, dict):
            continue
        p = f"variables.{vi}."
        if f.has(p + "name"):
            name = f.text(p + "name")
            # A value's name is its key: the author names it, the studio makes it a key.
            key = _slug(name, sep="_")[:40]
            if key and not key[0].isalpha():
                key = f"v_{key}"[:40]
            if key and key != v.get("key"):
                if v.get("key"):
                    _rename_name(doc, str(v["key"]), key)
                v["key"] = key
        _set_text(v, "expr", f, p + "expr", drop=False)
    for oi, o in enumerate(outcomes):
        if not isinstance(o, dict):
            continue
        p = f"outcomes.{oi}."
        _set_text(o, "title", f, p + "title", drop=False)
        _set_text(o, "description", f, p + "description", drop=True)
        _set_text(o, "when", f, p + "when", drop=True)
        for key in ("min", "max"):
            _set_number(o, key, f, p + key)
        _card_overlay(o, f, f"o-{oi}-card-")
    return doc


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
            q["choices"] = [_choice_blank(), _choice_blank()]
    else:
        q.pop("choices", None)
    if new == "number":
        q.update(min=0, max=100)
    if new == "text":
        q["required"] = False
        q["max_length"] = 40
    elif old == "text":
        q["required"] = True


# --- structural changes -------------------------------------------------------------------


def _choice_blank(*, label: str = "") -> dict[str, Any]:
    return {"key": "", "label": label}


def question_blank(*, kind: str, qtype: str = "", outcomes: int = 0) -> dict[str, Any]:
    qtype = qtype if qtype in QUESTION_TYPES.get(kind, ()) else QUESTION_TYPES[kind][0]
    q: dict[str, Any] = {"key": "", "type": qtype, "prompt": ""}
    if qtype in ("single", "multi"):
        q["choices"] = [_choice_blank(), _choice_blank()]
        if kind == "personality":
            # Each new answer leans to a different result, so the blank already sorts people.
            for i, c in enumerate(q["choices"]):
                c["points"] = {} if not outcomes else {f"#{i % outcomes}": 1}
        if kind == "trivia":
            q["choices"][0]["correct"] = True
    elif qtype == "number":
        q.update(min=0, max=100)
    elif qtype == "text":
        q.update(required=False, max_length=40)
    return q


def _resolve_outcome_refs(doc: Doc) -> None:
    """`#<index>` in points (a new answer's lean) becomes that outcome's key."""
    keys = [o.get("key") for o in doc.get("outcomes") or [] if isinstance(o, dict)]
    for q in doc.get("questions") or []:
        for c in q.get("choices") or [] if isinstance(q, dict) else []:
            points = c.get("points") if isinstance(c, dict) else None
            if isinstance(points, dict):
                c["points"] = {
                    (
                        keys[int(k[1:])]
                        if k.startswith("#") and k[1:].isdigit() and int(k[1:]) < len(keys)
                        else k
                    ): n
                    for k, n in points.items()
                }


def outcome_blank(*, kind: str) -> dict[str, Any]:
    return {"key": "", "title": ""}


def document_blank(*, kind: str, title: str, slug: str, language: str) -> Doc:
    """A new quiz of `kind` with the least a quiz of that kind needs, fields left empty for
    the author: two results, one question (a calculator: one number, one value)."""
    outcomes = [outcome_blank(kind=kind), outcome_blank(kind=kind)]
    doc: Doc = {
        "format": "quizbuilder/1",
        "slug": slug,
        "language": language,
        "title": title,
        "description": "",
        "kind": kind,
        "questions": [question_blank(kind=kind, outcomes=2)],
        "outcomes": outcomes,
    }
    if kind in ("score", "trivia"):
        outcomes[0].update(min=0, max=0)
        outcomes[1].update(min=1, max=1)
        if kind == "score":
            for i, c in enumerate(doc["questions"][0]["choices"]):
                c["value"] = i
    if kind == "calculator":
        doc["variables"] = [{"key": "v1", "expr": ""}]
        doc["outcomes"] = [outcome_blank(kind=kind)]
    doc = document_keys_assign(document=doc, previous={}, fixed=FixedKeys())
    _resolve_outcome_refs(doc)
    return doc


class OpError(ValueError):
    """A structural change that does not fit the document (a stale page): nothing changes."""


def _index(raw: str, items: list[Any], *, end: bool = False) -> int:
    if not raw.lstrip("-").isdigit():
        raise OpError(raw)
    i = int(raw)
    if not 0 <= i < len(items) + (1 if end else 0):
        raise OpError(raw)
    return i


def _move(items: list[Any], i: int, to: int) -> None:
    items.insert(to, items.pop(i))


def document_apply(*, document: Doc, op: str, data: Mapping[str, Any]) -> tuple[Doc, str]:
    """The document after the structural change `op` (`question.add:single`,
    `choice.move:2:0:1`, ...; see the studio's buttons), and the id of the field to focus.

    Keys of new items are empty (document_keys_assign makes them). OpError for an op that
    does not fit (a stale page)."""
    doc = copy.deepcopy(document)
    f = Fields(data)
    kind = str(doc.get("kind", "personality"))
    name, _, rest = op.partition(":")
    args = rest.split(":") if rest else []
    questions: list[Any] = doc.setdefault("questions", [])
    outcomes: list[Any] = doc.setdefault("outcomes", [])
    try:
        what, action = name.split(".")
    except ValueError as exc:
        raise OpError(op) from exc
    focus = ""
    if what == "question":
        if action == "add":
            questions.append(
                question_blank(kind=kind, qtype=args[0] if args else "", outcomes=len(outcomes))
            )
            focus = f"questions.{len(questions) - 1}.prompt"
        else:
            i = _index(args[0] if args else "", questions)
            focus = _list_op(questions, i, action, args, prefix="questions", field="prompt")
            if action == "delete":
                gone = (document.get("questions") or [])[i]
                for q in questions:
                    cond = q.get("show_if") if isinstance(q, dict) else None
                    if isinstance(cond, dict) and cond.get("question") == gone.get("key"):
                        q.pop("show_if")
    elif what == "choice":
        qi = _index(args[0] if args else "", questions)
        q = questions[qi]
        choices: list[Any] = q.setdefault("choices", [])
        if action == "add":
            choice = _choice_blank()
            if kind == "personality" and outcomes:
                lean = f.text(f"questions.{qi}.lean")
                oi = int(lean) if lean.isdigit() and int(lean) < len(outcomes) else 0
                choice["points"] = {f"#{oi}": 1}
            choices.append(choice)
            focus = f"questions.{qi}.choices.{len(choices) - 1}.label"
        else:
            ci = _index(args[1] if len(args) > 1 else "", choices)
            focus = _list_op(
                choices, ci, action, args[1:], prefix=f"questions.{qi}.choices", field="label"
            )
    elif what == "outcome":
        if action == "add":
            outcome = outcome_blank(kind=kind)
            if kind in ("score", "trivia") and outcomes:
                top = outcomes[-1].get("max")
                if isinstance(top, int | float):
                    outcome.update(min=top + 1, max=top + 1)
            outcomes.append(outcome)
            focus = f"outcomes.{len(outcomes) - 1}.title"
        else:
            i = _index(args[0] if args else "", outcomes)
            gone = outcomes[i]
            focus = _list_op(outcomes, i, action, args, prefix="outcomes", field="title")
            if action == "delete":
                for q in questions:
                    for c in (q.get("choices") or []) if isinstance(q, dict) else []:
                        if isinstance(c, dict) and isinstance(c.get("points"), dict):
                            c["points"].pop(gone.get("key"), None)
    elif what == "variable":
        variables: list[Any] = doc.setdefault("variables", [])
        if action == "add":
            variables.append({"key": "", "expr": ""})
            focus = f"variables.{len(variables) - 1}.name"
        else:
            i = _index(args[0] if args else "", variables)
            focus = _list_op(variables, i, action, args, prefix="variables", field="name")
    else:
        raise OpError(op)
    _resolve_outcome_refs(doc)
    return doc, focus


def _list_op(items: list[Any], i: int, action: str, args: list[str], *, prefix: str, field: str):
    if action == "delete":
        items.pop(i)
        return f"{prefix}.{min(i, len(items) - 1)}.{field}" if items else ""
    if action == "duplicate":
        twin = copy.deepcopy(items[i])
        twin["key"] = ""
        for c in twin.get("choices") or []:
            if isinstance(c, dict):
                c["key"] = c.get("key", "")
        items.insert(i + 1, twin)
        return f"{prefix}.{i + 1}.{field}"
    if action == "move":
        to = _index(args[1] if len(args) > 1 else "", items)
        _move(items, i, to)
        return f"{prefix}.{to}.{field}"
    raise OpError(action)


def personality_points(choice: Mapping[str, Any], outcome_keys: list[str]) -> list[int]:
    """The choice's points per outcome, in the outcomes' order, as the matrix shows them."""
    points = choice.get("points") if isinstance(choice.get("points"), dict) else {}
    out = []
    for key in outcome_keys:
        n = points.get(key, 0) if isinstance(points, dict) else 0
        out.append(int(n) if isinstance(n, int | float) else 0)
    return out
