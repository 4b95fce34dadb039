"""A quiz version's own card in storage: drawn at publish, recorded on its `VersionCard` row.

The card a version's results show until their own is drawn, and the quiz's link preview
(its title on its design, no visitor, no QR: `inputs.fallback_card_spec`). It is stored as
result cards are (`jobs.card_store`: a name from its inputs, written once), and fails and is
retried as they are: a run that fails for good marks the row failed with its error, and the
ten-minute card job (sharing.tasks.rerender_stale_cards) sends it again after
`jobs.CARD_RETRY_BACKOFF`, up to settings.CARD_RETRY_MAX_ATTEMPTS runs; a version published a
few minutes ago that has no row at all (its message lost) is sent again the same way.
Meanwhile pages show the site's static card (`show.DEFAULT_CARD`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction

from quizzes.models import QuizVersion

from ..models import CardStatus, VersionCard
from .inputs import fallback_card_spec
from .jobs import card_failed_fields, card_store, due_claim

FALLBACK_CACHE = "version-card:{}"
NO_CARD_SECONDS = 60
FALLBACK_CACHE_SECONDS = 3600
# A drawn version card's name, kept in a process (a redraw of the same design is the same).
LOCAL_SECONDS = 60


def fallback_card_render(*, version_id: int) -> str | None:
    """Render and store a version's quiz-level card and record it ready (VersionCard),
    clearing a failure and its retry time: a later success wins.

    Runs at every publish. A card design hash that did not change gives the same file name,
    so nothing is drawn again; a new design gives a new file, and the live quiz's preview
    image changes with it. Results are not re-rendered: a result is frozen to the version it
    was taken on, so its card keeps that version's design (and its pending image keeps that
    version's fallback card). Returns the name, or None for an unknown version.
    """
    version = QuizVersion.objects.select_related("quiz").filter(pk=version_id).first()
    if version is None or not version.definition:
        return None
    name = card_store(spec=fallback_card_spec(version=version))
    # update_or_create locks the row: ordered against `version_card_fail`.
    VersionCard.objects.update_or_create(
        version=version,
        defaults={"name": name, "status": CardStatus.READY, "error": "", "retry_at": None},
    )
    cache.set(FALLBACK_CACHE.format(version.pk), name, timeout=FALLBACK_CACHE_SECONDS)
    return name


def version_card_name(*, version_id: int) -> str:
    """The storage name of a version's own card, "" before it is drawn (or while it fails).
    Every pending result body reads it: from the cache once drawn (a version's design, so its
    card, never changes), else one query (only until the worker draws it, seconds after the
    publish)."""
    key = FALLBACK_CACHE.format(version_id)
    # With Redis, a drawn name is kept in this process too (LOCAL_SECONDS): every POST asks.
    copies = getattr(cache, "local_copies", None)
    if copies is not None and (kept := copies.get(key)) is not None:
        return str(kept)
    name = cache.get(key)
    if name is None:
        name = VersionCard.objects.filter(version_id=version_id).values_list("name", flat=True)
        name = name.first()
        # "Not drawn yet" is remembered briefly too (every quiz page asks): the render sets
        # the key the moment it records the card, so nobody waits for this to expire.
        cache.set(key, name or "", timeout=FALLBACK_CACHE_SECONDS if name else NO_CARD_SECONDS)
    if name and copies is not None:
        copies.put(key, name, LOCAL_SECONDS)
    return str(name or "")


def version_card_fail(*, version_id: int, error: str) -> bool:
    """Mark a version's card failed with `error` (shown to editors), unless it is ready, and
    count the failed run: the card job tries again CARD_RETRY_BACKOFF later, until
    settings.CARD_RETRY_MAX_ATTEMPTS runs failed (then `retry_at` is None: it stays failed).
    Returns whether a row changed."""
    if not QuizVersion.objects.filter(pk=version_id).exists():
        return False
    with transaction.atomic():
        # The card's row lock orders this against a render recording the card.
        card, _ = VersionCard.objects.select_for_update().get_or_create(version_id=version_id)
        if card.status == CardStatus.READY:
            return False
        VersionCard.objects.filter(version_id=version_id).update(
            **card_failed_fields(attempts=card.attempts, error=error)
        )
    return True


def version_cards_due(
    *, now: datetime, lease: timedelta, stale_after: timedelta, give_up: timedelta, limit: int
) -> list[int]:
    """Ids of versions whose card is due for another try, each claimed for `lease`: failed
    cards whose backoff ended, and versions published between `stale_after` and `give_up`
    ago that still have no card row (a lost message: they get a pending row, due now).

    The claim (a conditional update of `retry_at`) keeps the next run of the job, or one
    running beside it, from sending a card again while it waits in the queue; if its message
    is lost, the lease ends and the job sends it again. A run that fails sets the next time
    (`version_card_fail`), one that succeeds clears it.
    """
    _lost_cards_pending(now=now, older_than=stale_after, newer_than=give_up, limit=limit)
    return due_claim(
        VersionCard.objects.all(),
        key="version_id",
        at="retry_at",
        status="status",
        now=now,
        lease=lease,
        limit=limit,
    )


def _lost_cards_pending(
    *, now: datetime, older_than: timedelta, newer_than: timedelta, limit: int
) -> None:
    """A pending row, due at `now`, for each version published between `older_than` and
    `newer_than` ago with no card row: neither drawn nor failed, so its message was lost (or
    its worker died before acking on a broker that forgot)."""
    lost = (
        QuizVersion.objects.filter(
            card__isnull=True,
            definition__isnull=False,
            published_at__lt=now - older_than,
            published_at__gt=now - newer_than,
        )
        .order_by("published_at")
        .values_list("pk", flat=True)[:limit]
    )
    # Another run may add the same rows meanwhile: the claim then sends each once.
    VersionCard.objects.bulk_create(
        [VersionCard(version_id=pk, retry_at=now) for pk in lost], ignore_conflicts=True
    )
