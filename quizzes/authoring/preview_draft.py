"""A best-effort definition of an unfinished draft, for the studio's previews only.

While a quiz is being built some field is nearly always empty, and a draft that breaks a rule
has no definition: the previews would be dead most of the time. `draft_for_preview` patches a
copy of the working document until it passes the importer's rules (an empty label becomes
the placeholder "Answer 2", a missing key is made up, a broken item is left out) and says
which pages still stand for the draft as typed. Nothing here is saved or published: the
rules themselves are unchanged, only publishing needs the real thing.

Placeholders are wrapped in two private-use characters (`PLACEHOLDER_START`, `_END`) so the
page renderer can show them muted (`placeholders_mark`) and the card renderer can drop the
marks (`placeholders_strip`).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from quizzes.authoring.rows import quiz_validate
from quizzes.format.checks import ITEM_KEY_RE, KEY_RE, Problem
from quizzes.format.definition import Definition
from quizzes.format.quizfile import LANGUAGE_RE
from quizzes.models import QuizVersion, VersionStatus

PLACEHOLDER_START = "\ue000"
PLACEHOLDER_END = "\ue001"
KINDS = ("personality", "score", "trivia", "calculator")
QUESTION_TYPES = ("single", "multi", "number", "text")
# Each round leaves out or patches what the last validation named; a draft needing more
# rounds than this is too broken to guess at (the problems list is shown instead).
ROUNDS = 8
_INDEXED = re.compile(r"(questions|outcomes|variables)\[(\d+)\](?:\.choices\[(\d+)\])?")
# Elements whose content is text only (a tag there would show as typed), then any tag.
_TEXT_OR_TAG = re.compile(r"(<(script|style|title|textarea|option)\b.*?</\2>|<[^>]*>)", re.S | re.I)
_MARKED = re.compile(f"{PLACEHOLDER_START}(.*?){PLACEHOLDER_END}", re.S)


@dataclass
class DraftPreview:
    """What the previews draw: `definition` (None when even a patched copy fails), the
    draft's real problems, and which of its questions and results the copy still holds
    (index in the copy -> index in the draft) and which results have problems of their own."""

    definition: Definition | None
    problems: list[Problem]
    questions: list[int] = field(default_factory=list)
    outcomes: list[int] = field(default_factory=list)
    broken_outcomes: frozenset[int] = frozenset()

    def question_index(self, draft_index: int) -> int | None:
        """The copy's index of the draft's question `draft_index` (past the end: the last)."""
        if not self.questions:
            return None
        draft_index = min(max(draft_index, 0), max(self.questions))
        return self.questions.index(draft_index) if draft_index in self.questions else None

    def outcome_index(self, draft_index: int) -> int | None:
        """The copy's index of the draft's result `draft_index`, None when that result's own
        texts break a rule (its page would not be the one a visitor sees)."""
        if not self.outcomes:
            return None
        draft_index = min(max(draft_index, 0), max(self.outcomes))
        if draft_index in self.broken_outcomes or draft_index not in self.outcomes:
            return None
        return self.outcomes.index(draft_index)


def _placeholder(text: str) -> str:
    return f"{PLACEHOLDER_START}{text}{PLACEHOLDER_END}"


def _blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def _key(item: dict[str, Any], taken: set[str], prefix: str, pattern: re.Pattern[str]) -> None:
    key = item.get("key")
    if not (isinstance(key, str) and pattern.match(key)) or key in taken:
        n = 1
        while f"{prefix}{n}" in taken:
            n += 1
        key = f"{prefix}{n}"
    item["key"] = key
    taken.add(key)


def _dicts(value: object) -> list[dict[str, Any]]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _fill(doc: dict[str, Any]) -> None:
    """Placeholders for empty labels, keys where missing, points only to results that exist."""
    if _blank(doc.get("title")):
        doc["title"] = _placeholder(_("Untitled quiz"))
    outcomes = doc["outcomes"]
    taken: set[str] = set()
    for i, o in enumerate(outcomes):
        _key(o, taken, "r", KEY_RE)
        if _blank(o.get("title")):
            o["title"] = _placeholder(_("Result %(n)s") % {"n": i + 1})
    outcome_keys = set(taken)
    names: set[str] = set()
    for i, q in enumerate(doc["questions"]):
        _key(q, names, "q", KEY_RE)
        if _blank(q.get("prompt")):
            q["prompt"] = _placeholder(_("Question %(n)s") % {"n": i + 1})
        if "choices" not in q:
            continue
        q["choices"] = _dicts(q["choices"])
        keys: set[str] = set()
        for j, c in enumerate(q["choices"]):
            _key(c, keys, "a", ITEM_KEY_RE)
            if _blank(c.get("label")):
                c["label"] = _placeholder(_("Answer %(n)s") % {"n": j + 1})
            points = c.get("points")
            if isinstance(points, dict):
                c["points"] = {
                    k: v
                    for k, v in points.items()
                    if k in outcome_keys and isinstance(v, int | float) and not isinstance(v, bool)
                }
    for v in doc.get("variables") or []:
        _key(v, names, "v", KEY_RE)
        if _blank(v.get("expr")):
            v["expr"] = "0"


def _start(document: object) -> dict[str, Any] | None:
    if not isinstance(document, dict) or document.get("kind") not in KINDS:
        return None
    doc = copy.deepcopy(document)
    doc["format"] = "quizbuilder/1"
    if not (isinstance(doc.get("slug"), str) and re.fullmatch(r"[a-z0-9-]{1,60}", doc["slug"])):
        doc["slug"] = "preview"
    doc["questions"] = _dicts(doc.get("questions"))
    doc["outcomes"] = _dicts(doc.get("outcomes"))
    if "variables" in doc:
        doc["variables"] = _dicts(doc["variables"])
    return doc


class _Stuck(Exception):
    """A problem the preview cannot work around."""


def _repair(doc: dict[str, Any], problems: list[Problem], origin: dict[str, list[int]]) -> None:
    """Leave out or patch what each problem names; _Stuck when something cannot be."""
    drop: dict[str, set[int]] = {"questions": set(), "outcomes": set(), "variables": set()}
    drop_choices: set[tuple[int, int]] = set()
    for p in problems:
        match = _INDEXED.match(p.path)
        if match and match.group(3) is not None:
            drop_choices.add((int(match.group(2)), int(match.group(3))))
        elif match and match.group(1) == "variables":
            doc["variables"][int(match.group(2))]["expr"] = "0"
            if p.path.endswith(".expr"):
                continue
            drop["variables"].add(int(match.group(2)))
        elif match:
            drop[match.group(1)].add(int(match.group(2)))
        else:
            _repair_top(doc, p)
    for qi, ci in sorted(drop_choices, reverse=True):
        choices = doc["questions"][qi].get("choices")
        if qi in drop["questions"] or not isinstance(choices, list) or ci >= len(choices):
            continue
        if len(choices) > 1:
            del choices[ci]
        else:
            drop["questions"].add(qi)
    for name, indexes in drop.items():
        if not indexes:
            continue
        items = doc.get(name) or []
        kept = [i for i in range(len(items)) if i not in indexes]
        if name != "variables" and not kept:
            raise _Stuck
        doc[name] = [items[i] for i in kept]
        if name in origin:
            origin[name] = [origin[name][i] for i in kept]


def _repair_top(doc: dict[str, Any], problem: Problem) -> None:
    name = re.split(r"[.\[]", problem.path, maxsplit=1)[0]
    if name in ("questions", "outcomes", "$", ""):
        if doc["kind"] == "trivia" and name == "questions":
            _trivia_mark_one(doc)
        elif doc["kind"] in ("score", "trivia") and name == "outcomes":
            # Bands that leave gaps: the preview's copy lets every score land somewhere.
            for o in doc["outcomes"]:
                o.pop("min", None)
                o.pop("max", None)
        elif name == "$" and "title" not in doc:
            doc["title"] = _placeholder(_("Untitled quiz"))
        else:
            raise _Stuck
    elif name in ("format", "slug", "title", "kind"):
        raise _Stuck
    else:
        doc.pop(name, None)


def _trivia_mark_one(doc: dict[str, Any]) -> None:
    for q in doc["questions"]:
        choices = q.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict):
            choices[0]["correct"] = True
            return
    raise _Stuck


def _broken_outcomes(document: object, problems: list[Problem]) -> frozenset[int]:
    """The results whose own texts break a rule; an empty title does not count (its page
    shows the placeholder "Result 2")."""
    raw = document.get("outcomes") if isinstance(document, dict) else None
    raw = raw if isinstance(raw, list) else []
    broken: set[int] = set()
    for p in problems:
        match = _INDEXED.match(p.path)
        if match is None or match.group(1) != "outcomes":
            continue
        i = int(match.group(2))
        item = raw[i] if i < len(raw) else None
        empty_title = isinstance(item, dict) and _blank(item.get("title"))
        if p.path == f"outcomes[{i}].title" and empty_title:
            continue
        broken.add(i)
    return frozenset(broken)


def draft_for_preview(document: object) -> DraftPreview:
    """The draft as a definition when valid; else the nearest valid copy, best effort."""
    definition, problems = quiz_validate(document)
    if definition is not None:
        n_q, n_o = len(definition["questions"]), len(definition["outcomes"])
        return DraftPreview(definition, [], list(range(n_q)), list(range(n_o)))
    broken = _broken_outcomes(document, problems)
    doc = _start(document)
    if doc is None:
        return DraftPreview(None, problems)
    origin = {
        "questions": list(range(len(doc["questions"]))),
        "outcomes": list(range(len(doc["outcomes"]))),
    }
    try:
        for _round in range(ROUNDS):
            _fill(doc)
            patched, left = quiz_validate(doc)
            if patched is not None:
                return DraftPreview(
                    patched, problems, origin["questions"], origin["outcomes"], broken
                )
            _repair(doc, left, origin)
    except (_Stuck, IndexError, KeyError, TypeError, AttributeError):
        pass
    return DraftPreview(None, problems)


def version_preview(*, version: QuizVersion, document: object) -> DraftPreview:
    """What the previews of `version` draw: a published version as frozen, else its working
    `document` (version_file_data) best effort."""
    if version.status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED) and version.definition:
        frozen = version.definition
        n_q, n_o = len(frozen["questions"]), len(frozen["outcomes"])
        return DraftPreview(frozen, [], list(range(n_q)), list(range(n_o)))
    # The placeholders are shown in the quiz's pages: in the quiz's language.
    language = document.get("language") if isinstance(document, dict) else None
    if not (isinstance(language, str) and LANGUAGE_RE.match(language)):
        language = None
    with translation.override(language or translation.get_language()):
        return draft_for_preview(document)


def placeholders_mark(html: str) -> str:
    """Placeholders in a rendered page shown as muted text (in text only: inside a tag, a
    script or a style, the marks are dropped)."""
    out: list[str] = []
    last = 0
    for match in _TEXT_OR_TAG.finditer(html):
        text = html[last : match.start()]
        out.append(_MARKED.sub(lambda m: f'<span class="placeholder">{m.group(1)}</span>', text))
        out.append(placeholders_strip(match.group(0)))
        last = match.end()
    out.append(_MARKED.sub(lambda m: f'<span class="placeholder">{m.group(1)}</span>', html[last:]))
    return placeholders_strip("".join(out))


def placeholders_strip(text: str) -> str:
    """A text without the placeholder marks (a card, a title attribute)."""
    return text.replace(PLACEHOLDER_START, "").replace(PLACEHOLDER_END, "")
