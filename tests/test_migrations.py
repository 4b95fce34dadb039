"""Migrating a database made by the previous migrations loses nothing (issue 10).

The database is taken back to the last migrations before sharing owned a result's referral,
its cards and a version's fallback card (quizzes 0004, sharing 0002), filled there with the
demo quizzes (load_demo), results (some referred, at several depths, one whose share was
deleted since), shares of every kind, clicks, result cards (ready ones with a square card,
a failed one waiting for its retry, a pending one) and fallback cards with their files, and
migrated forward: the counts, every referral, every card's status, names, error and retry
time, the card texts (without the square card's name) and every card file are the same after.
The demo quizzes are imported first (load_demo runs the code's models), then the database is
taken back. The suite runs this on SQLite and, in its PostgreSQL pass, on PostgreSQL.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.conftest import roles_restore

BEFORE = [("quizzes", "0004_merge_card_retry_and_retention"), ("sharing", "0002_refusedrequest")]
RETRY_AT = timezone.now().replace(microsecond=0)
CARD_FIELDS = ("card_status", "card_name", "card_error", "card_attempts", "card_retry_at")


def _migrate(targets: list[tuple[str, str]]):
    """Migrate the test database to `targets`; the app registry of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _fill(apps) -> None:
    """Results, shares, clicks and card files on the demo quizzes, with the old models."""
    Quiz = apps.get_model("quizzes", "Quiz")
    QuizVersion = apps.get_model("quizzes", "QuizVersion")
    Result = apps.get_model("quizzes", "Result")
    Share = apps.get_model("sharing", "Share")
    Click = apps.get_model("sharing", "Click")
    for q, quiz in enumerate(Quiz.objects.order_by("pk")):
        fallback = default_storage.save(f"cards/fallback-{q}.png", ContentFile(b"fb %d" % q))
        QuizVersion.objects.filter(pk=quiz.live_version_id).update(fallback_card=fallback)
        referrer = None
        for n in range(6):
            card = default_storage.save(f"cards/{q}-{n}.png", ContentFile(b"png %d %d" % (q, n)))
            square = default_storage.save(f"cards/{q}-{n}-sq.png", ContentFile(b"sq"))
            result = Result.objects.create(
                id=f"r{q}x{n}".ljust(22, "0"),
                quiz=quiz,
                version_id=quiz.live_version_id,
                visitor=f"v{q}-{n}",
                take=f"t{q}-{n}",
                outcome_key="o",
                title=f"Result {n}",
                card_text={"headline": "Hi", "square_card": square},
                card_status="ready",
                card_name=card,
                referred_by=referrer.pk if referrer else None,
                depth=n,
            )
            Share.objects.create(
                code=f"d{q}x{n}", quiz=quiz, result=result, channel="link", kind="default",
                owner=result.visitor,
            )  # fmt: skip
            referrer = Share.objects.create(
                code=f"b{q}x{n}", quiz=quiz, result=result, channel="whatsapp", kind="button",
                owner=result.visitor,
            )  # fmt: skip
            Share.objects.create(
                code=f"m{q}x{n}", quiz=quiz, result=None, channel="link", kind="minted",
                owner=f"friend{q}-{n}", parent=referrer,
            )  # fmt: skip
            for c in range(n):
                Click.objects.create(share=referrer, quiz=quiz, visitor=f"c{c}")
        # A failed card waiting for its retry, and a card nobody drew yet (no square).
        Result.objects.create(
            id=f"r{q}fail".ljust(22, "0"), quiz=quiz, version_id=quiz.live_version_id,
            visitor="unlucky", take=f"t{q}-fail", outcome_key="o", title="Failed",
            card_text={"headline": "Oops"}, card_status="failed", card_error="OSError: full",
            card_attempts=2, card_retry_at=RETRY_AT,
        )  # fmt: skip
        Result.objects.create(
            id=f"r{q}wait".ljust(22, "0"), quiz=quiz, version_id=quiz.live_version_id,
            visitor="waiting", take=f"t{q}-wait", outcome_key="o", title="Waiting",
        )  # fmt: skip
        # A referred result whose share was deleted since: its depth stays.
        doomed = Share.objects.create(
            code=f"z{q}", quiz=quiz, result=None, channel="copy", kind="button", owner="gone"
        )
        Result.objects.create(
            id=f"r{q}gone".ljust(22, "0"), quiz=quiz, version_id=quiz.live_version_id,
            visitor="late", take=f"t{q}-late", outcome_key="o", title="Late",
            referred_by=doomed.pk, depth=3,
        )  # fmt: skip
        doomed_pk = doomed.pk
        doomed.delete()
        # What the app's on_delete=SET_NULL did to such a result before these migrations.
        Result.objects.filter(referred_by=doomed_pk).update(referred_by=None)


def _counts(apps) -> dict[str, int]:
    models = [
        ("quizzes", "Quiz"),
        ("quizzes", "QuizVersion"),
        ("quizzes", "Result"),
        ("quizzes", "AuditEntry"),
        ("sharing", "Share"),
        ("sharing", "Click"),
    ]
    return {name: apps.get_model(app, name).objects.count() for app, name in models}


