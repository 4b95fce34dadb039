"""The importer's problems as the studio shows them: on the field each one names, where it
is in the author's words ("Question 2, answer 1"), and in a marketer's words where the file
format's message names keys or syntax."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

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
        elif name == "show_if":
            words.append(_("condition"))
        elif name == "theme" and not words:
            words.append(_("Look"))
        elif name == "cta":
            words.append(_("button after the result"))
        elif name == "lead" and not words:
            words.append(_("Contact details"))
        if name in ("title", "card", "theme", "cta", "lead") or len(words) >= 3:
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
            "message": plain_message(str(p.message), prompts or {}),
            "where": problem_where(p.path),
        }
        for p in problems
    ]
