"""Structural changes of a studio document (add, duplicate, delete, move) and the blank a
new quiz of each kind starts from."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from quizzes.authoring.document import QUESTION_TYPES, Doc, Fields, choice_blank
from quizzes.authoring.document_keys import FixedKeys, document_keys_assign


def question_blank(*, kind: str, qtype: str = "", outcomes: int = 0) -> dict[str, Any]:
    qtype = qtype if qtype in QUESTION_TYPES.get(kind, ()) else QUESTION_TYPES[kind][0]
    q: dict[str, Any] = {"key": "", "type": qtype, "prompt": ""}
    if qtype in ("single", "multi"):
        q["choices"] = [choice_blank(), choice_blank()]
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
    name, _, rest = op.partition(":")
    args = rest.split(":") if rest else []
    what, _, action = name.partition(".")
    handler = _OPS.get(what)
    if handler is None or action not in ("add", "duplicate", "delete", "move"):
        raise OpError(op)
    focus = handler(doc, action, args, Fields(data))
    _resolve_outcome_refs(doc)
    return doc, focus


def _question_op(doc: Doc, action: str, args: list[str], f: Fields) -> str:
    questions: list[Any] = doc.setdefault("questions", [])
    if action == "add":
        kind = str(doc.get("kind", "personality"))
        outcomes = len(doc.get("outcomes") or [])
        qtype = args[0] if args else ""
        questions.append(question_blank(kind=kind, qtype=qtype, outcomes=outcomes))
        return f"questions.{len(questions) - 1}.prompt"
    i = _index(args[0] if args else "", questions)
    gone = questions[i]
    focus = _list_op(questions, i, action, args, prefix="questions", field="prompt")
    if action == "delete":
        # A question shown only after the deleted one's answer is now always shown.
        for q in questions:
            cond = q.get("show_if") if isinstance(q, dict) else None
            if isinstance(cond, dict) and cond.get("question") == gone.get("key"):
                q.pop("show_if")
    return focus


def _choice_op(doc: Doc, action: str, args: list[str], f: Fields) -> str:
    questions: list[Any] = doc.setdefault("questions", [])
    outcomes = doc.get("outcomes") or []
    qi = _index(args[0] if args else "", questions)
    choices: list[Any] = questions[qi].setdefault("choices", [])
    if action != "add":
        ci = _index(args[1] if len(args) > 1 else "", choices)
        prefix = f"questions.{qi}.choices"
        return _list_op(choices, ci, action, args[1:], prefix=prefix, field="label")
    choice = choice_blank()
    if doc.get("kind") == "personality" and outcomes:
        # A new answer leans 1 to the result chosen in its row.
        lean = f.text(f"questions.{qi}.lean")
        oi = int(lean) if lean.isdigit() and int(lean) < len(outcomes) else 0
        choice["points"] = {f"#{oi}": 1}
    choices.append(choice)
    return f"questions.{qi}.choices.{len(choices) - 1}.label"


def _outcome_op(doc: Doc, action: str, args: list[str], f: Fields) -> str:
    outcomes: list[Any] = doc.setdefault("outcomes", [])
    if action == "add":
        outcome = outcome_blank(kind=str(doc.get("kind")))
        top = outcomes[-1].get("max") if outcomes and isinstance(outcomes[-1], dict) else None
        if doc.get("kind") in ("score", "trivia") and isinstance(top, int | float):
            outcome.update(min=top + 1, max=top + 1)  # the next band up
        outcomes.append(outcome)
        return f"outcomes.{len(outcomes) - 1}.title"
    i = _index(args[0] if args else "", outcomes)
    gone = outcomes[i]
    focus = _list_op(outcomes, i, action, args, prefix="outcomes", field="title")
    if action == "delete":
        for q in doc.get("questions") or []:
            for c in (q.get("choices") or []) if isinstance(q, dict) else []:
                if isinstance(c, dict) and isinstance(c.get("points"), dict):
                    c["points"].pop(gone.get("key"), None)
    return focus


def _variable_op(doc: Doc, action: str, args: list[str], f: Fields) -> str:
    variables: list[Any] = doc.setdefault("variables", [])
    if action == "add":
        variables.append({"key": "", "expr": ""})
        return f"variables.{len(variables) - 1}.name"
    i = _index(args[0] if args else "", variables)
    return _list_op(variables, i, action, args, prefix="variables", field="name")


_OPS: dict[str, Callable[[Doc, str, list[str], Fields], str]] = {
    "question": _question_op,
    "choice": _choice_op,
    "outcome": _outcome_op,
    "variable": _variable_op,
}


def _list_op(
    items: list[Any], i: int, action: str, args: list[str], *, prefix: str, field: str
) -> str:
    if action == "delete":
        items.pop(i)
        return f"{prefix}.{min(i, len(items) - 1)}.{field}" if items else ""
    if action == "duplicate":
        twin = copy.deepcopy(items[i])
        twin["key"] = ""  # made from its label (with a number: the label is its twin's)
        items.insert(i + 1, twin)
        return f"{prefix}.{i + 1}.{field}"
    if action == "move":
        to = _index(args[1] if len(args) > 1 else "", items)
        _move(items, i, to)
        return f"{prefix}.{to}.{field}"
    raise OpError(action)