def _old_cards(apps) -> dict[str, tuple]:
    """Each result's card as quizzes kept it: its columns, the square card's name hidden in
    card_text, and the texts without it."""
    cards = {}
    for r in apps.get_model("quizzes", "Result").objects.all():
        text = dict(r.card_text)
        square = text.pop("square_card", "")
        cards[r.pk] = (*(getattr(r, f) for f in CARD_FIELDS), square, text)
    return cards


def _new_cards(apps) -> dict[str, tuple]:
    """Each result's card as sharing keeps it (ResultCard), with quizzes' card texts."""
    ResultCard = apps.get_model("sharing", "ResultCard")
    rows = {c.result_id: c for c in ResultCard.objects.all()}
    cards = {}
    for r in apps.get_model("quizzes", "Result").objects.all():
        c = rows[r.pk]
        cards[r.pk] = (
            c.status,
            c.name,
            c.error,
            c.attempts,
            c.retry_at,
            c.square_name,
            r.card_text,
        )
    return cards


def _card_files() -> dict[str, bytes]:
    _, files = default_storage.listdir("cards")
    return {name: default_storage.open(f"cards/{name}").read() for name in files}


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_migrates_without_losing_a_referral_or_a_card():
    try:
        roles_restore()
        call_command("load_demo", stdout=io.StringIO())
        old = _migrate(BEFORE)
        _fill(old)
        counts = _counts(old)
        referrals = {
            r.pk: (r.referred_by, r.depth)
            for r in old.get_model("quizzes", "Result").objects.all()
            if r.referred_by is not None or r.depth
        }
        cards = _old_cards(old)
        fallbacks = dict(
            old.get_model("quizzes", "QuizVersion")
            .objects.exclude(fallback_card="")
            .values_list("pk", "fallback_card")
        )
        files = _card_files()
        assert len(fallbacks) == counts["Quiz"]
        assert counts["Quiz"] >= 3 and counts["Result"] == 9 * counts["Quiz"]
        assert len(referrals) == 6 * counts["Quiz"]  # 5 referred, 1 by a deleted share

        new = _migrate(_latest())

        assert _counts(new) == counts
        Referral = new.get_model("sharing", "Referral")
        assert {r.result_id: (r.share_id, r.depth) for r in Referral.objects.all()} == referrals
        assert sum(1 for share, _ in referrals.values() if share is None) == counts["Quiz"]
        assert _new_cards(new) == cards
        ResultCard = new.get_model("sharing", "ResultCard")
        assert ResultCard.objects.count() == counts["Result"]
        assert ResultCard.objects.exclude(square_name="").count() == 6 * counts["Quiz"]
        # A kept square card is ready (sharing 0007); a missing one pending, sent again.
        kept = ResultCard.objects.exclude(square_name="").values_list("square_status", flat=True)
        missing = ResultCard.objects.filter(square_name="").values_list("square_status", flat=True)
        assert (set(kept), set(missing)) == ({"ready"}, {"pending"})
        assert (
            ResultCard.objects.filter(status="failed", retry_at=RETRY_AT).count()
            == (counts["Quiz"])
        )
        VersionCard = new.get_model("sharing", "VersionCard")
        assert dict(VersionCard.objects.values_list("version_id", "name")) == fallbacks
        # A kept version card is ready (sharing 0008): the card job leaves it alone.
        assert set(VersionCard.objects.values_list("status", flat=True)) == {"ready"}
        assert _card_files() == files
        # What the stats read: referred completions and depths, as before.
        Result = new.get_model("quizzes", "Result")
        assert Result.objects.filter(referral__share__isnull=False).count() == 5 * counts["Quiz"]
    finally:
        _migrate(_latest())


def _rows(apps) -> tuple[list, list]:
    results = apps.get_model("quizzes", "Result").objects
    versions = apps.get_model("quizzes", "QuizVersion").objects
    return (
        sorted(results.values_list("pk", "referred_by", "depth")),
        sorted(versions.values_list("pk", "fallback_card")),
    )


@pytest.mark.django_db(transaction=True)
def test_the_migrations_go_back_too():
    try:
        roles_restore()
        call_command("load_demo", stdout=io.StringIO())
        old = _migrate(BEFORE)
        _fill(old)
        before = (
            sorted(
                old.get_model("quizzes", "Result").objects.values_list("pk", "referred_by", "depth")
            ),
            sorted(
                old.get_model("quizzes", "QuizVersion").objects.values_list("pk", "fallback_card")
            ),
            _old_cards(old),
            sorted(old.get_model("quizzes", "Result").objects.values_list("pk", "card_text")),
        )
        _migrate(_latest())
        back = _migrate(BEFORE)
        after = (
            sorted(
                back.get_model("quizzes", "Result").objects.values_list(
                    "pk", "referred_by", "depth"
                )
            ),
            sorted(
                back.get_model("quizzes", "QuizVersion").objects.values_list("pk", "fallback_card")
            ),
            _old_cards(back),
            sorted(back.get_model("quizzes", "Result").objects.values_list("pk", "card_text")),
        )
        assert after == before
    finally:
        _migrate(_latest())
