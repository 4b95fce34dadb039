"""What changed between two quizbuilder/1 documents, in words a reviewer reads.

`version_diff(old=live definition, new=draft document)` lists the changes to texts, questions
and answers (added, removed, changed, moved), scoring (points, values, right answers, score
bands, formulas) and the card. Pure: no database, no request. Keys match items across the two
versions (the studio keeps them stable once published), so a renamed answer is "changed", not
"removed and added". The strings are translated when the function runs (call it in a request).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ChangeKind = Literal["new", "added", "removed", "changed", "moved"]

# Keys that say what an item is; every other key is compared as a setting.
_SKIP_QUESTION = {"key", "choices"}
_SKIP_CHOICE = {"key"}
_SKIP_OUTCOME = {"key", "card"}
_TOP = (
    "title",
    "description",
    "kind",
    "language",
    "retention_days",
    "cover",
    "feedback",
    "theme",
)


@dataclass(frozen=True)
class Change:
    """One difference: `where` it is (e.g. 'Question 2 “Perfect Saturday?”'), `what` changed
    in a plain sentence, and the `old` / `new` text when there is one to show."""

    kind: ChangeKind
    where: str
    what: str
    old: str = ""
    new: str = ""


def _labels() -> dict[str, str]:
    # Built per call so they are translated in the request's language.
    return {
        "title": _("Title"),
        "description": _("Description"),
        "kind": _("Kind of quiz"),
        "language": _("Language"),
        "retention_days": _("Days answers are kept"),
        "cover": _("Cover image"),
        "theme": _("Theme"),
        "prompt": _("Question text"),
        "help": _("Help text"),
        "type": _("Question type"),
        "required": _("Required"),
        "min": _("Lowest"),
        "max": _("Highest"),
        "step": _("Step"),
        "unit": _("Unit"),
        "max_length": _("Longest answer"),
        "min_choices": _("Fewest answers to pick"),
        "max_choices": _("Most answers to pick"),
        "label": _("Answer text"),
        "value": _("Value"),
        "correct": _("Right answer"),
        "points": _("Points"),
        "expr": _("Formula"),
        "when": _("Shown when (formula)"),
        "headline": _("Card headline"),
        "subline": _("Card subline"),
        "background": _("Card background colour"),
        "gradient_to": _("Card gradient colour"),
        "text_color": _("Card text colour"),
        "image": _("Image"),
        "explanation": _("Explanation"),
        "feedback": _("Right or wrong after each question"),
    }


def _show(value: Any) -> str:
    if value is None or value == "" or value == {} or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_show(v) for v in value)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    # A file may leave out what the normalised definition spells as its default.
    empty: tuple[Any, ...] = (None, "", {}, [])
    if a in empty and b in empty:
        return True
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return bool(a == b)


def _get(item: Mapping[str, Any], name: str) -> Any:
    """A key's value, or the default a file that leaves it out gets (quiz-format.md), so a
    draft's raw document compares equal to the normalised live definition."""
    if name in item:
        return item[name]
    if name == "required":
        return item.get("type") != "text"
    if name == "max_length" and item.get("type") == "text":
        return 40
    return {"value": 0, "correct": False, "language": "en"}.get(name)


def _fields(
    out: list[Change],
    where: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    skip: set[str],
    names: Mapping[str, str] | None = None,
) -> None:
    labels = {**_labels(), **(names or {})}
    for name in [*old, *(k for k in new if k not in old)]:
        a, b = _get(old, name), _get(new, name)
        if name in skip or _same(a, b):
            continue
        label = labels.get(name, name.replace("_", " "))
        if name == "correct":
            what = _("now marked as a right answer") if b else _("no longer a right answer")
            out.append(Change("changed", where, what))
        elif name == "points":
            _points(out, where, a or {}, b or {})
        else:
            what = _("%(field)s changed") % {"field": label}
            out.append(Change("changed", where, what, _show(a), _show(b)))


