"""Share-page visits: previews, clicks and the friend's own address-bar link.

Exactness lives in the database: every count-bearing row is written with a unique
constraint and an insert that ignores conflicts, in the request, so concurrent or repeated
requests cannot double count and nothing acknowledged waits in a queue. The hottest of these
(a preview, a new friend's click) are one statement or one round trip of plain SQL: no read
first, no ORM machinery (sharing/pages.py serves them without reading the share).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction

from core.sql import db_now
from quizzes.models import Result
from quizzes.taking.ratelimit import click_check

from .models import Channel, Click, Preview, Share, ShareKind, new_share_code
from .services import MAX_CHAIN, share_result


def click_record(*, share: Share, visitor: str) -> None:
    """Count a browser visit: once per (share, visitor), however many requests race."""
    # INSERT ... ON CONFLICT DO NOTHING (PostgreSQL and SQLite alike): no read-then-write race,
    # and cheaper than bulk_create's machinery on the hottest path of the site.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Click._meta.db_table} (share_id, quiz_id, visitor, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (share_id, visitor) DO NOTHING",
            [share.pk, share.quiz_id, visitor, db_now()],
        )


def preview_record(*, share: Share, agent: str) -> None:
    """Count a link-preview bot's fetch of a share page."""
    Preview.objects.create(share=share, quiz_id=share.quiz_id, agent=agent[:100])


def preview_insert(*, share_id: int, quiz_id: int, agent: str, result_id: str) -> bool:
    """Count a link-preview bot's fetch of share `share_id`, whose page shows `result_id`:
    one INSERT, no read first. False, and nothing counted, when the result is deleted (or
    the share is gone)."""
    now = db_now()
    scope = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with scope, connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Preview._meta.db_table} (share_id, quiz_id, agent, created_at) "  # noqa: S608
                f"SELECT %s, %s, %s, %s FROM {Result._meta.db_table} "
                "WHERE id = %s AND deleted_at IS NULL",
                [share_id, quiz_id, agent[:100], now, result_id],
            )
            return cursor.rowcount == 1
    except IntegrityError:
        return False


def minted_code(*, share_id: int, visitor: str, result_id: str) -> str | None:
    """The code of the friend's own address-bar link under share `share_id`, if they have
    one and the result its page shows (`result_id`) is not deleted."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code FROM {Share._meta.db_table} "  # noqa: S608
            "WHERE parent_id = %s AND owner = %s AND kind = %s AND EXISTS "
            f"(SELECT 1 FROM {Result._meta.db_table} WHERE id = %s AND deleted_at IS NULL)",
            [share_id, visitor, ShareKind.MINTED.value, result_id],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else None


def minted_get(*, parent: Share, visitor: str) -> Share | None:
    """The friend's own address-bar link under `parent`, if they have one."""
    return Share.objects.filter(parent=parent, owner=visitor, kind=ShareKind.MINTED).first()


def click_mint(*, share: Share, visitor: str, result_id: str) -> str | None:
    """Count a new visitor's click on `share` and make their own link under it, in one round
    trip where the database allows (a data-modifying CTE on PostgreSQL; elsewhere two
    statements in one transaction); the code of the new link. None, and nothing written,
    when the result the page shows (`result_id`) is deleted, or the statement fails.

    Only for a visitor whose id was made by this request: they can own no link, result,
    click or minted link yet, so nothing needs to be read first. Both rows or neither.
    """
    code, now = new_share_code(), db_now()
    live = f"FROM {Result._meta.db_table} WHERE id = %s AND deleted_at IS NULL"
    click = (
        f"INSERT INTO {Click._meta.db_table} (share_id, quiz_id, visitor, created_at) "
        f"SELECT %s, %s, %s, %s {live} ON CONFLICT (share_id, visitor) DO NOTHING"
    )
    mint = (
        f"INSERT INTO {Share._meta.db_table} "
        "(code, quiz_id, result_id, channel, kind, owner, parent_id, created_at) "
        f"SELECT %s, %s, NULL, %s, %s, %s, %s, %s {live}"
    )
    click_args: list[Any] = [share.pk, share.quiz_id, visitor, now, result_id]
    mint_args: list[Any] = [code, share.quiz_id, Channel.COPY.value, ShareKind.MINTED.value]
    mint_args += [visitor, share.pk, now, result_id]
    one = connection.vendor == "postgresql"
    # One statement is atomic by itself: in autocommit, BEGIN and COMMIT would be two more
    # round trips (inside a transaction, a savepoint keeps the caller's transaction usable).
    scope = nullcontext() if one and not connection.in_atomic_block else transaction.atomic()
    try:
        with scope, connection.cursor() as cursor:
            if one:
                cursor.execute(f"WITH click AS ({click}) {mint}", click_args + mint_args)
            else:
                cursor.execute(click, click_args)
                cursor.execute(mint, mint_args)
            made = cursor.rowcount == 1
    except IntegrityError:  # the new code was taken (1 in 2**72), or the share is gone
        return None
    return code if made else None


