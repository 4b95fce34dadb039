"""Keys made from labels: an item's key follows its label while it is one the studio made
(a placeholder such as `q3`, or the label's own slug) and the item was never published; a
renamed key is renamed wherever the document names it (see quizzes.authoring.document)."""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Names an expression may already mean: a question or a value cannot take them.
RESERVED = frozenset(
    {"score", "max_score", "outcome", "min", "max", "abs", "round", "floor", "ceil", "clamp"}
    | {"and", "or", "not", "if", "else", "true", "false", "none", "in", "is", "lambda"}
)
PLACEHOLDER_RE = re.compile(r"(q|a|r|v)\d+\Z")

Doc = dict[str, Any]


def slug_of(label: str, *, sep: str) -> str:
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", sep, text).strip(sep)


KEY_WORDS_MAX = 24


def _short(slug: str) -> str:
    """A slug short enough to read in a formula: whole words up to KEY_WORDS_MAX characters
    ("how_many_cups_a_week" from "How many cups do you drink a week?")."""
    if len(slug) <= KEY_WORDS_MAX:
        return slug.strip("-_")
    cut = slug[: KEY_WORDS_MAX + 1]
    boundary = max(cut.rfind("_"), cut.rfind("-"))
    return (cut[:boundary] if boundary > 8 else slug[:KEY_WORDS_MAX]).strip("-_")


def key_from(label: str, *, taken: Iterable[str], prefix: str, item: bool) -> str:
    """A key for an item labelled `label`, not in `taken`: the label's slug (a-z first for
    questions and values), else `prefix` + a number (a Chinese label has no latin slug)."""
    taken = set(taken)
    base = _short(slug_of(label, sep="-" if item else "_"))
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
    base = _short(slug_of(label, sep="-" if item else "_"))
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
        if isinstance(o.get("cta"), dict):
            yield o["cta"], "label"
    if isinstance(doc.get("card"), dict):
        yield doc["card"], "headline"
        yield doc["card"], "subline"
    if isinstance(doc.get("cta"), dict):
        yield doc["cta"], "label"


def name_rename(doc: Doc, old: str, new: str) -> None:
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


def _relabel(
    items: list[dict[str, Any]],
    before: list[Any],
    *,
    fixed: frozenset[str],
    label: str,
    prefix: str,
    item: bool,
    taken: set[str],
) -> list[tuple[str, str]]:
    """Give each item whose key may follow its label the key of its label now; the renames.
    An item is judged on how it was before (found by its key: moves shift positions)."""
    renames = []
    for x in items:
        key = str(x.get("key") or "")
        old = next((y for y in before if isinstance(y, dict) and y.get("key") == key), None)
        was = str(old.get(label, "")) if old is not None else ""
        if key in fixed or not _follows_label(key, was, item=item):
            continue
        taken.discard(key)
        new = key_from(str(x.get(label, "")), taken=taken, prefix=prefix, item=item)
        taken.add(new)
        if new != key:
            x["key"] = new
            if key:
                renames.append((key, new))
    return renames


def document_keys_assign(*, document: Doc, previous: Doc, fixed: FixedKeys) -> Doc:
    """`document` with each item's key following its label where the key may follow (see the
    module's doc), judged on `previous` (the document before this edit)."""
    doc = copy.deepcopy(document)
    before_q = previous.get("questions") or []
    # Questions and values share the names an expression may use.
    names = [q for q in doc.get("questions") or [] if isinstance(q, dict)]
    values = [v for v in doc.get("variables") or [] if isinstance(v, dict)]
    taken = {str(x.get("key", "")) for x in names + values} | RESERVED
    for old, new in _relabel(
        names, before_q, fixed=fixed.questions, label="prompt", prefix="q", item=False, taken=taken
    ):
        name_rename(doc, old, new)
    for v in values:
        key = str(v.get("key") or "")
        if key in fixed.variables or (not PLACEHOLDER_RE.match(key) and key):
            continue  # a value's name is what the author typed (see document_overlay)
        taken.discard(key)
        v["key"] = key_from("", taken=taken, prefix="v", item=False)
        taken.add(v["key"])
    for q in names:
        choices = [c for c in q.get("choices") or [] if isinstance(c, dict)]
        old_q = next((x for x in before_q if isinstance(x, dict) and x.get("key") == q["key"]), {})
        renames = _relabel(
            choices,
            old_q.get("choices") or [],
            fixed=fixed.choices.get(str(q.get("key")), frozenset()),
            label="label",
            prefix="a",
            item=True,
            taken={str(c.get("key", "")) for c in choices},
        )
        for other in names:
            cond = other.get("show_if")
            if renames and isinstance(cond, dict) and cond.get("question") == q.get("key"):
                moved = dict(renames)
                cond["choices"] = [moved.get(k, k) for k in cond.get("choices", [])]
    outcomes = [o for o in doc.get("outcomes") or [] if isinstance(o, dict)]
    moved = dict(
        _relabel(
            outcomes,
            previous.get("outcomes") or [],
            fixed=fixed.outcomes,
            label="title",
            prefix="r",
            item=True,
            taken={str(o.get("key", "")) for o in outcomes},
        )
    )
    for c in (c for q in names for c in q.get("choices") or [] if isinstance(c, dict)):
        if moved and isinstance(c.get("points"), dict):
            c["points"] = {moved.get(k, k): n for k, n in c["points"].items()}
    return doc
