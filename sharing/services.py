"""Sharing services: share links and attribution (share-page visits: sharing/visits.py).

The receivers of quizzes' signals (sharing/receivers.py) call `referral_record` and
`share_default_create` when a result is submitted.

Exactness lives in the database: every count-bearing row is written with a unique
constraint and an insert that ignores conflicts, in the request, so concurrent or repeated
requests cannot double count and nothing acknowledged waits in a queue.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.signals import signal_send_robust
from core.sql import column, db_date, db_datetime, table
from quizzes.models import Result, url_token_ok
from quizzes.taking.ratelimit import RefusedKind

from .models import (
    Channel,
    Referral,
    RefusedRequest,
    Share,
    ShareKind,
    new_share_code,
)
from .signals import share_created

MAX_CODE_LENGTH = 20
# A chain of address-bar links is walked upwards at most this far (each step is a query).
MAX_CHAIN = 8
BUTTON_CHANNELS = frozenset(c.value for c in Channel if c != Channel.LINK)


class ShareRefused(Exception):
    """The share cannot be made: an unknown channel or a result that is not there."""


class NotResultOwner(Exception):
    """Only the visitor who got a result makes share links for it."""


def _code_ok(code: object) -> bool:
    return url_token_ok(code, max_length=MAX_CODE_LENGTH)


def share_result(share: Share) -> Result | None:
    """The result a share speaks for: its own, or (a minted link whose owner has not
    completed yet) the nearest ancestor's, the one the friend was looking at."""
    node: Share | None = share
    for _ in range(MAX_CHAIN):
        if node is None:
            return None
        if node.result_id is not None:
            return node.result
        node = node.parent
    return None


# What no share page reads: a version's source and programs, a result's answers. Left in the
# database, they are most of the bytes of the row the hottest page of the site fetches.
HEAVY = (
    "result__answers",
    "result__values",
    "result__version__programs",
    "result__version__document",
    "result__version__cta",
    "result__version__lead",
    "result__version__theme",
)


def share_get(*, code: object, visitor: str | None = None) -> Share | None:
    """The share with that code and what its page needs, in one query (None if unknown).

    With `visitor`, the same query also reads that visitor's own minted link under it into
    `share.own_code` (None: they have none, so their click is not counted yet)."""
    if not _code_ok(code):
        return None
    # The parent chain is only walked for minted links (lazily); the page needs no more.
    rows = (
        Share.objects.filter(code=code)
        .select_related("quiz", "result__version", "result__card")
        .defer(*HEAVY)
    )
    if visitor is not None:
        minted = Share.objects.filter(parent=OuterRef("pk"), owner=visitor, kind=ShareKind.MINTED)
        rows = rows.annotate(own_code=Subquery(minted.values("code")[:1]))
    return rows.first()


def referral_resolve(*, quiz_id: int, ref: object, visitor: str) -> tuple[Share | None, int]:
    """The share that refers a completion by `visitor` on quiz `quiz_id`, and the new depth.

    An unknown or malformed code, a code of another quiz, a deleted result's link, or a link
    owned by the same visitor (a self-referral) refers nothing: (None, 0). A visitor's own
    address-bar link that has no result of theirs yet stands for the link that brought them,
    so their completion is referred by that one. Depth is the referrer's depth + 1.
    """
    if not _code_ok(ref):
        return None, 0
    share = (
        Share.objects.filter(code=ref, quiz_id=quiz_id)
        .select_related("result__referral", "parent__result__referral")
        .first()
    )
    for _ in range(MAX_CHAIN):
        if (
            share is not None
            and share.kind == ShareKind.MINTED
            and share.owner == visitor
            and share.result_id is None
        ):
            share = share.parent
    if share is None or share.owner == visitor:
        return None, 0
    referrer = share_result(share)
    if referrer is not None and (referrer.visitor == visitor or referrer.deleted_at is not None):
        return None, 0
    return share, (referral_depth(referrer) + 1) if referrer is not None else 1


def referral_depth(result: Result) -> int:
    """How many shares away from a result nobody referred `result` is (0: nobody referred it)."""
    try:
        return result.referral.depth  # type: ignore[attr-defined]
    except Referral.DoesNotExist:
        return 0


def referral_record(*, result: Result, ref: str | None) -> None:
    """Record which share referred the new `result` (`referral_resolve` with the code its take
    came with) and its depth in the chain; nothing to write when no share referred it."""
    referrer, depth = referral_resolve(quiz_id=result.quiz_id, ref=ref, visitor=result.visitor)
    if referrer is None:
        return
    Referral.objects.create(result=result, share=referrer, depth=depth)


