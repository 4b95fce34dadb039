"""Taking a quiz: submissions, deletion, answer expiry (the funnel's counts: `funnel`).

Counting is exact because the database enforces it: a view is unique per visitor, quiz and
day, an answer event per take and question, a result per take. Every insert here that could
repeat is a conditional insert (ON CONFLICT DO NOTHING), so a retry never double counts.
A *take* is one attempt at a quiz, named by a random id the page (or the API) picks; the
stats' `starts` are takes with an answer event or a result.
"""

from __future__ import annotations

import copy
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.engine.scoring import (
    ScoreResult,
    ScoringError,
    answers_validate,
    score_compute,
)
from quizzes.engine.templating import template_render
from quizzes.format.definition import Answers, Card, CardText, Definition, Outcome, Programs
from quizzes.models import (
    AuditAction,
    AuditEntry,
    QuizVersion,
    Result,
    ShownEvent,
)
from quizzes.selectors import Published, retention_days_bound
from quizzes.signals import result_deleted, result_submitted
from quizzes.taking.funnel import answered_positions, conditional_shown
from quizzes.taking.ratelimit import submission_check
from quizzes.taking.rows import answer_events_insert, result_insert

logger = logging.getLogger(__name__)
TAKE_RE = re.compile(r"[A-Za-z0-9_-]{16,40}\Z")
CARD_TEXT_KEYS: tuple[CardText, ...] = ("headline", "subline")
SCORING_FAILED = "We could not work out a result from these answers. Please try again later."
# What an empty placeholder leaves at the start of a text ("{name}, you'll weigh..."):
# commas, enumeration commas and colons (Western and full width) and the spaces after them.
LEADING_LEFTOVER_RE = re.compile(r"\A\s*[,，、:：][,，、:：\s]*")
SPACES_RE = re.compile(r" {2,}")
SPACE_COMMA_RE = re.compile(r" +([,，])")


class AnswersInvalid(Exception):
    """The answers break the quiz's rules: `errors` by question key (and "answers")."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(str(errors))
        self.errors = errors


class NotOwner(Exception):
    """Only the visitor who got a result may delete it."""


@dataclass(frozen=True)
class Computed:
    """A result worked out but not (necessarily) saved: what a preview shows."""

    outcome_key: str
    title: str
    description: str
    score: float | None
    max_score: float | None
    values: dict[str, Any]
    card_text: dict[str, str]


def take_new() -> str:
    return secrets.token_urlsafe(16)


def take_clean(value: object) -> str | None:
    """A client-sent take id if it looks like one we hand out, else None."""
    return value if isinstance(value, str) and TAKE_RE.match(value) else None


# --- working out a result ------------------------------------------------------------------


def _outcome(definition: Definition, key: str) -> Outcome:
    for outcome in definition["outcomes"]:
        if outcome["key"] == key:
            return outcome
    raise ScoringError(f"unknown outcome {key!r}")


def text_tidy(text: str) -> str:
    """`text` without what an empty placeholder leaves behind.

    Punctuation (",", "，", "、", ":", "：") and spaces left at the start go, and the new first
    letter is capitalised; doubled spaces become one and a space before a comma goes.
    ", in 10 years you'll weigh 74 kg" -> "In 10 years you'll weigh 74 kg";
    "，你是一杯拿铁" -> "你是一杯拿铁". Text with nothing left over comes back as it was.
    """
    tidy = SPACE_COMMA_RE.sub(r"\1", SPACES_RE.sub(" ", text))
    stripped = LEADING_LEFTOVER_RE.sub("", tidy)
    if stripped != tidy and stripped:
        stripped = stripped[0].upper() + stripped[1:]
    return stripped


def outcome_texts(
    *, definition: Definition, scored: ScoreResult
) -> tuple[str, str, dict[str, str]]:
    """Title, description and card texts of the outcome, placeholders filled and tidied
    (`text_tidy`), so a skipped optional name leaves no stray comma."""
    outcome = _outcome(definition, scored.outcome_key)
    context = dict(scored.context)
    language = str(definition.get("language") or "") or None  # figures as the quiz's language
    title = text_tidy(template_render(outcome["title"], context=context, language=language))
    description = text_tidy(
        template_render(outcome.get("description") or "", context=context, language=language)
    )
    card: Card = {**(definition.get("card") or {}), **(outcome.get("card") or {})}
    context["outcome"] = title
    card_text: dict[str, str] = {
        key: text_tidy(template_render(card[key], context=context, language=language))
        for key in CARD_TEXT_KEYS
        if card.get(key)
    }
    if name := visitor_name(definition=definition, context=context):
        card_text["name"] = name
    return title, description, card_text


def visitor_name(*, definition: Definition, context: dict[str, Any]) -> str:
    """The visitor's name for their card: the text question keyed `name`, else the first one."""
    texts = [q["key"] for q in definition["questions"] if q["type"] == "text"]
    if not texts:
        return ""
    key = "name" if "name" in texts else texts[0]
    value = context.get(key)
    return value.strip() if isinstance(value, str) else ""


