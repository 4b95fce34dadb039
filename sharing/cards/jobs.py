"""Result cards in storage: render a card once, store it, record it on the result's row.

The renderer (`sharing.cards.render`) is pure; here cards meet the database and the storage
(what a card shows: `sharing.cards.inputs`, from frozen data only, so a card can be drawn
again after the answers expired; what pages show of it: `sharing.cards.show`).

Files are named `cards/<card_inputs_hash>.<ext>`: equal inputs give the same name, and a
name that exists in storage is never rendered or written again. So a retried or redelivered
task writes nothing new, and two visitors with the same outcome and no name share one file.
The QR code carries the result's own `qr` share link, which would make every card unique,
so it is drawn only where a link cannot be tapped: on the square and story layouts
(`inputs.QR_LAYOUTS`). The render task draws the og card and marks the result ready, then
sends its square card (the picture a visitor saves or shares as a file) to be drawn behind
it; both names are kept in the result's `ResultCard` row (sharing.models; a result with no
row yet is pending). The Open Graph card (1200x630, the link preview in a chat, where the
friend taps the link itself) has no QR and is shared between equal results. A version's own
card (the quiz's) is stored the same way: `sharing.cards.version_jobs`.

Card URLs never change content (the hash is in the name): served with a year-long
Cache-Control (S3: settings.STORAGES; local media: a front proxy, `sharing.media` under DEBUG).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from quizzes.models import Result

from ..models import CardStatus, ResultCard, VersionCard
from .inputs import OG, SQUARE, result_card_spec
from .render import CardSpec, card_inputs_hash, card_render
from .rows import (
    card_ready_record,
    card_result_get,
    card_square_record,
    result_card_of,
    result_lock_live,
)

logger = logging.getLogger(__name__)

FORMATS = ("png", "jpeg")
EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}
CARDS_DIR = "cards"
ERROR_MAX = 300
# After the 1st, 2nd, 3rd... failed run of a card, the card job (every 10 minutes) tries again
# at its first run this much later (the last delay repeats), up to CARD_RETRY_MAX_ATTEMPTS runs.
CARD_RETRY_BACKOFF = (
    timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
    timedelta(hours=2), timedelta(hours=12),
)  # fmt: skip


# --- files ---------------------------------------------------------------------------------


def card_store(*, spec: CardSpec) -> str:
    """The storage name of `spec`'s card, rendering and writing it only if it is not there:
    `cards/<card_inputs_hash>.<ext>`; equal specs give equal names; an existing file is
    neither rendered nor written again; two writers racing end on one name."""
    digest = card_inputs_hash(spec, formats=FORMATS)
    for ext in dict.fromkeys(EXTENSIONS[f] for f in FORMATS):
        name = f"{CARDS_DIR}/{digest}.{ext}"
        if default_storage.exists(name):
            return name
    card = card_render(spec, formats=FORMATS)
    name = f"{CARDS_DIR}/{digest}.{EXTENSIONS[card.format]}"
    saved = default_storage.save(name, ContentFile(card.data))
    if saved != name:  # another worker wrote the same bytes under this name meanwhile
        default_storage.delete(saved)
    return name


def result_card_render(*, result_id: str, layout: str = OG) -> str | None:
    """Render and store the card of a result; on the og layout mark the result ready.

    Idempotent: the file name comes from the inputs (written once), and the status changes
    with a conditional update that leaves a ready or deleted result alone. Returns the
    storage name, or None for an unknown or deleted result."""
    result = card_result_get(result_id=result_id)
    if result is None:
        return None
    if layout != OG:
        return card_store(spec=result_card_spec(result=result, layout=layout))
    card = result_card_of(result)
    if card is not None and card.status == CardStatus.READY and card.name:
        return card.name
    spec = result_card_spec(result=result, layout=OG)
    name = card_store(spec=spec)
    with transaction.atomic():
        if not result_lock_live(result_id=result.pk, texts=result.card_text):
            _card_discard(name=name, spec=spec)
            return None
        updated = card_ready_record(result_id=result.pk, name=name)
    if not updated:
        # Made ready by another delivery meanwhile: keep what is there.
        current = ResultCard.objects.filter(result_id=result.pk).values_list("name", flat=True)
        return current.first() or None
    return name


def result_square_render(*, result_id: str) -> str | None:
    """Render and store a result's square card (with its QR code) and keep its name
    (`ResultCard.square_name`). Idempotent: a name already kept is returned as is; the file
    name comes from the inputs (written once); a deleted result is left alone. Returns the
    storage name, or None for an unknown or deleted result."""
    result = card_result_get(result_id=result_id)
    if result is None:
        return None
    card = result_card_of(result)
    if card is not None and card.square_name:
        return card.square_name
    spec = result_card_spec(result=result, layout=SQUARE)
    name = card_store(spec=spec)
    with transaction.atomic():
        if result_lock_live(result_id=result.pk, texts=result.card_text):
            card_square_record(result_id=result.pk, name=name)
            return name
    _card_discard(name=name, spec=spec)
    return None


def _card_discard(*, name: str, spec: CardSpec) -> None:
    """Remove a card just written for a result deleted meanwhile, if it is personal (a name or
    a QR link: no other result shares it) and no live result or version refers to it."""
    if not (spec.name or spec.share_url) or card_referenced(names=[name]):
        return
    default_storage.delete(name)
    logger.info("removed card %s of a result deleted while it was drawn", name)


def result_cards_render(*, result_id: str) -> str | None:
    """Both cards at once, the square first, then the og card (which marks the result
    ready), for callers that draw inline; the worker draws the og card first and the square
    behind it (sharing.tasks). Returns the og card's name, or None."""
    if result_square_render(result_id=result_id) is None:
        return None
    return result_card_render(result_id=result_id)