def _points(out: list[Change], where: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    for outcome in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(outcome, 0), new.get(outcome, 0)
        if not _same(a or 0, b or 0):
            what = _("points for the result “%(outcome)s” changed") % {"outcome": outcome}
            out.append(Change("changed", where, what, _show(a or 0), _show(b or 0)))


def _quote(text: Any) -> str:
    text = str(text or "").strip()
    return f"“{text[:60]}{'…' if len(text) > 60 else ''}”" if text else ""


def _items(
    out: list[Change],
    old: Sequence[Mapping[str, Any]],
    new: Sequence[Mapping[str, Any]],
    *,
    name: str,
    text_key: str,
    compare: Any,
) -> None:
    """Match the items of a list by key: removed, added, moved, then each kept one compared."""
    old_by = {str(i.get("key")): i for i in old}
    new_by = {str(i.get("key")): i for i in new}
    old_pos = {k: n for n, k in enumerate(old_by, 1)}
    new_pos = {k: n for n, k in enumerate(new_by, 1)}

    def where(key: str, item: Mapping[str, Any], pos: int) -> str:
        return f"{name} {pos} {_quote(item.get(text_key))}".strip()

    for key, item in old_by.items():
        if key not in new_by:
            out.append(Change("removed", where(key, item, old_pos[key]), _("removed")))
    kept_old = [k for k in old_by if k in new_by]
    kept_new = [k for k in new_by if k in old_by]
    matcher = difflib.SequenceMatcher(a=kept_old, b=kept_new, autojunk=False)
    blocks = matcher.get_matching_blocks()
    in_place = {k for b in blocks for k in kept_new[b.b : b.b + b.size]}
    for key, item in new_by.items():
        here = where(key, item, new_pos[key])
        if key not in old_by:
            out.append(Change("added", here, _("added")))
            continue
        if key not in in_place:
            what = _("moved from position %(old)s to %(new)s") % {
                "old": old_pos[key],
                "new": new_pos[key],
            }
            out.append(Change("moved", here, what))
        compare(out, here, old_by[key], item)


Item = Mapping[str, Any]


def _question(out: list[Change], where: str, old: Item, new: Item) -> None:
    _fields(out, where, old, new, _SKIP_QUESTION)
    _items(
        out,
        old.get("choices") or [],
        new.get("choices") or [],
        name=f"{where} · {_('answer')}",
        text_key="label",
        compare=lambda o, w, a, b: _fields(o, w, a, b, _SKIP_CHOICE),
    )


def _outcome(out: list[Change], where: str, old: Item, new: Item) -> None:
    _fields(out, where, old, new, _SKIP_OUTCOME)
    _fields(out, f"{where} · {_('card')}", old.get("card") or {}, new.get("card") or {}, set())


def _summary(new: Mapping[str, Any]) -> list[Change]:
    questions = new.get("questions") or []
    answers = sum(len(q.get("choices") or []) for q in questions)
    outcomes = new.get("outcomes") or []
    counts = {
        "questions": ngettext("%(n)s question", "%(n)s questions", len(questions))
        % {"n": len(questions)},
        "answers": ngettext("%(n)s answer", "%(n)s answers", answers) % {"n": answers},
        "outcomes": ngettext("%(n)s result", "%(n)s results", len(outcomes)) % {"n": len(outcomes)},
    }
    what = _("Everything is new: %(questions)s, %(answers)s, %(outcomes)s.") % counts
    return [Change("new", _quote(new.get("title")), what)]


def version_diff(*, old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[Change]:
    """The changes that turn `old` (the live version's definition; None for a first version)
    into `new` (the version in review), in reading order: the quiz's texts, its questions and
    their answers, formulas, results and the card. [] when nothing changed."""
    if not old:
        return _summary(new)
    out: list[Change] = []
    top_old = {k: old[k] for k in _TOP if k in old}
    top_new = {k: new[k] for k in _TOP if k in new}
    _fields(out, _("Quiz"), top_old, top_new, set())
    _items(
        out,
        old.get("questions") or [],
        new.get("questions") or [],
        name=_("Question"),
        text_key="prompt",
        compare=_question,
    )
    _items(
        out,
        old.get("variables") or [],
        new.get("variables") or [],
        name=_("Formula"),
        text_key="key",
        # A value's label is what the result page calls it, not an answer's text.
        compare=lambda o, w, a, b: _fields(o, w, a, b, {"key"}, {"label": _("Shown as")}),
    )
    _items(
        out,
        old.get("outcomes") or [],
        new.get("outcomes") or [],
        name=_("Result"),
        text_key="title",
        compare=_outcome,
    )
    _fields(out, _("Card"), old.get("card") or {}, new.get("card") or {}, set())
    return out