def result_compute(
    *, definition: Definition, programs: Programs, answers: object
) -> tuple[Computed, Answers]:
    """Validate and score `answers`; (the computed result, the clean answers).

    Raises AnswersInvalid with messages by question key; nothing is written.
    """
    clean, errors = answers_validate(definition=definition, answers=answers)
    if errors:
        raise AnswersInvalid({k: list(v) for k, v in errors.items()})
    try:
        scored = score_compute(definition=definition, answers=clean, programs=programs)
        title, description, card_text = outcome_texts(definition=definition, scored=scored)
    except ScoringError as exc:
        logger.warning("scoring failed for %s: %s", definition.get("slug"), exc)
        raise AnswersInvalid({"answers": [SCORING_FAILED]}) from exc
    computed = Computed(
        outcome_key=scored.outcome_key,
        title=title,
        description=description,
        score=scored.score,
        max_score=scored.max_score,
        values=dict(scored.values),
        card_text=card_text,
    )
    return computed, clean


def response_submit(
    *,
    published: Published,
    answers: object,
    visitor: str,
    ip_hash: str,
    ref: object = None,
    take: object = None,
) -> Result:
    """Save a visitor's completed take of a published quiz and return its Result.

    Counts the submission against the rate limits first (RateLimited), then validates
    (AnswersInvalid, nothing saved). The result, the take's answer events and what the
    receivers of `result_submitted` write (quizzes/signals.py) go in one transaction. A take that
    already has this visitor's result gives that result back (a double submit makes one).
    Raw answers expire after the quiz's retention days; the IP hash is never stored.
    """
    submission_check(visitor=visitor, ip_hash=ip_hash, quiz_id=published.quiz_id)
    try:
        computed, clean = result_compute(
            definition=published.definition, programs=published.programs, answers=answers
        )
    except AnswersInvalid as exc:
        if exc.errors.get("answers") == [SCORING_FAILED]:
            _scoring_failure_note(published)
        raise
    take_id = take_clean(take)
    if take_id is not None:
        existing = Result.objects.filter(quiz_id=published.quiz_id, take=take_id).first()
        if existing is not None and _is_theirs(existing, visitor=visitor):
            return existing
        if existing is not None:
            take_id = None  # another visitor's (or a deleted) take: never theirs, a new one
    fields = _result_fields(published=published, computed=computed, clean=clean)
    try:
        return _result_create(
            published=published,
            visitor=visitor,
            take=take_id or take_new(),
            ref=ref,
            fields=fields,
        )
    except IntegrityError:
        # A concurrent request with the same take committed first (the unique quiz+take
        # constraint): the same visitor gets that one result back, anyone else a new take.
        if take_id is None:
            raise
        existing = Result.objects.filter(quiz_id=published.quiz_id, take=take_id).first()
        if existing is not None and _is_theirs(existing, visitor=visitor):
            return existing
        return _result_create(
            published=published, visitor=visitor, take=take_new(), ref=ref, fields=fields
        )


