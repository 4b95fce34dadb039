"""Export: the canonical quizbuilder/1 file of a normalised definition (spec/quiz-format.md)."""

from __future__ import annotations

import math
from typing import Any

from quizzes.format.definition import Definition, Question, Variable
from quizzes.format.integration_checks import lead_export
from quizzes.format.quizfile import FORMAT


def quizfile_export(definition: Definition) -> dict[str, Any]:
    """The canonical file of a normalised definition: `format` first, keys in the spec's order,
    every default left out, whole numbers written without ".0".

    `quizfile_validate(quizfile_export(d))` gives back `d`.
    """
    d = definition
    out: dict[str, Any] = {"format": FORMAT, "slug": d["slug"]}
    _put(out, "language", d["language"], "en")
    out["title"] = d["title"]
    _put(out, "description", d["description"], "")
    _put(out, "cover", d.get("cover"), None)
    _put(out, "theme", dict(d["theme"]) if d.get("theme") else None, None)
    out["kind"] = d["kind"]
    _put(out, "retention_days", d.get("retention_days"), None)
    _put(out, "feedback", d.get("feedback"), None)
    out["questions"] = [_question_export(q) for q in d["questions"]]
    if d["variables"]:
        out["variables"] = [_variable_export(v) for v in d["variables"]]
    out["outcomes"] = []
    for o in d["outcomes"]:
        item: dict[str, Any] = {"key": o["key"], "title": o["title"]}
        _put(item, "description", o["description"], "")
        for key in ("min", "max", "when"):
            _put(item, key, _num(o[key]), None)
        _put(item, "card", dict(o["card"]), {})
        if "cta" in o:
            item["cta"] = {"label": o["cta"]["label"], "url": o["cta"]["url"]}
        out["outcomes"].append(item)
    _put(out, "card", dict(d["card"]), {})
    if "cta" in d:
        out["cta"] = {"label": d["cta"]["label"], "url": d["cta"]["url"]}
    if "lead" in d:
        out["lead"] = lead_export(dict(d["lead"]))
    return out


def _question_export(q: Question) -> dict[str, Any]:
    item: dict[str, Any] = {"key": q["key"], "type": q["type"], "prompt": q["prompt"]}
    _put(item, "image", q.get("image"), None)
    _put(item, "help", q["help"], "")
    _put(item, "required", q["required"], q["type"] != "text")
    if "show_if" in q:
        item["show_if"] = {"question": q["show_if"]["question"], "choices": q["show_if"]["choices"]}
    if q["type"] in ("single", "multi"):
        item["choices"] = []
        for c in q["choices"]:
            choice = {"key": c["key"], "label": c["label"]}
            _put(choice, "value", _num(c["value"]), 0)
            _put(choice, "points", {k: _num(v) for k, v in c["points"].items()}, {})
            _put(choice, "correct", c["correct"], False)
            _put(choice, "image", c.get("image"), None)
            item["choices"].append(choice)
    if q["type"] == "multi":
        _put(item, "min_choices", q["min_choices"], None)
        _put(item, "max_choices", q["max_choices"], None)
    elif q["type"] == "number":
        item["min"], item["max"] = _num(q["min"]), _num(q["max"])
        _put(item, "step", _num(q["step"]), None)
        _put(item, "unit", q["unit"], "")
    elif q["type"] == "text":
        _put(item, "max_length", q["max_length"], 40)
    _put(item, "explanation", q.get("explanation"), None)
    return item


def _variable_export(v: Variable) -> dict[str, Any]:
    item: dict[str, Any] = {"key": v["key"], "expr": v["expr"]}
    _put(item, "label", v.get("label"), None)
    _put(item, "unit", v.get("unit"), None)
    return item


def _put(target: dict[str, Any], key: str, value: Any, default: Any) -> None:
    if value != default:
        target[key] = value


def _num(value: Any) -> Any:
    """30.0 -> 30 so exported files read like hand-written ones; other values unchanged."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    return value