def minted_create(*, parent: Share, visitor: str) -> Share:
    """Make the friend's own address-bar link under `parent` (one per (parent, friend); a
    concurrent request's row wins). If the friend already has a result on this quiz, the
    link speaks for their latest one."""
    own = (
        Result.objects.filter(quiz_id=parent.quiz_id, visitor=visitor, deleted_at=None)
        .order_by("-created_at")
        .values_list("id", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            return Share.objects.create(
                parent=parent,
                owner=visitor,
                kind=ShareKind.MINTED,
                channel=Channel.COPY,
                quiz_id=parent.quiz_id,
                result_id=own,
            )
    except IntegrityError:
        return Share.objects.get(parent=parent, owner=visitor, kind=ShareKind.MINTED)


@dataclass(frozen=True)
class Landing:
    """What a share page shows and records for one request."""

    share: Share
    result: Result
    kind: str  # "preview", "owner", "click" or "uncounted" (past the click limits)
    ref: str | None  # the code the "Take the test" button carries (None: the owner)
    own_code: str | None  # the friend's own address-bar code (private sharing)


def landing_visit(
    *, share: Share, visitor: str, visitor_is_new: bool, ip_hash: str, user_agent: str, is_bot: bool
) -> Landing | None:
    """Record one share-page request and say what to show; None when the link is gone.

    A bot's fetch is a preview; the link's owner (or the owner of the result it shows)
    counts as nothing; anybody else is a click, once per visitor, and gets a minted link of
    their own for the address bar. A visitor's first visit past the click limits (per
    visitor and per address) is shown the same page but counts nothing and mints nothing
    ("uncounted"). The button carries the code that brought the friend. `share` read with
    `share_get(visitor=...)` saves the query for the visitor's minted link.
    """
    result = share_result(share)
    if result is None or result.deleted_at is not None:
        return None
    if is_bot:
        preview_record(share=share, agent=user_agent)
        return Landing(share, result, "preview", share.code, None)
    if share.owner == visitor or result.visitor == visitor:
        ref = _ref_for_owner(share, visitor)
        return Landing(share, result, "owner", ref, None)
    # A reload: the minted link says this visitor's click is already counted.
    own = None if visitor_is_new else _own_code(share, visitor)
    if own is None:
        if not click_check(quiz_id=share.quiz_id, visitor=visitor, ip_hash=ip_hash):
            return Landing(share, result, "uncounted", share.code, None)
        own = (
            click_mint(share=share, visitor=visitor, result_id=result.pk)
            if visitor_is_new
            else None
        )
        if own is None:
            click_record(share=share, visitor=visitor)
            own = minted_create(parent=share, visitor=visitor).code
    return Landing(share, result, "click", share.code, own)


def _own_code(share: Share, visitor: str) -> str | None:
    if hasattr(share, "own_code"):  # read with the share (share_get's `visitor`)
        return share.own_code or None
    minted = minted_get(parent=share, visitor=visitor)
    return minted.code if minted is not None else None


def _ref_for_owner(share: Share, visitor: str) -> str | None:
    # A friend reopening their own minted link: the word still came from the link above it.
    node: Share | None = share
    for _ in range(MAX_CHAIN):
        if node is None or node.kind != ShareKind.MINTED or node.result_id is not None:
            break
        node = node.parent
        if node is not None and node.owner != visitor:
            return node.code
    return None
