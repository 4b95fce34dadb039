"""Share links, the clicks and previews they get, and daily stats rollups.

Exactness lives in the database: a click is unique per (share, visitor), a share per
(result, channel), a minted address-bar link per (parent, visitor), a referral per result.
Counting is then a COUNT, never a counter that can drift.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quizzes.taking.ratelimit import RefusedKind


def new_share_code() -> str:
    # 9 random bytes: 12 url-safe characters, short enough for a chat, far too many to guess.
    return secrets.token_urlsafe(9)


class Channel(models.TextChoices):
    LINK = "link", _("Link")
    NATIVE = "native", _("Share sheet")
    COPY = "copy", _("Copy link")
    QR = "qr", _("QR code")
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    LINE = "line", "LINE"
    WEIBO = "weibo", _("Weibo")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")
    OTHER = "other", _("Other")


class ShareKind(models.TextChoices):
    DEFAULT = "default", _("Default link of a result")  # in the result body; not a share
    BUTTON = "button", _("Made by a share button")  # counted in `shares`
    MINTED = "minted", _("Address-bar link minted for a friend")  # private sharing


class Share(models.Model):
    code = models.CharField(max_length=20, unique=True, default=new_share_code)
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="shares")
    result = models.ForeignKey(
        "quizzes.Result", null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=8, choices=ShareKind.choices)
    # The visitor the link speaks for: their own visits are neither clicks nor referrals.
    owner = models.CharField(max_length=40, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="minted"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["result", "channel"],
                condition=Q(kind__in=["default", "button"]),
                name="one_share_per_result_channel",
            ),
            models.UniqueConstraint(
                fields=["parent", "owner"],
                condition=Q(kind="minted"),
                name="one_minted_link_per_friend",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "created_at"], name="share_quiz_time")]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("sharing:landing", args=[self.code])


class Referral(models.Model):
    """The share that brought a completion, and the result's depth in the chain of friends
    (1: referred by a share of a result that nobody referred). A result nobody referred has no
    row. The depth stays if the share goes (the chain was that long)."""

    result = models.OneToOneField(
        "quizzes.Result", primary_key=True, on_delete=models.CASCADE, related_name="referral"
    )
    share = models.ForeignKey(
        Share, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    depth = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.result_id} by {self.share_id} at depth {self.depth}"


class CardStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class VersionCard(models.Model):
    """A quiz version's own card (its title on its design, no visitor, no QR): the picture a
    result and the quiz's link preview show until a result's own card is drawn. Drawn by a
    worker once the version is live; ready once `name` is kept, failed with its error and next
    try as a result card is (sharing.cards.version_jobs). A version with no row is pending."""

    version = models.OneToOneField(
        "quizzes.QuizVersion", primary_key=True, on_delete=models.CASCADE, related_name="card"
    )
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=CardStatus.choices, default=CardStatus.PENDING)
    error = models.CharField(max_length=300, blank=True)
    # How many runs failed, and when the card job tries again (None: nothing to retry, or no
    # tries left; also set on a pending card the job sent again after its message was lost).
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The card job looks for due cards every 10 minutes; only cards to retry have a time.
            models.Index(
                fields=["retry_at"], condition=Q(retry_at__isnull=False), name="versioncard_retry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_id}: {self.status} {self.name}"


class ResultCard(models.Model):
    """A result's pictures: the Open Graph card (`name`, which decides the status) and the
    square card with the result's QR link (`square_name`), drawn by a worker from the texts
    quizzes froze at completion. A result with no row yet is pending (sharing.cards.jobs)."""

    result = models.OneToOneField(
        "quizzes.Result", primary_key=True, on_delete=models.CASCADE, related_name="card"
    )
    status = models.CharField(max_length=10, choices=CardStatus.choices, default=CardStatus.PENDING)
    name = models.CharField(max_length=200, blank=True)
    square_name = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # A failed card is drawn again later (a storage outage ends): how many runs failed, and
    # when the periodic card job tries again (None: nothing to retry, or no tries left; also
    # set on a pending card whose message may be lost after an answers purge).
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    # The square card fails and is retried on its own (the og card may be ready meanwhile),
    # the same way: ready once `square_name` is kept, failed with its error and next try.
    square_status = models.CharField(
        max_length=10, choices=CardStatus.choices, default=CardStatus.PENDING
    )
    square_error = models.CharField(max_length=300, blank=True)
    square_attempts = models.PositiveSmallIntegerField(default=0)
    square_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The card job looks for due cards every 10 minutes; only cards to retry have a time.
            models.Index(
                fields=["retry_at"], condition=Q(retry_at__isnull=False), name="resultcard_retry"
            ),
            models.Index(
                fields=["square_retry_at"],
                condition=Q(square_retry_at__isnull=False),
                name="resultcard_square_retry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result_id}: {self.status}"


class Click(models.Model):
    # No indexes of their own: the ones below start with them (two index writes less a click).
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="clicks",
                              db_index=False)  # fmt: skip
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+",
                             db_index=False)  # fmt: skip
    visitor = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share", "visitor"], name="click_once_per_visitor"),
        ]
        indexes = [models.Index(fields=["quiz", "created_at"], name="click_quiz_time")]

    def __str__(self) -> str:
        return f"click on {self.share_id} by {self.visitor}"


class Preview(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="previews")
    # No index of its own: preview_quiz_time starts with it (one index write less a preview).
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+",
                             db_index=False)  # fmt: skip
    agent = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["quiz", "created_at"], name="preview_quiz_time")]

    def __str__(self) -> str:
        return f"preview of {self.share_id} by {self.agent}"


class DailyStats(models.Model):
    """The stats of one closed UTC day of one quiz, recomputed idempotently by beat."""

    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    data = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "day"], name="one_rollup_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id} {self.day}"


class RefusedRequest(models.Model):
    """How many requests on a quiz were refused (or served uncounted) as abuse on one UTC day,
    by kind: one row per (quiz, kind, day), bumped with an upsert, so a flood writes one row."""

    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=RefusedKind.choices)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "kind", "day"], name="one_refusal_row_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id} {self.kind} {self.day}: {self.count}"
