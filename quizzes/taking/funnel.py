"""The funnel a take leaves behind: a quiz's views, each answered question, and each question
with a display condition that came on screen (sharing's stats count them).

Counting is exact because the database enforces it: a view is unique per visitor, quiz and
day, an answer event and a shown event per take and question. Every insert is a conditional
insert (ON CONFLICT DO NOTHING), so a retry never double counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from core.sql import db_date, db_now
from quizzes.engine.scoring import questions_shown
from quizzes.format.definition import Answers, Definition
from quizzes.models import AnswerEvent, QuizView, ShownEvent
from quizzes.taking.ratelimit import Claim, start_check, view_claim

# How long a visitor's view of a quiz is remembered as counted: its key names the day.
SEEN_SECONDS = 86400


def view_record(
    *, quiz_id: int, visitor: str, ip_hash: str | Callable[[], str], is_new: bool = False
) -> bool:
    """Count a browser's view of a quiz: once per visitor, quiz and UTC day. True if new.

    Caches spare the database a write for a visitor seen today: first this process's own mark
    (a view it counted, or found counted, today: no round trip at all), then the shared
    cache's, claimed together with the per-address view limit in one round trip
    (ratelimit.view_claim). The unique constraint, with a conditional insert, is what makes
    the count exact. A new visitor's view past the per-address view limit is not counted
    (False). `is_new`: the visitor's id was made by this request, so nobody has seen it: no
    cache is asked whether it was (a returning visit is, and its insert, ignored, sets the
    marks). `ip_hash` may be a function, called only when the limit is counted.
    """
    day = timezone.now().date()
    seen = f"qv:{quiz_id}:{visitor}:{day.isoformat()}"
    marks = getattr(cache, "local_marks", None)
    if not is_new and marks is not None and marks.get(seen):
        return False
    claim = view_claim(
        quiz_id=quiz_id, seen=seen, seconds=SEEN_SECONDS, ip_hash=ip_hash, is_new=is_new
    )
    if claim is not Claim.COUNT:
        if claim is Claim.SEEN and marks is not None:
            marks.put(seen, True, SEEN_SECONDS)
        return False
    try:
        _view_insert(quiz_id=quiz_id, visitor=visitor, day=day)
    except Exception:
        cache.delete(seen)  # not counted: a later view of theirs must try again
        raise
    if marks is not None:
        marks.put(seen, True, SEEN_SECONDS)
    return True


def _view_insert(*, quiz_id: int, visitor: str, day: date) -> None:
    # One INSERT ... ON CONFLICT DO NOTHING in autocommit (PostgreSQL and SQLite alike):
    # bulk_create's transaction and compiler cost the hottest page a fifth of its time.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {QuizView._meta.db_table} (quiz_id, visitor, day, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (quiz_id, visitor, day) DO NOTHING",
            [quiz_id, visitor, db_date(day), db_now()],
        )


def answer_record(
    *, quiz_id: int, take: str, question_key: str, position: int, visitor: str, ip_hash: str
) -> None:
    """Count one answered question of a take (the funnel); a repeat changes nothing.

    The first answer of a take is its start: it counts against the start limits first
    (RateLimited past them, and nothing is recorded); later answers of a take that has
    started are not limited.
    """
    if not AnswerEvent.objects.filter(quiz_id=quiz_id, take=take).exists():
        start_check(quiz_id=quiz_id, visitor=visitor, ip_hash=ip_hash)
    AnswerEvent.objects.bulk_create(
        [AnswerEvent(quiz_id=quiz_id, take=take, question_key=question_key, position=position)],
        ignore_conflicts=True,
    )


def shown_record(*, quiz_id: int, take: str, question_key: str) -> bool:
    """Count that a take was shown a question with a display condition (the drop-off's
    denominator, sharing's stats); a repeat changes nothing. Only a started take (one with
    an answer counted) is counted, so this never makes a start nor escapes the start limits.
    True if counted (now or before)."""
    if not AnswerEvent.objects.filter(quiz_id=quiz_id, take=take).exists():
        return False
    ShownEvent.objects.bulk_create(
        [ShownEvent(quiz_id=quiz_id, take=take, question_key=question_key)],
        ignore_conflicts=True,
    )
    return True


def conditional_shown(definition: Definition, clean: Answers) -> list[str]:
    """The questions with a display condition that these answers showed."""
    shown = set(questions_shown(definition=definition, answers=clean))
    return [q["key"] for q in definition["questions"] if "show_if" in q and q["key"] in shown]


def answered_positions(definition: Definition, clean: Answers) -> list[tuple[str, int]]:
    """(key, position) of each question these answers answer: a result's answer events."""
    keys = []
    for position, question in enumerate(definition["questions"]):
        value = clean.get(question["key"])
        if value not in (None, "", []):
            keys.append((question["key"], position))
    return keys
