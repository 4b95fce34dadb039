"""The quizbuilder/1 file (docs: spec/quiz-format.md): validation and normalisation
(export: `format.export`).

Pure functions: no ORM, no settings. `quizfile_validate` turns a parsed JSON file into the
normalised definition that a version freezes and scoring reads, or lists every problem by its
JSON path. Field checks live in `checks` and `item_checks`, the corner evaluation of calculators in
`corners`.

Decisions where the spec is silent (also in the lead's spec notes):
- `variables` may be missing or empty on a calculator; on any other kind it is an error.
- `when` only on calculator outcomes, `min`/`max` only on score and trivia outcomes,
  non-empty `points` only in personality quizzes and `correct: true` only in trivia quizzes;
  `value`, `points: {}` and `correct: false` are accepted on every kind (the editor's rows
  always carry them).
- Expressions only exist in calculators, which have no score: `score` and `max_score` are
  never names in an expression. A variable sees the non-text question keys and the variables
  before it; a `when` sees the non-text question keys and every variable.
- Template names: question keys (text ones too) and variables everywhere; `score` in
  personality, score and trivia; `max_score` in score and trivia; `outcome` only in card
  headline and subline (never in an outcome's own title or description).
- Trivia: a single question has at most one correct choice (none: not scored); a multi
  question needs one, and its correct set must be choosable within min_choices/max_choices;
  the quiz needs at least one scored question and every score 0..max_score must match an
  outcome. A calculator outcome after one without `when` is unreachable, hence an error.
- Extensions (README): a question's `image`, `explanation` (any kind; shown in the trivia
  answer review) and `show_if` (an earlier single or multi question and some of its choice
  keys); a choice's `image`. Each is in the definition only when given.
- Extensions (README): a top-level `feedback` (trivia only); a variable's `label` and `unit`.
- Choice and outcome keys: `[a-z0-9][a-z0-9_-]{0,39}`. Card colours are case-insensitive and
  stored lower-case; a card image is a relative path ending in .png/.jpg/.jpeg/.webp.
"""

from __future__ import annotations

import re
from typing import Any, cast

from quizzes.engine.formula_compiler import formula_compile
from quizzes.engine.formulas import FormulaError
from quizzes.engine.templating import TemplateError, template_check
from quizzes.format.checks import (
    KEY_RE,
    MAX_OUTCOMES,
    MAX_QUESTIONS,
    Checker,
    Problem,
)
from quizzes.format.corners import corners_check
from quizzes.format.definition import Definition, Program, Programs, Question
from quizzes.format.extensions import extensions_check
from quizzes.format.integration_checks import KEYS, cta_labels, integrations_check
from quizzes.format.item_checks import outcome_check, question_check
from quizzes.format.variables import RESERVED, variables_check

__all__ = [
    "RETENTION_DAYS_DEFAULT",
    "Problem",
    "quiz_programs",
    "quizfile_validate",
]

FORMAT = "quizbuilder/1"
KINDS = ("personality", "score", "trivia", "calculator")
SLUG_RE = re.compile(r"[a-z0-9-]{1,60}\Z")
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*\Z", re.IGNORECASE)
_REQUIRED = ("format", "slug", "title", "kind", "questions", "outcomes")
# "cover" (the quiz's list/intro image, a path in the .zip like a card image) is an extension
# of the spec added for the authoring admin; it is in the definition only when given.
# "retention_days" (days the version keeps raw answers, 1..the site's maximum, default 30) is
# another: it is part of the reviewed version. Like "cover", the definition holds it only
# when it is not the default, so files without it read and export as before.
# "feedback" (trivia only, a boolean): right/wrong after each question, in the definition only
# when true. "theme" (brand colour, background, font of the quiz's pages): format/theme.py.
# "cta" and "lead" are spec/integrations.md's (quizzes.format.integration_checks).
_OPTIONAL = (
    "language",
    "description",
    "variables",
    "card",
    "cover",
    "theme",
    "retention_days",
    "feedback",
    *KEYS,
)
RETENTION_DAYS_DEFAULT = 30
RETENTION_DAYS_MAX = 365  # the site's maximum is settings.RESULT_RETENTION_DAYS_MAX
_SCORE_NAMES = {
    "personality": {"score"},
    "score": {"score", "max_score"},
    "trivia": {"score", "max_score"},
}