def _result_fields(*, published: Published, computed: Computed, clean: Answers) -> dict[str, Any]:
    """The columns of a new result: what the take computed, and when its answers expire."""
    return {
        "answers": clean,
        "answers_expire_at": timezone.now()
        + timedelta(days=retention_days_bound(published.retention_days)),
        "outcome_key": computed.outcome_key,
        "title": computed.title,
        "description": computed.description,
        "score": computed.score,
        "max_score": computed.max_score,
        "values": computed.values,
        "card_text": computed.card_text,
    }


def _is_theirs(result: Result, *, visitor: str) -> bool:
    return result.visitor == visitor and result.deleted_at is None


def _result_create(
    *, published: Published, visitor: str, take: str, ref: object, fields: dict[str, Any]
) -> Result:
    # In a savepoint: a unique-take conflict rolls back this insert only, and the caller
    # can still read the row that won.
    with transaction.atomic():
        result = Result(
            quiz_id=published.quiz_id,
            # The published version by its id and its definition: the result body reads no
            # row for it, and the rooms above (a call to action) no cache either.
            version=QuizVersion(pk=published.version_id, definition=published.definition),
            visitor=visitor,
            take=take,
            **fields,
        )
        result_insert(result)  # as SQL: every completion's statements (quizzes.taking.rows)
        answer_events_insert(
            quiz_id=published.quiz_id,
            take=take,
            answered=answered_positions(published.definition, fields["answers"]),
        )
        if shown := conditional_shown(published.definition, fields["answers"]):
            ShownEvent.objects.bulk_create(
                [ShownEvent(quiz_id=published.quiz_id, take=take, question_key=k) for k in shown],
                ignore_conflicts=True,
            )
        # In the savepoint: what the receivers write (the referral, the share link) is
        # saved with the result or not at all.
        result_submitted.send(
            sender=Result, result=result, ref=ref if isinstance(ref, str) and ref else None
        )
    return result


def _scoring_failure_note(published: Published) -> None:
    # The editor sees it in the quiz's history; at most one note an hour per version.
    if cache.add(f"scoring-failed:{published.version_id}", 1, timeout=3600):
        AuditEntry.objects.create(
            quiz_id=published.quiz_id,
            version_id=published.version_id,
            action=AuditAction.SCORING_FAILED,
            comment="A visitor's answers could not be scored; see the server log.",
        )


# --- privacy -------------------------------------------------------------------------------


def result_delete(*, result: Result, visitor: str) -> None:
    """Delete a visitor's own result (NotOwner otherwise); deleting twice is harmless.

    Its answers, texts, values and image go; its page, image and share links stop working
    (404/410). The row stays, emptied, so the counts already made (a completion, a referral,
    clicks on its links) stay as they were.
    """
    if result.visitor != visitor:
        raise NotOwner("Only the visitor who got this result can delete it.")
    with transaction.atomic():
        # The row lock orders this against a card render recording its file (the card
        # render takes the same lock): the names the receivers read are the last recorded.
        locked = Result.objects.select_for_update().get(pk=result.pk)
        _result_empty(result=locked)
    result.refresh_from_db()


def _result_empty(*, result: Result) -> None:
    if result.deleted_at is not None:
        return
    before = copy.copy(result)
    result.deleted_at = timezone.now()
    result.answers = None
    result.answers_expire_at = None
    result.title = ""
    result.description = ""
    result.values = {}
    result.score = None
    result.max_score = None
    result.card_text = {}
    result.save(
        update_fields=[
            "deleted_at",
            "answers",
            "answers_expire_at",
            "title",
            "description",
            "values",
            "score",
            "max_score",
            "card_text",
        ]
    )
    # Its pictures go too (the receivers' part, under the same row lock).
    result_deleted.send(sender=Result, result=before)