# The periodic card job sends a purged result's new card again if it is still not drawn this
# much later (its message lost to a broker outage); `ResultCard.retry_at` is that time, cleared once
# it is drawn.
CARD_RECHECK = timedelta(minutes=10)


def result_cards_forget(*, result: Result) -> None:
    """After a purge (quizzes.taking.retention) under the result's row lock: the cards drawn from
    the old texts (`result` as it was) are deleted once it commits, unless another result
    still shows the same file; the card is pending again (the caller sends the render)."""
    # Read under the row lock the caller holds: the names a render recorded last.
    card = ResultCard.objects.filter(result_id=result.pk).first()
    old_cards = [card.name, card.square_name] if card is not None else []
    ResultCard.objects.update_or_create(
        result_id=result.pk,
        defaults={
            "name": "",
            "square_name": "",
            "status": CardStatus.PENDING,
            "error": "",
            "attempts": 0,
            "retry_at": timezone.now() + CARD_RECHECK,
            "square_status": CardStatus.PENDING,
            "square_error": "",
            "square_attempts": 0,
            "square_retry_at": None,
        },
    )
    for name in filter(None, old_cards):
        # Equal cards are shared by name: keep a file another result still shows.
        if not ResultCard.objects.filter(name=name).exists():
            transaction.on_commit(lambda name=name: default_storage.delete(name))  # type: ignore[misc]


def result_cards_delete(*, result: Result) -> None:
    """After its visitor deleted `result` (as it was), under its row lock: its cards are
    deleted once that commits. The square card carries this result's own QR link (and maybe
    the visitor's name): never shared with another result, it goes whatever the og card does;
    the og card goes unless another result shows the same file."""
    card = ResultCard.objects.filter(result_id=result.pk).first()
    if card is None:
        return
    name, square = card.name, card.square_name
    ResultCard.objects.filter(result_id=result.pk).update(
        name="", square_name="", square_status=CardStatus.PENDING, square_retry_at=None
    )
    if name and not ResultCard.objects.filter(name=name).exists():
        transaction.on_commit(lambda: default_storage.delete(name))
    if square:
        transaction.on_commit(lambda: default_storage.delete(square))


def result_card_fail(*, result_id: str, error: str) -> bool:
    """Mark a result's card failed with `error` (shown to editors), unless it is ready, and
    count the failed run: the card job tries again CARD_RETRY_BACKOFF later, until
    settings.CARD_RETRY_MAX_ATTEMPTS runs failed (then `retry_at` is None: it stays failed).
    Returns whether a row changed."""
    with transaction.atomic():
        # The result's row lock orders this against a render recording its card.
        if not Result.objects.select_for_update().filter(pk=result_id).exists():
            return False
        card, _ = ResultCard.objects.get_or_create(result_id=result_id)
        if card.status == CardStatus.READY:
            return False
        ResultCard.objects.filter(result_id=result_id).update(
            **card_failed_fields(attempts=card.attempts, error=error)
        )
    return True


def result_square_fail(*, result_id: str, error: str) -> bool:
    """Mark a result's square card failed with `error`, unless its name is kept, and count the
    failed run, retried as `result_card_fail` retries the og card (its own `square_*` columns:
    the og card's status stays as it is). Returns whether a row changed."""
    with transaction.atomic():
        # The result's row lock orders this against a render keeping its square's name.
        if not Result.objects.select_for_update().filter(pk=result_id).exists():
            return False
        card, _ = ResultCard.objects.get_or_create(result_id=result_id)
        if card.square_name:
            return False
        ResultCard.objects.filter(result_id=result_id).update(
            **card_failed_fields(attempts=card.square_attempts, error=error, prefix="square_")
        )
    return True