def share_default_create(*, result: Result, fresh: bool = False) -> Share:
    """The result's default `link` share (in the result body; not counted as a share).

    `fresh` says the result was saved in this transaction, so it has no link yet: a plain
    INSERT then replaces get-or-create's read and savepoint on the hot completion path.
    Also hands the visitor's address-bar links on this quiz that had no result yet to this
    result: from now on clicks and completions through them count for this visitor.
    """
    if fresh:
        return _share_default_insert(result=result)
    share, _ = Share.objects.get_or_create(
        result=result,
        channel=Channel.LINK,
        kind=ShareKind.DEFAULT,
        defaults={"quiz_id": result.quiz_id, "owner": result.visitor},
    )
    Share.objects.filter(
        kind=ShareKind.MINTED, quiz_id=result.quiz_id, owner=result.visitor, result=None
    ).update(result=result)
    return share


def _share_default_insert(*, result: Result) -> Share:
    # Every completion runs these two statements: written out as SQL (valid on SQLite and
    # PostgreSQL), as Django's compiling of them cost more than running them (issue 14's
    # profile of the response POST). The same rows as `Share.objects.create(...)` and the
    # `update(result=result)` of the other path.
    share = Share(
        code=new_share_code(), quiz_id=result.quiz_id, result=result, channel=Channel.LINK,
        kind=ShareKind.DEFAULT, owner=result.visitor, created_at=timezone.now(),
    )  # fmt: skip
    shares, created = table(Share), db_datetime(share.created_at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {shares} (code, quiz_id, result_id, channel, kind, owner, parent_id, "  # noqa: S608
            "created_at) VALUES (%s, %s, %s, %s, %s, %s, NULL, %s) RETURNING id",
            [share.code, share.quiz_id, result.pk, Channel.LINK.value, ShareKind.DEFAULT.value,
             share.owner, created],
        )  # fmt: skip
        share.pk = cursor.fetchone()[0]
        cursor.execute(
            f"UPDATE {shares} SET result_id = %s WHERE kind = %s AND quiz_id = %s "  # noqa: S608
            "AND owner = %s AND result_id IS NULL",
            [result.pk, ShareKind.MINTED.value, result.quiz_id, result.visitor],
        )
    share._state.adding = False
    share._state.db = connection.alias
    return share


def share_copy_default(*, result: Result) -> Share:
    """The result's `copy` link shown in the share bar's copy box, made once by the system
    (kind `default`: not counted) so the box shows the very link that Copy copies; the Copy
    button's `share_create` then counts it, as the QR button counts the card's QR link."""
    own = {
        "result": result,
        "channel": Channel.COPY,
        "kind__in": [ShareKind.DEFAULT, ShareKind.BUTTON],
    }
    share = Share.objects.filter(**own).order_by("pk").first()
    if share is not None:
        return share
    try:
        with transaction.atomic():
            return Share.objects.create(
                result=result, channel=Channel.COPY, kind=ShareKind.DEFAULT,
                quiz_id=result.quiz_id, owner=result.visitor,
            )  # fmt: skip
    except IntegrityError:  # a concurrent first render (or Copy) won; use its row
        return Share.objects.filter(**own).order_by("pk").get()


def share_create(*, result: Result, channel: object, visitor: str) -> Share:
    """The result's share link for `channel`: the same one for the same result and channel.

    `link` gives back the default link (not counted as a share); every other channel of
    api.md makes a counted `button` share once. Raises NotResultOwner (and records the
    refusal) unless `visitor` got the result, ShareRefused for an unknown channel or a
    deleted result. Safe under concurrent calls (the constraint decides, we re-read).
    """
    if result.visitor != visitor:
        refusal_record(quiz_id=result.quiz_id, kind=RefusedKind.SHARE)
        raise NotResultOwner
    if result.deleted_at is not None:
        raise ShareRefused("result")
    if channel == Channel.LINK:
        return share_default_create(result=result)
    if not isinstance(channel, str) or channel not in BUTTON_CHANNELS:
        raise ShareRefused("channel")
    own = {"result": result, "channel": channel, "kind__in": [ShareKind.DEFAULT, ShareKind.BUTTON]}
    try:
        share, created = Share.objects.get_or_create(
            **own,
            defaults={
                "kind": ShareKind.BUTTON,
                "quiz_id": result.quiz_id,
                "owner": result.visitor,
            },
        )
    except IntegrityError:
        # Only a race between two first taps lands here; the winner's row is the answer.
        share, created = Share.objects.get(**own), False
    if share.kind == ShareKind.DEFAULT:
        # The card's QR link, made by the system, becomes a share once a button asks for it:
        # one link per result and channel, and it is counted from now on.
        created = (
            Share.objects.filter(pk=share.pk, kind=ShareKind.DEFAULT).update(kind=ShareKind.BUTTON)
            == 1
        )
        share.kind = ShareKind.BUTTON
    if created:
        signal_send_robust(share_created, sender=Share, share=share)
    return share


def refusal_record(*, quiz_id: int, kind: str) -> None:
    """Count one request on `quiz_id` refused as abuse today (UTC), in one upsert."""
    refused = RefusedRequest._meta.db_table
    count = column(RefusedRequest, "count")
    day = timezone.now().astimezone(dt.UTC).date()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {refused} (quiz_id, kind, day, {count}) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (quiz_id, kind, day) DO UPDATE SET {count} = {refused}.{count} + 1",
            [quiz_id, str(kind), db_date(day)],
        )
