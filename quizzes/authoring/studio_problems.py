"""The importer's problems as the studio shows them: on the field each one names, where it
is in the author's words ("Question 2, answer 1"), and in a marketer's words where the file
format's message names keys or syntax."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quizzes.format.checks import Problem


def field_of(path: str) -> str:
    """The studio field a problem's JSON path names: `questions[2].choices[0].label` is
    `questions.2.choices.0.label`, `outcomes[1].card.headline` is `o-1-card-headline`."""
    name = re.sub(r"\[(\d+)\]", r".\1", path).lstrip("$.")
    if m := re.match(r"outcomes\.(\d+)\.card\.(\w+)", name):
        return f"o-{m.group(1)}-card-{m.group(2)}"
    if m := re.match(r"card\.(\w+)", name):
        return f"card-{m.group(1)}"
    if m := re.match(r"theme\.(\w+)", name):
        return f"theme-{m.group(1)}"
    return name


def problem_where(path: str) -> str:
    """Where a problem is, as the studio names it: "Question 2, answer 1", "Result 3"."""
    words = []
    for m in re.finditer(r"(\w+)(?:\[(\d+)\])?", path.lstrip("$.")):
        name, index = m.group(1), m.group(2)
        n = int(index) + 1 if index is not None else None
        if name == "questions":
            words.append(_("Question %(n)s") % {"n": n} if n else _("Questions"))
        elif name == "choices":
            words.append(_("answer %(n)s") % {"n": n} if n else _("answers"))
        elif name == "outcomes":
            words.append(_("Result %(n)s") % {"n": n} if n else _("Results"))
        elif name == "variables":
            words.append(_("Value %(n)s") % {"n": n} if n else _("Values"))
        elif name == "card":
            words.append(_("result image"))
        elif name == "title" and not words:
            words.append(_("Title"))
        elif name == "description" and not words:
            words.append(_("Intro text"))  # the studio's label for the quiz's description
        elif name == "show_if":
            words.append(_("condition"))
        elif name == "theme" and not words:
            words.append(_("Look"))
        elif name == "cta":
            words.append(_("button after the result"))
        elif name == "lead" and not words:
            words.append(_("Contact details"))
        if name in ("title", "description", "card", "theme", "cta", "lead") or len(words) >= 3:
            break
    text = ", ".join(words)
    return text[:1].upper() + text[1:]


def _condition(shown: str, prompts: dict[str, str]) -> str:
    """`weight=0, age=14` (the importer's words) as "“Your weight” is 0 and “Age” is 14"."""
    parts = []
    for pair in shown.split(", "):
        key, _eq, value = pair.partition("=")
        parts.append(
            _("“%(question)s” is %(value)s") % {"question": prompts.get(key, key), "value": value}
        )
    return _(" and ").join(parts)


def anchor_of(field: str) -> str:
    """The id of the part of the studio page that holds `field` (see field_of): where a link
    to the field lands without JavaScript (with it, the field itself takes the focus)."""
    if m := re.match(r"(questions|outcomes|o-|variables)\.?(\d+)", field):
        part = {"questions": "question", "variables": "value"}.get(m.group(1), "result")
        return f"{part}-{m.group(2)}"
    sections = {"card": "studio-card", "theme": "studio-look", "cta": "studio-cta"}
    sections |= {"lead": "studio-lead", "questions": "studio-questions"}
    sections |= {"outcomes": "studio-results", "variables": "studio-values"}
    if field in ("title", "description", "language"):
        return f"f-{field}"
    return sections.get(re.split(r"[.-]", field, maxsplit=1)[0], "studio-intro")


def _formula_message(message: str) -> str | None:
    """A formula's message in a marketer's words, None when the studio has none better."""
    if m := re.fullmatch(r"syntax error at '([^']*)'(?:: (.+))?", message):
        near, detail = m.group(1), m.group(2) or ""
        if b := re.fullmatch(r"'(.)' was never closed", detail):
            return _("The bracket “%(bracket)s” at “%(near)s” is never closed.") % {
                "bracket": b.group(1),
                "near": near,
            }
        if b := re.fullmatch(r"unmatched '(.)'", detail):
            return _("The bracket “%(bracket)s” at “%(near)s” was never opened.") % {
                "bracket": b.group(1),
                "near": near,
            }
        return _("This formula has a typo at “%(near)s”.") % {"near": near}
    if m := re.fullmatch(r"the exponent (\S+) is too large \(at most (\d+)\)", message):
        return _("The power %(exponent)s is too large: at most %(most)s.") % {
            "exponent": m.group(1),
            "most": m.group(2),
        }
    words = {
        "a result is too large (over 1e15)": _("The result gets too large."),
        "a number in the formula is too large (at most 1e15)": _(
            "A number in this formula is too large."
        ),
        "a result is not a number": _("The result is not a number."),
        "a negative number to a fractional power has no real value": _(
            "A negative number cannot be raised to a fractional power."
        ),
        "the formula is empty": _("Fill this in."),
    }
    return words.get(message)


def _placeholder_message(message: str) -> str | None:
    """An unknown placeholder's message (templating.template_check) in a marketer's words,
    with its list of the placeholders the text may use kept."""
    m = re.fullmatch(
        r"unknown placeholder \{(\w+)\}: (?:use (.+)|this text takes no placeholders)", message
    )
    if m is None:
        return None
    if m.group(2) is None:
        return _(
            "“{%(name)s}” is not an answer or value of this quiz; this text can show none."
        ) % {"name": m.group(1)}
    return _(
        "“{%(name)s}” is not an answer or value of this quiz. This text can show %(allowed)s."
    ) % {
        "name": m.group(1),
        "allowed": m.group(2),
    }


def plain_message(message: str, prompts: dict[str, str]) -> str:
    """The importer's message for a rule a file broke, in a marketer's words where the
    studio knows better ones (the file format's messages name keys; authors see labels)."""
    if m := re.fullmatch(r"(division|modulo) by zero when (.+)", message):
        return _("When %(condition)s, this divides by zero.") % {
            "condition": _condition(m.group(2), prompts)
        }
    if m := re.fullmatch(r"no outcome matches when (.+)", message):
        return _(
            "When %(condition)s, no result is shown: leave the last result's condition empty."
        ) % {"condition": _condition(m.group(1), prompts)}
    if m := re.fullmatch(r"(.+) when (\w+=.*)", message):
        # A formula that fails at some answers (quizzes.format.corners): which, and why.
        return _("When %(condition)s: %(problem)s") % {
            "condition": _condition(m.group(2), prompts),
            "problem": plain_message(m.group(1), prompts),
        }
    if (words := _formula_message(message) or _placeholder_message(message)) is not None:
        return words
    if m := re.fullmatch(r"needs at least (\d+) (question|outcome|choice)s?", message):
        n = int(m.group(1))
        add = {
            "question": ngettext("Add a question.", "Add at least %(n)s questions.", n),
            "outcome": ngettext("Add a result.", "Add at least %(n)s results.", n),
            "choice": ngettext("Add an answer.", "Add at least %(n)s answers.", n),
        }
        return add[m.group(2)] % {"n": n}
    if m := re.fullmatch(r"unknown name '(\w+)'", message):
        return _("“%(name)s” is not a question or value of this quiz: tap a name below.") % {
            "name": m.group(1)
        }
    if m := re.fullmatch(r"no outcome matches a score of (\S+) .*", message):
        return _("A score of %(score)s gets no result: widen a result's range.") % {
            "score": m.group(1)
        }
    plain = {
        "must not be empty": _("Fill this in."),
        "missing required key": _("Fill this in."),
        "must be a number": _("Type a number."),
        "must be a finite number": _("Type a number."),
        "must be a whole number": _("Type a whole number."),
        "must be a colour written #rrggbb": _("Pick a colour."),
        "must be an https:// URL": _("Type a web address that starts with https://"),
        "invalid syntax": _("This formula is unfinished or has a typo."),
        "syntax error at the end": _("This formula is unfinished."),
        "a trivia quiz needs at least one question with a correct choice": _(
            "Mark the right answer of at least one question."
        ),
        "a multi question in a trivia quiz needs a correct choice": _(
            "Mark at least one right answer."
        ),
        "a single question has at most one correct choice": _(
            "Mark one right answer (or let people pick several answers)."
        ),
    }
    if message in plain:
        return plain[message]
    if message.startswith("must not be greater than max"):
        return _("The lowest is above the highest.")
    return message


def problems_by_field(
    problems: list[Problem], prompts: dict[str, str] | None = None
) -> list[dict[str, str]]:
    return [
        {
            "field": field_of(p.path),
            "anchor": anchor_of(field_of(p.path)),
            "message": plain_message(str(p.message), prompts or {}),
            "where": problem_where(p.path),
        }
        for p in problems
    ]


def document_problems(*, document: dict[str, Any], problems: list[Problem]) -> list[dict[str, str]]:
    """The `problems` of a draft's `document` as the studio lists them: by field, where it is
    and what to do, conditions named by the questions' prompts (problems_by_field)."""
    questions = [q for q in document.get("questions") or [] if isinstance(q, dict)]
    prompts = {str(q.get("key")): str(q.get("prompt") or q.get("key")) for q in questions}
    return problems_by_field(problems, prompts)


def problem_file_text(problem: Problem) -> str:
    """A problem of an imported or duplicated file as a person reads it, naming the file's
    keys: `questions[2].choices[0].text` becomes "question 3, choice 1, text" (positions
    counted from 1). The studio's own fields use `problem_where` and `plain_message`."""
    parts = []
    for name, index in re.findall(r"([A-Za-z_]+)?(?:\[(\d+)\])?\.?", problem.path):
        if not name and not index:
            continue
        word = name.replace("_", " ") if name else ""
        if index:
            word = f"{word[:-1] if word.endswith('s') else word} {int(index) + 1}".strip()
        parts.append(word)
    where = ", ".join(p for p in parts if p and p != "$")
    if not where:
        return str(problem.message)
    return f"{where[:1].upper()}{where[1:]}: {problem.message}"
