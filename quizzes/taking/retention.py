"""Answer retention: after a quiz's retention days, a result keeps nothing about its visitor.

What stays, for the stats and for the visitor's link: the outcome (`outcome_key`), the score
and its maximum, and texts that reveal no answer: the outcome's title, description and card
texts drawn again with only the score, the maximum and the outcome, a text answer (the name)
left empty as if skipped. A text that needs any other placeholder (an answer, a computed value
such as a predicted weight, from which the inputs can be worked back) is not kept: the title
becomes the quiz's title, a description or card text is dropped. The computed values go, and
the result card (with the name, the values and the QR) is deleted and drawn again from the
kept texts; until then the version's fallback card is shown. The privacy page says the same.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from quizzes.engine.templating import TemplateError, template_names, template_render
from quizzes.format.definition import Definition, definition_stored
from quizzes.models import Result
from quizzes.signals import answers_purged
from quizzes.taking.services import CARD_TEXT_KEYS, text_tidy

logger = logging.getLogger(__name__)
PURGE_BATCH = 200
PURGE_BUDGET = 60.0  # seconds; the task time limit (settings.CELERY_TASK_TIME_LIMIT) is 120


def answers_purge(*, now: datetime | None = None, budget: float = PURGE_BUDGET) -> int:
    """Forget the visitor in every result past its answers' expiry (the module docstring says
    what stays). Returns how many results were purged.

    Starts no new batch after `budget` seconds, so the task ends well within the task time
    limit however many results expired at once; the next hourly run goes on from there.
    Idempotent: a purged result has no expiry left, so a second run finds nothing to do. Each
    result is purged under its row lock (as `result_delete`), so a card render recording its
    file meanwhile is either seen (and its file deleted) or sees the new texts.
    """
    now = now or timezone.now()
    deadline = time.monotonic() + budget
    purged = 0
    while True:
        expired = Result.objects.filter(answers_expire_at__lte=now)
        ids = list(expired.values_list("pk", flat=True)[:PURGE_BATCH])
        if not ids:
            return purged
        for result_id in ids:
            with transaction.atomic():
                result = (
                    Result.objects.select_for_update()
                    .select_related("version")
                    .filter(pk=result_id, answers_expire_at__lte=now)
                    .first()
                )
                if result is not None:
                    _result_forget(result=result)
                    purged += 1
        if time.monotonic() > deadline:
            logger.info("purged %d results; the rest at the next run", purged)
            return purged


def kept_texts(*, definition: Definition, result: Result) -> tuple[str, str, dict[str, str]]:
    """(title, description, card texts) of `result` drawn again from what a purge keeps."""
    context: dict[str, object] = {
        q["key"]: "" for q in definition.get("questions") or [] if q.get("type") == "text"
    }
    context.update(score=result.score, max_score=result.max_score)
    outcome: Mapping[str, Any] = next(
        (o for o in definition.get("outcomes") or [] if o.get("key") == result.outcome_key), {}
    )
    quiz_title = str(definition.get("title") or "")
    title = _kept(outcome.get("title"), context) or quiz_title
    description = _kept(outcome.get("description"), context) or ""
    context["outcome"] = title
    card = {**(definition.get("card") or {}), **(outcome.get("card") or {})}
    texts = {key: _kept(card.get(key), context) for key in CARD_TEXT_KEYS}
    return title, description, {key: text for key, text in texts.items() if text}


def _kept(text: object, context: dict[str, object]) -> str | None:
    """`text` filled from `context` and tidied, or None if it needs a key `context` lacks."""
    if not isinstance(text, str) or not text:
        return None
    try:
        if not template_names(text) <= context.keys():
            return None
    except TemplateError:
        return None
    return text_tidy(template_render(text, context=context))


def _result_forget(*, result: Result) -> None:
    title, description, card_text = kept_texts(
        definition=definition_stored(result.version.definition), result=result
    )
    Result.objects.filter(pk=result.pk).update(
        answers=None,
        answers_expire_at=None,
        title=title,
        description=description,
        values={},
        card_text=card_text,
    )
    # The card drawn from the old texts goes and a new one is drawn (sharing's receiver);
    # `result` is still the row as it was.
    answers_purged.send(sender=Result, result=result)