def quizfile_validate(
    data: object, *, retention_days_max: int = RETENTION_DAYS_MAX
) -> tuple[Definition | None, list[Problem]]:
    """Check a parsed quizbuilder/1 file against every rule of the format.

    `retention_days_max` is the site's maximum for `retention_days` (the caller reads it
    from settings: this module knows none).

    Returns `(definition, [])`, the normalised quiz with every default filled in, or
    `(None, problems)` listing every problem found, each at its JSON path. Never raises, for
    any JSON-like value.

    A calculator that passes every other rule then has its expressions evaluated at the
    corners of the input space (`corners`): exhaustively up to 4096 combinations of the
    questions they read, beyond that each question's corners against a base plus a seeded
    random sample of 4096 combinations. A failure there is a problem at the expression's path.
    """
    ck = Checker()
    top = ck.obj(data, "$", required=_REQUIRED, optional=_OPTIONAL)
    if top is None:
        return None, ck.problems
    definition, known = _header_check(ck, top)
    raw_outcomes = ck.items(top, "outcomes", "$", least=1, most=MAX_OUTCOMES, what="outcome")
    outcomes = [
        outcome_check(ck, o, f"outcomes[{i}]", kind=known) for i, o in enumerate(raw_outcomes)
    ]
    outcome_keys = _unique_keys(ck, outcomes, "outcomes", "outcome")
    start = ck.mark()
    raw_questions = ck.items(top, "questions", "$", least=1, most=MAX_QUESTIONS, what="question")
    questions = [
        question_check(ck, q, f"questions[{i}]", kind=known, outcome_keys=outcome_keys)
        for i, q in enumerate(raw_questions)
    ]
    question_keys = _question_names(ck, raw_questions)
    _conditions_check(ck, questions, raw_questions)
    variables = variables_check(ck, top, kind=known, question_keys=question_keys)
    questions_ok = ck.clean_since(start) and all(q is not None for q in questions)
    definition.update(
        questions=questions, variables=variables, outcomes=outcomes, card=ck.card(top, "$")
    )
    _top_extensions_check(ck, top, definition, known, retention_days_max)
    integrations_check(ck, definition, top, raw_outcomes)
    programs = _expressions_check(ck, definition, raw_questions)
    _templates_check(ck, definition, raw_questions)
    if questions_ok and known == "trivia":
        _trivia_check(ck, definition)
    if known == "calculator":
        _reachability_check(ck, raw_outcomes)
        # Corners only mean something for an otherwise sound file: last, and only then.
        if not ck.problems and programs is not None:
            corners_check(ck, definition=cast(Definition, definition), programs=programs)
    if ck.problems:
        return None, ck.problems
    return cast(Definition, definition), []


def _top_extensions_check(
    ck: Checker, top: dict[str, Any], definition: dict[str, Any], known: str | None, most: int
) -> None:
    """`cover`, `theme`, `retention_days` and `feedback` (README), each in the definition only
    when given and not the default."""
    definition.update(extensions_check(ck, top))  # cover and theme
    days = ck.integer(top, "retention_days", "$", lo=1, hi=most, what=" days (the site's maximum)")
    if days is not None and days != RETENTION_DAYS_DEFAULT:
        definition["retention_days"] = days
    if "feedback" in top and known not in (None, "trivia"):
        ck.add("feedback", "only trivia quizzes have feedback")
    elif ck.boolean(top, "feedback", "$", default=False):
        definition["feedback"] = True


