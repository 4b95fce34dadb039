"""Corner evaluation of a calculator's expressions at import and publish.

The spec: "Import and publish evaluate every expression at the corners of the input space
(each number's min and max, each choice) and refuse a quiz whose expressions fail there."

Corners of one question: a number at its min and max; a single at each choice; a multi with
no choice (when allowed), each choice alone (when allowed), all choices (when allowed) and,
when min_choices/max_choices forbid those, the first and the last allowed-size runs of
choices; an optional question also unanswered (value 0), a question with `show_if` also
hidden (value 0, shown as "(not shown)"). Only questions some expression reads
(directly or through variables) are varied; the others stay at their first corner.

Combinations: the full product when it has at most 4096 members. Otherwise a base (every
question at its first corner), each question's corners against that base, and a random
sample of 4096 combinations from a fixed seed, so a refusal is reproducible.

At each combination the variables are evaluated in order and then every `when`; the first
failure of each expression is reported at its path with the answers it depended on. A
combination where no outcome matches is reported at `outcomes`.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterator

from quizzes.engine.formulas import FormulaError, formula_evaluate, formula_names
from quizzes.engine.numbers import number_text
from quizzes.format.checks import Checker
from quizzes.format.definition import Choice, Definition, Program, Programs, Question

LIMIT = 4096
SEED = 20241124
NO_ANSWER = "(no answer)"
NOT_SHOWN = "(not shown)"  # a question with show_if counts as 0 when hidden

Corner = tuple[float, str]  # the value expressions see, and how the message shows it


def corners_check(ck: Checker, *, definition: Definition, programs: Programs) -> None:
    """Evaluate a calculator's programs at the corners; add a Problem per failing expression."""
    questions = [q for q in definition["questions"] if q["type"] != "text"]
    keys = [q["key"] for q in questions]
    deps: dict[str, set[str]] = {}  # expression path -> question keys it reads
    by_variable: dict[str, set[str]] = {}
    for i, v in enumerate(definition["variables"]):
        by_variable[v["key"]] = _deps(programs["variables"][v["key"]], keys, by_variable)
        deps[f"variables[{i}].expr"] = by_variable[v["key"]]
    for i, o in enumerate(definition["outcomes"]):
        if o["when"] is not None:
            deps[f"outcomes[{i}].when"] = _deps(programs["when"][o["key"]], keys, by_variable)
    deps["outcomes"] = set().union(*deps.values()) if deps else set()
    corners = {q["key"]: question_corners(q) for q in questions}
    varied = [k for k in keys if k in deps["outcomes"]]
    fixed = {k: corners[k][0] for k in keys if k not in deps["outcomes"]}
    reported: set[str] = set()

    def report(path: str, message: str, labels: dict[str, str]) -> None:
        if path in reported:
            return
        reported.add(path)
        shown = ", ".join(f"{k}={labels[k]}" for k in keys if k in deps[path])
        ck.add(path, f"{message} when {shown}" if shown else message)

    for combo in _combinations([corners[k] for k in varied]):
        chosen = {**fixed, **dict(zip(varied, combo, strict=True))}
        env = {k: value for k, (value, _label) in chosen.items()}
        labels = {k: label for k, (_value, label) in chosen.items()}
        _evaluate(definition, programs, env, labels, report)


def _evaluate(
    definition: Definition,
    programs: Programs,
    env: dict[str, float],
    labels: dict[str, str],
    report: Callable[[str, str, dict[str, str]], None],
) -> None:
    for i, v in enumerate(definition["variables"]):
        try:
            env[v["key"]] = formula_evaluate(programs["variables"][v["key"]], env=env)
        except FormulaError as exc:
            report(f"variables[{i}].expr", exc.message, labels)
            return
    matched = failed = False
    for i, o in enumerate(definition["outcomes"]):
        if o["when"] is None:
            matched = True
            continue
        try:
            matched |= formula_evaluate(programs["when"][o["key"]], env=env) != 0
        except FormulaError as exc:
            report(f"outcomes[{i}].when", exc.message, labels)
            failed = True
    if not matched and not failed:
        report("outcomes", "no outcome matches", labels)


def _deps(program: Program, keys: list[str], by_variable: dict[str, set[str]]) -> set[str]:
    names = formula_names(program)
    found = {n for n in names if n in keys}
    for n in names:
        found |= by_variable.get(n, set())
    return found


def question_corners(q: Question) -> list[Corner]:
    """The corner values of one non-text question (see the module docstring)."""
    corners: list[Corner] = []
    if q["type"] == "number":
        corners = [(q["min"], number_text(q["min"])), (q["max"], number_text(q["max"]))]
    elif q["type"] == "single":
        corners = [(c["value"], c["key"]) for c in q["choices"]]
    elif q["type"] == "multi":
        corners = _multi_corners(q)
    if not q["required"]:
        corners.append((0.0, NO_ANSWER))
    if "show_if" in q:
        corners.append((0.0, NOT_SHOWN))
    unique = list(dict.fromkeys(corners))
    return unique or [(0.0, NO_ANSWER)]


def _multi_corners(q: Question) -> list[Corner]:
    choices = q["choices"]
    n = len(choices)
    lo = q["min_choices"] or 0
    hi = n if q["max_choices"] is None else q["max_choices"]
    if q["required"]:
        lo = max(lo, 1)
    picks: list[list[Choice]] = []
    if lo <= 1 <= hi:
        picks += [[c] for c in choices]
    if hi >= n:
        picks.append(list(choices))
    for size in {lo, hi}:
        if 1 < size < n:
            picks += [list(choices[:size]), list(choices[-size:])]
    corners = [
        (math.fsum(c["value"] for c in pick), "[" + ", ".join(c["key"] for c in pick) + "]")
        for pick in picks
    ]
    return corners  # no choice at all is an optional multi left unanswered: the caller adds it


def _combinations(lists: list[list[Corner]]) -> Iterator[tuple[Corner, ...]]:
    if math.prod(len(options) for options in lists) <= LIMIT:
        yield from itertools.product(*lists)
        return
    base = tuple(options[0] for options in lists)
    yield base
    for i, options in enumerate(lists):
        for option in options[1:]:
            yield (*base[:i], option, *base[i + 1 :])
    rng = random.Random(SEED)
    for _ in range(LIMIT):
        yield tuple(rng.choice(options) for options in lists)
