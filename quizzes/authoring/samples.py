"""Sample answers for the studio's previews: answers a visitor could give that lead to a
chosen result, so the author sees each result page and result image as a visitor would.

Pure functions of a valid definition and its programs (no database). The first guess follows
the quiz's kind (personality: per question the answer with the most points for the result;
score and trivia: aim at the middle of the result's band; calculators: the middle of every
number range and the first answers; texts "Alex"); when scoring says the guess lands
elsewhere, a short, deterministic search tries other answers question by question.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.core.cache import cache

from quizzes.engine.scoring import ScoreResult, ScoringError, answers_validate, score_compute
from quizzes.engine.templating import TemplateError, template_render
from quizzes.format.definition import Answer, Answers, Definition, Programs, Question
from quizzes.taking.services import Computed, outcome_texts

SAMPLE_NAME = "Alex"
# Scoring is well under a millisecond for a quiz of a normal size: this bounds the search
# to a few milliseconds on the studio's hot path while finding every demo quiz's results.
SEARCH_BUDGET = 400
MULTI_SUBSETS_MAX = 6  # up to 2**6 subsets of a multi's answers are tried, else a few
# A calculator's search runs its formulas hundreds of times (about 10 ms); each keystroke's
# save and the previews it redraws ask for the same result's answers of the same working copy,
# in whichever web process: the answer is kept in the cache by content (as quiz_validate's).
SAMPLE_CACHE_VERSION = 1
SAMPLE_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Sample:
    """Answers for a result preview, and whether they really lead to the result asked for."""

    answers: Answers
    reaches: bool


def _number_options(q: Question) -> list[Answer]:
    lo, hi, step = q["min"], q["max"], q.get("step")
    points = [lo + (hi - lo) * f for f in (0.5, 0.0, 1.0, 0.25, 0.75, 0.1, 0.9)]
    options: list[Answer] = []
    for x in points:
        if step and step > 0:
            x = lo + round((x - lo) / step) * step
            x = min(x, hi)
        x = round(x, 6)
        if x not in options:
            options.append(x)
    return options


def _options(q: Question) -> list[Answer]:
    """The answers tried for a question, the plain first guess first."""
    if q["type"] == "text":
        return [SAMPLE_NAME]
    if q["type"] == "number":
        return _number_options(q)
    keys = [c["key"] for c in q["choices"]]
    if q["type"] == "single":
        return list(keys)
    lo = max(q.get("min_choices") or 0, 1)
    hi = len(keys) if q.get("max_choices") is None else int(q["max_choices"] or 0)
    if len(keys) <= MULTI_SUBSETS_MAX:
        sizes = range(lo, hi + 1)
        subsets = [list(c) for n in sizes for c in itertools.combinations(keys, n)]
    else:
        subsets = [[k] for k in keys] if lo <= 1 else [keys[:lo]]
        subsets.append(keys[: max(lo, min(hi, len(keys)))])
    if not q["required"] and (q.get("min_choices") or 0) == 0:
        subsets.insert(0, [])
    return [s for s in subsets if lo <= len(s) <= hi or not s]


def _points_for(q: Question, answer: Answer, outcome: str) -> float:
    picked: list[object] = list(answer) if isinstance(answer, list) else [answer]
    total = 0.0
    for c in q.get("choices", []):
        if c["key"] in picked:
            points = c["points"]
            total += points.get(outcome, 0.0) - 0.01 * sum(
                p for k, p in points.items() if k != outcome
            )
    return total


def _band_middle(definition: Definition, outcome_key: str) -> float | None:
    for o in definition["outcomes"]:
        if o["key"] == outcome_key:
            lo, hi = o.get("min"), o.get("max")
            if lo is not None and hi is not None:
                return (lo + hi) / 2
            if lo is not None:
                return lo + 0.5
            if hi is not None:
                return hi - 0.5
    return None


def _distance(
    definition: Definition, programs: Programs, answers: Answers, outcome_key: str
) -> float:
    """0 when `answers` lead to `outcome_key`; else how far they are (smaller is nearer)."""
    clean, errors = answers_validate(definition=definition, answers=dict(answers))
    if errors:
        return math.inf
    try:
        scored = score_compute(definition=definition, answers=clean, programs=programs)
    except ScoringError:
        return math.inf
    if scored.outcome_key == outcome_key:
        return 0.0
    kind = definition["kind"]
    if kind == "personality":
        totals = _personality_totals(definition, clean)
        best_other = max(v for k, v in totals.items() if k != outcome_key)
        return 1.0 + max(best_other - totals.get(outcome_key, 0.0), 0.0)
    if kind in ("score", "trivia") and scored.score is not None:
        target = _band_middle(definition, outcome_key)
        if target is not None:
            return 1.0 + abs(scored.score - target)
    return 1.0


def _personality_totals(definition: Definition, answers: Answers) -> dict[str, float]:
    totals = {o["key"]: 0.0 for o in definition["outcomes"]}
    for q in definition["questions"]:
        answer = answers.get(q["key"])
        if answer is None or q["type"] not in ("single", "multi"):
            continue
        picked: list[object] = list(answer) if isinstance(answer, list) else [answer]
        for c in q["choices"]:
            if c["key"] in picked:
                for key, p in c["points"].items():
                    totals[key] = totals.get(key, 0.0) + p
    return totals


def _first_guess(
    definition: Definition, outcome_key: str, options: Sequence[list[Answer]]
) -> Answers:
    questions = definition["questions"]
    pairs = list(zip(questions, options, strict=True))
    answers: Answers = {q["key"]: opts[0] for q, opts in pairs if opts}
    if definition["kind"] == "personality":
        for q, opts in pairs:
            if q["type"] in ("single", "multi") and opts:
                answers[q["key"]] = max(opts, key=lambda a: _points_for(q, a, outcome_key))
    return answers


def sample_answers(*, definition: Definition, programs: Programs, outcome_key: str) -> Sample:
    """Answers that lead to `outcome_key` where some can be found, else plausible answers.

    Deterministic: the same definition gives the same answers (a preview does not jump), so
    the answer is kept in the cache by content.
    """
    try:
        text = json.dumps([definition, programs, outcome_key], sort_keys=True,
                          ensure_ascii=False, allow_nan=False)  # fmt: skip
    except (TypeError, ValueError):
        return _sample_search(definition=definition, programs=programs, outcome_key=outcome_key)
    digest = hashlib.sha256(f"{SAMPLE_CACHE_VERSION}:{text}".encode()).hexdigest()
    key = f"quiz-sample:{digest}"
    found = cache.get(key)
    if isinstance(found, Sample):
        return found
    sample = _sample_search(definition=definition, programs=programs, outcome_key=outcome_key)
    cache.set(key, sample, SAMPLE_CACHE_SECONDS)
    return sample


def _sample_search(*, definition: Definition, programs: Programs, outcome_key: str) -> Sample:
    """sample_answers' search: a first guess by the quiz's kind, then question by question,
    then random answers, within SEARCH_BUDGET scorings."""
    questions = definition["questions"]
    options = [_options(q) for q in questions]
    pairs = list(zip(questions, options, strict=True))
    answers = _first_guess(definition, outcome_key, options)
    best = _distance(definition, programs, answers, outcome_key)
    budget = SEARCH_BUDGET
    # Coordinate descent: per question, the answer that brings the result nearest.
    improved = True
    while best > 0 and improved and budget > 0:
        improved = False
        for q, opts in pairs:
            for option in opts:
                if budget <= 0 or best == 0:
                    break
                budget -= 1
                trial = {**answers, q["key"]: option}
                d = _distance(definition, programs, trial, outcome_key)
                if d < best:
                    answers, best, improved = trial, d, True
    # Then random answers: a calculator's result may hang on several questions at once.
    rnd = random.Random(len(questions))
    while best > 0 and budget > 0:
        budget -= 1
        trial = {q["key"]: rnd.choice(opts) for q, opts in pairs if opts}
        d = _distance(definition, programs, trial, outcome_key)
        if d < best:
            answers, best = trial, d
    return Sample(answers=answers, reaches=best == 0)


def sample_result(
    *, definition: Definition, programs: Programs, outcome_key: str
) -> tuple[Computed, Sample]:
    """The result page of `outcome_key` as a visitor giving the sample answers sees it.

    Always that outcome: when no answers reach it (a band nobody can score, a formula that
    fails), its texts are filled from the nearest sample answers all the same.
    """
    sample = sample_answers(definition=definition, programs=programs, outcome_key=outcome_key)
    clean, _errors = answers_validate(definition=definition, answers=dict(sample.answers))
    try:
        scored = score_compute(definition=definition, answers=clean, programs=programs)
    except ScoringError:
        scored = ScoreResult(outcome_key=outcome_key, score=None, max_score=None)
    if scored.outcome_key != outcome_key:
        scored = replace(scored, outcome_key=outcome_key)
    title, description, card_text = outcome_texts(definition=definition, scored=scored)
    computed = Computed(
        outcome_key=outcome_key,
        title=title,
        description=description,
        score=scored.score,
        max_score=scored.max_score,
        values=dict(scored.values),
        card_text=card_text,
    )
    return computed, sample


def sample_cta(
    *, definition: Definition, computed: Computed, answers: Answers
) -> dict[str, str] | None:
    """The button after the result as the visitor who gave `answers` sees it (the result's
    own, else the quiz's; its label's placeholders filled, as integrations fills them), or
    None when there is none."""
    chosen = definition.get("cta")
    for outcome in definition["outcomes"]:
        if outcome["key"] == computed.outcome_key and outcome.get("cta"):
            chosen = outcome.get("cta")
    if not chosen:
        return None
    context: dict[str, object] = {
        **computed.values,
        "score": computed.score,
        "max_score": computed.max_score,
        "outcome": computed.title,
    }
    for key, answer in answers.items():
        context.setdefault(key, answer if isinstance(answer, str) else "")
    try:
        label = template_render(
            chosen["label"], context=context, language=definition.get("language")
        )
    except TemplateError:
        label = chosen["label"]
    return {"label": label, "url": chosen["url"]}