def _header_check(ck: Checker, top: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The top-level fields before the lists: the definition begun, and the kind if known."""
    if "format" in top and top["format"] != FORMAT:
        ck.add("format", f'must be "{FORMAT}"')
    slug = top.get("slug")
    if "slug" in top and not (isinstance(slug, str) and SLUG_RE.match(slug)):
        ck.add("slug", "must be 1 to 60 characters of a-z, 0-9 and -")
    kind = top.get("kind")
    if "kind" in top and kind not in KINDS:
        ck.add("kind", "must be one of personality, score, trivia, calculator")
    known = kind if isinstance(kind, str) and kind in KINDS else None
    language = ck.text(top, "language", "$", max_length=40, default="en")
    if language is not None and not LANGUAGE_RE.match(language):
        ck.add("language", "must be a language code such as en, pt-br or zh-hans")
    # Built field by field: until every check has passed a value may be None, so it is only a
    # Definition once ck.problems is empty (the cast at the end).
    definition: dict[str, Any] = {
        "format": FORMAT,
        "slug": slug,
        "language": (language or "").lower(),
        "title": ck.text(top, "title", "$", max_length=200),
        "description": ck.text(top, "description", "$", max_length=5000, allow_empty=True),
        "kind": known,
    }
    return definition, known


def _unique_keys(ck: Checker, items: list[dict[str, Any]], where: str, what: str) -> set[str]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        key = item["key"]
        if not isinstance(key, str):
            continue
        if key in seen:
            ck.add(f"{where}[{i}].key", f"duplicate {what} key {key!r} (also {where}[{seen[key]}])")
        seen.setdefault(key, i)
    return set(seen)


def _question_names(ck: Checker, raw: list[Any]) -> dict[str, str]:
    """Well-formed question keys -> their type, after reporting duplicates and reserved names."""
    names: dict[str, str] = {}
    seen: dict[str, int] = {}
    for i, q in enumerate(raw):
        key = q.get("key") if isinstance(q, dict) else None
        if not (isinstance(key, str) and KEY_RE.match(key)):
            continue
        if key in RESERVED:
            ck.add(f"questions[{i}].key", f"{key!r} is a reserved name")
        elif key in seen:
            ck.add(
                f"questions[{i}].key",
                f"duplicate question key {key!r} (also questions[{seen[key]}])",
            )
        else:
            seen[key] = i
            names[key] = q.get("type") if isinstance(q.get("type"), str) else ""
    return names


def _conditions_check(ck: Checker, questions: list[Question | None], raw: list[Any]) -> None:
    """Each `show_if` names an earlier single or multi question and some of its choices."""
    for i, q in enumerate(questions):
        cond = q.get("show_if") if q is not None else None
        if cond is None:
            continue
        where = f"questions[{i}].show_if"
        earlier = {r.get("key"): (j, r) for j, r in enumerate(raw[:i]) if isinstance(r, dict)}
        if cond["question"] not in earlier:
            ck.add(f"{where}.question", "must be an earlier question")
            continue
        j, target = earlier[cond["question"]]
        if target.get("type") not in ("single", "multi"):
            ck.add(f"{where}.question", "must be a single or multi question")
            continue
        known = questions[j]
        if known is None:
            continue  # its own problems are reported; its choices cannot be trusted
        keys = {c["key"] for c in known.get("choices", [])}
        for k, choice in enumerate(cond["choices"]):
            if choice not in keys:
                ck.add(
                    f"{where}.choices[{k}]",
                    f"unknown choice {choice!r} of question {cond['question']!r}",
                )


def _expressions_check(
    ck: Checker, definition: dict[str, Any], raw_questions: list[Any]
) -> Programs | None:
    """Compile every expression against the names it may use; the programs when all compile."""
    if definition["kind"] != "calculator":
        return None
    names = {
        q["key"]
        for q in raw_questions
        if isinstance(q, dict) and isinstance(q.get("key"), str) and q.get("type") != "text"
    }
    programs: Programs = {"variables": {}, "when": {}}
    failed = False
    for i, v in enumerate(definition["variables"]):
        program = _compile(ck, v["expr"], f"variables[{i}].expr", names)
        failed |= program is None
        if isinstance(v["key"], str):
            if program is not None:  # a failed one makes the whole result None below
                programs["variables"][v["key"]] = program
            names = names | {v["key"]}
    for i, o in enumerate(definition["outcomes"]):
        if o["when"] is not None:
            program = _compile(ck, o["when"], f"outcomes[{i}].when", names)
            failed |= program is None
            if isinstance(o["key"], str) and program is not None:
                programs["when"][o["key"]] = program
    return None if failed else programs


def _compile(ck: Checker, source: object, path: str, names: set[str]) -> Program | None:
    if not isinstance(source, str):
        return None  # already reported by the field check
    try:
        return formula_compile(source, names=names)
    except FormulaError as exc:
        ck.add(path, exc.message)
        return None


def _templates_check(ck: Checker, definition: dict[str, Any], raw_questions: list[Any]) -> None:
    # In the quiz's order, as a message about an unknown placeholder lists them.
    keys = [q.get("key") for q in raw_questions if isinstance(q, dict)]
    keys += [v["key"] for v in definition["variables"]]
    scores = _SCORE_NAMES.get(definition["kind"] or "", set())
    keys += [n for n in ("score", "max_score") if n in scores]
    names = list(dict.fromkeys(k for k in keys if isinstance(k, str)))
    card_names = ["outcome", *names]
    texts: list[tuple[str, object, list[str]]] = []
    for i, o in enumerate(definition["outcomes"]):
        texts.append((f"outcomes[{i}].title", o["title"], names))
        texts.append((f"outcomes[{i}].description", o["description"], names))
        for key in ("headline", "subline"):
            texts.append((f"outcomes[{i}].card.{key}", o["card"].get(key), card_names))
    for key in ("headline", "subline"):
        texts.append((f"card.{key}", definition["card"].get(key), card_names))
    # A call to action's label may name what a card may (spec/integrations.md).
    texts += [(path, text, card_names) for path, text in cta_labels(definition)]
    for path, text, allowed in texts:
        if not isinstance(text, str):
            continue
        try:
            messages = template_check(text, names=allowed)
        except TemplateError as exc:
            messages = [exc.message]
        for message in messages:
            ck.add(path, message)


def _trivia_check(ck: Checker, definition: dict[str, Any]) -> None:
    max_score = sum(
        1
        for q in definition["questions"]
        if q["type"] in ("single", "multi") and any(c["correct"] for c in q["choices"])
    )
    if max_score == 0:
        ck.add("questions", "a trivia quiz needs at least one question with a correct choice")
        return
    outcomes = definition["outcomes"]
    uncovered = [
        s
        for s in range(max_score + 1)
        if not any(
            (o["min"] is None or o["min"] <= s) and (o["max"] is None or s <= o["max"])
            for o in outcomes
        )
    ]
    if uncovered:
        shown = ", ".join(str(s) for s in uncovered[:10]) + (", ..." if len(uncovered) > 10 else "")
        ck.add(
            "outcomes", f"no outcome matches a score of {shown} (scores go from 0 to {max_score})"
        )


def _reachability_check(ck: Checker, raw_outcomes: list[Any]) -> None:
    # Read from the file, not the normalised outcomes: a broken `when` is None there too.
    for i, o in enumerate(raw_outcomes):
        if isinstance(o, dict) and "when" not in o:
            for j in range(i + 1, len(raw_outcomes)):
                ck.add(
                    f"outcomes[{j}]",
                    f"unreachable: outcomes[{i}] has no when, so it always matches first",
                )
            return


def quiz_programs(definition: Definition) -> Programs:
    """The compiled expressions of a valid definition, stored beside it:
    `{"variables": {key: program}, "when": {outcome key: program}}` (empty unless calculator).
    """
    programs: Programs = {"variables": {}, "when": {}}
    if definition["kind"] != "calculator":
        return programs
    names = {q["key"] for q in definition["questions"] if q["type"] != "text"}
    for v in definition["variables"]:
        programs["variables"][v["key"]] = formula_compile(v["expr"], names=names)
        names = names | {v["key"]}
    for o in definition["outcomes"]:
        if o["when"] is not None:
            programs["when"][o["key"]] = formula_compile(o["when"], names=names)
    return programs