def card_failed_fields(*, attempts: int, error: str, prefix: str = "") -> dict[str, Any]:
    """The columns of a card (`prefix`: "square_" for a result's square card) whose run
    failed once more after `attempts` failed runs: failed, with the error shown to editors,
    and its next try."""
    return {
        f"{prefix}status": CardStatus.FAILED,
        f"{prefix}error": error[:ERROR_MAX],
        f"{prefix}attempts": attempts + 1,
        f"{prefix}retry_at": card_retry_at(attempts=attempts + 1),
    }


def card_retry_at(*, attempts: int) -> datetime | None:
    """When the card job tries a card again after its `attempts`-th failed run; None once
    settings.CARD_RETRY_MAX_ATTEMPTS runs failed (it stays failed)."""
    if attempts >= settings.CARD_RETRY_MAX_ATTEMPTS:
        return None
    return timezone.now() + CARD_RETRY_BACKOFF[min(attempts, len(CARD_RETRY_BACKOFF)) - 1]


def cards_due(*, now: datetime, lease: timedelta, limit: int, square: bool = False) -> list[str]:
    """Ids of results whose card is due for another try, each claimed for `lease`: failed
    cards whose backoff ended, and pending cards with a time set (an answers purge asks for a
    new card and sets one, in case its message is lost); with `square`, failed square cards
    whose backoff ended (`result_square_fail`).

    The claim (a conditional update of `retry_at`) keeps the next run of the job from
    sending it again while it waits in the queue; if its message is lost, the lease ends and
    the job sends it again. A run that fails sets the next time (`result_card_fail`), one that
    succeeds clears it.
    """
    at, status = ("square_retry_at", "square_status") if square else ("retry_at", "status")
    live = ResultCard.objects.filter(result__deleted_at__isnull=True)
    return due_claim(live, key="result_id", at=at, status=status, now=now, lease=lease, limit=limit)


def due_claim(
    rows: QuerySet[Any],
    *,
    key: str,
    at: str,
    status: str,
    now: datetime,
    lease: timedelta,
    limit: int,
) -> list[Any]:
    """The `key` of each of `rows` (card rows) not ready whose `at` time came, in that order,
    each claimed for `lease` by a conditional update of `at`: a run of the job beside this
    one, or the next, claims it only once the lease ends."""
    waiting = rows.exclude(**{status: CardStatus.READY})
    due = waiting.filter(**{f"{at}__lte": now}).order_by(at).values_list(key, at)[:limit]
    return [
        k
        for k, when in list(due)
        if waiting.filter(**{key: k, at: when}).update(**{at: now + lease})
    ]


def card_referenced(*, names: list[str]) -> set[str]:
    """Which of `names` a live result (og or square card) or a version (fallback) uses."""
    used: set[str] = set()
    live = ResultCard.objects.filter(result__deleted_at__isnull=True)
    used.update(live.filter(name__in=names).values_list("name", flat=True))
    used.update(live.filter(square_name__in=names).values_list("square_name", flat=True))
    used.update(VersionCard.objects.filter(name__in=names).values_list("name", flat=True))
    return used


def orphan_cards_sweep(*, older_than: timedelta, batch: int = 500) -> int:
    """Delete card files no live result or version refers to, written more than `older_than`
    ago (younger ones may belong to a render that has not recorded its name yet).

    Catches what the delete-time cleanup cannot: a worker that died between writing a card and
    recording it, a delete whose after-commit removal failed. Returns how many were removed.
    """
    try:
        _dirs, files = default_storage.listdir(CARDS_DIR)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    names = [f"{CARDS_DIR}/{f}" for f in files if not f.startswith(".")]
    for start in range(0, len(names), batch):
        chunk = names[start : start + batch]
        used = card_referenced(names=chunk)
        for name in chunk:
            if name in used:
                continue
            try:
                if default_storage.get_modified_time(name) > cutoff:
                    continue
                default_storage.delete(name)
            except FileNotFoundError:
                continue
            removed += 1
    if removed:
        logger.info("removed %d orphan card files", removed)
    return removed


def stale_card_results(
    *, older_than: timedelta, newer_than: timedelta, limit: int, square: bool = False
) -> list[str]:
    """Ids of results whose card is still pending after `older_than` (a lost message, a
    worker that died before acking on a broker that forgot), at most `newer_than` old; with
    `square`, of ready ones whose square card is still pending (a failed one waits for its
    retry time: `cards_due`)."""
    now = timezone.now()
    # No card row yet is pending too (the first render makes it).
    waiting = Q(card__isnull=True) | Q(card__status=CardStatus.PENDING)
    if square:
        waiting = Q(
            card__status=CardStatus.READY,
            card__square_name="",
            card__square_status=CardStatus.PENDING,
        )
    return list(
        Result.objects.filter(
            waiting,
            deleted_at__isnull=True,
            created_at__lt=now - older_than,
            created_at__gt=now - newer_than,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
