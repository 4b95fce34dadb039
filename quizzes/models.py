"""Quizzes, their versions, and the results visitors get.

Authoring happens on relational rows (questions, choices, outcomes, variables) of a draft
version. Publishing freezes the version: its normalised quizbuilder/1 `definition` and the
compiled formulas are stored on the row and never change again, so every result keeps the
text and numbers it was computed with, and the visitor path reads one row.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quizzes.card_fields import CardFields


def new_result_id() -> str:
    # 16 random bytes: 22 url-safe characters, unguessable (api.md asks for at least 20).
    return secrets.token_urlsafe(16)


RESULT_ID_MAX_LENGTH = 32
URL_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")


def url_token_ok(value: object, *, max_length: int) -> bool:
    """Whether `value` could be an id or code we hand out (url-safe, at most `max_length`);
    anything else names no row and is not looked up (PostgreSQL answers a NUL with a 500)."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= max_length
        and URL_TOKEN_RE.fullmatch(value) is not None
    )


class Kind(models.TextChoices):
    PERSONALITY = "personality", _("Personality")
    SCORE = "score", _("Scored test")
    TRIVIA = "trivia", _("Trivia")
    CALCULATOR = "calculator", _("Calculator")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTI = "multi", _("Multiple choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")


class Quiz(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    # None for a quiz imported before any account existed, until an Editor takes it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quizzes",
    )
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="shared_quizzes",
        help_text=_("Other authors who may see and edit this quiz's drafts."),
    )
    live_version = models.ForeignKey(
        "QuizVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The published version visitors take."),
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("quizzes:intro", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.live_version_id is not None and self.archived_at is None


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")  # a published version replaced by a newer one


class QuizVersion(CardFields):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=20, default="en")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    cover = models.ImageField(upload_to="quiz-images/", blank=True)
    feedback = models.BooleanField(default=False)  # a trivia file's "feedback" (README)
    theme = models.JSONField(default=dict, blank=True)  # the file's theme or {} (format/theme.py)
    # Reviewed with the version (a change makes a draft); bounded 1..RESULT_RETENTION_DAYS_MAX
    # where it comes in, clamped where used (quizzes.selectors.retention_days_bound).
    retention_days = models.PositiveIntegerField(
        default=30, help_text=_("Days raw answers are kept; outcomes and computed values stay.")
    )
    # The file's `cta` and `lead` (spec/integrations.md, format.integration_checks) or None.
    cta = models.JSONField(null=True, blank=True, editable=False)
    lead = models.JSONField(null=True, blank=True, editable=False)
    # Frozen at publish (and on import): the normalised quizbuilder/1 definition, the compiled
    # formulas, and the image paths in storage. Drafts rebuild them from their rows.
    definition = models.JSONField(null=True, blank=True, editable=False)
    programs = models.JSONField(null=True, blank=True, editable=False)
    # The studio's working copy of a draft (quizbuilder/1, valid or not; the rows follow it when
    # valid), or None: the rows are the content. Every save bumps `revision`; a save naming an
    # older one came from a stale page and is refused rather than overwrite someone's work.
    document = models.JSONField(null=True, blank=True, editable=False)
    revision = models.PositiveIntegerField(default=0, editable=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["quiz", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "number"], name="version_number_unique"),
            # One open draft (or review) per quiz: editing always lands in the same draft.
            models.UniqueConstraint(
                fields=["quiz"],
                condition=Q(status__in=["draft", "review"]),
                name="one_open_draft_per_quiz",
            ),
            models.CheckConstraint(
                condition=Q(retention_days__gte=1), name="version_retention_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz.slug} v{self.number} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class Question(models.Model):
    version = models.ForeignKey(QuizVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=40)
    type = models.CharField(max_length=10, choices=QuestionType.choices)
    prompt = models.CharField(max_length=500)
    help = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=True)
    min = models.FloatField(null=True, blank=True)
    max = models.FloatField(null=True, blank=True)
    step = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    min_choices = models.PositiveIntegerField(null=True, blank=True)
    max_choices = models.PositiveIntegerField(null=True, blank=True)
    # The file format's extensions (README, "Spec extensions and readings").
    image = models.ImageField(upload_to="quiz-images/", blank=True)
    explanation = models.TextField(blank=True, max_length=1000)
    # {"question": earlier question key, "choices": [its choice keys]}; None: always shown.
    show_if = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="question_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    value = models.FloatField(default=0)
    points = models.JSONField(default=dict, blank=True, help_text=_('e.g. {"espresso": 2}'))
    correct = models.BooleanField(default=False)
    image = models.ImageField(upload_to="quiz-images/", blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="choice_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class Variable(models.Model):
    version = models.ForeignKey(QuizVersion, on_delete=models.CASCADE, related_name="variables")
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=40)
    expr = models.CharField(max_length=500)
    label = models.CharField(max_length=80, blank=True)  # "How it was worked out" (README)
    unit = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="variable_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class Outcome(CardFields):
    version = models.ForeignKey(QuizVersion, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveIntegerField(default=0)
    key = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    min = models.FloatField(null=True, blank=True)
    max = models.FloatField(null=True, blank=True)
    when = models.CharField(max_length=500, blank=True)
    cta = models.JSONField(null=True, blank=True, editable=False)  # spec/integrations.md

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="outcome_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key


class AuditAction(models.TextChoices):
    # The stored strings are the history's words (the quiz's page shows their translated
    # labels), so a new action adds a member and existing rows never change.
    CREATED = "created", _("created")
    IMPORTED = "imported", _("imported")
    DRAFT_OPENED = "draft opened", _("draft opened")
    EDITED = "edited", _("edited")
    SUBMITTED = "submitted", _("submitted")
    SENT_BACK = "sent back", _("sent back")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")
    RESTORED = "restored", _("restored")
    SCORING_FAILED = "scoring failed", _("scoring failed")
    OWNER_TAKEN = "owner taken", _("took ownership")


class AuditEntry(models.Model):
    """One step of the review workflow: who did what to which version, when, and why."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="audit")
    version = models.ForeignKey(QuizVersion, null=True, on_delete=models.SET_NULL)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.quiz.slug}: {self.action}"


class Result(models.Model):
    """A completed take. Its rendered texts are frozen; raw answers expire (privacy)."""

    id = models.CharField(
        primary_key=True, max_length=RESULT_ID_MAX_LENGTH, default=new_result_id, editable=False
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="results")
    version = models.ForeignKey(QuizVersion, on_delete=models.PROTECT, related_name="results")
    visitor = models.CharField(max_length=40, db_index=True)
    take = models.CharField(max_length=40, help_text=_("Groups a visitor's answers to one take."))
    answers = models.JSONField(null=True, blank=True)
    answers_expire_at = models.DateTimeField(null=True, blank=True, db_index=True)
    outcome_key = models.CharField(max_length=40)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    values = models.JSONField(default=dict, blank=True)
    # Card texts are rendered at completion so the image can be drawn after answers expire.
    card_text = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["quiz", "created_at"], name="result_quiz_time"),
        ]
        constraints = [
            # A take completes once: a double-submitted form does not make two results.
            models.UniqueConstraint(fields=["quiz", "take"], name="result_take_unique"),
        ]

    def __str__(self) -> str:
        return self.id

    def get_absolute_url(self) -> str:
        return reverse("quizzes:result", args=[self.id])


class QuizView(models.Model):
    """An intro page opened by a browser: one per visitor per quiz per day (stats `views`)."""

    # No index of its own: the ones below start with it (one index write less per event).
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+", db_index=False)
    visitor = models.CharField(max_length=40)
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "visitor", "day"], name="view_once_a_day"),
        ]
        indexes = [models.Index(fields=["quiz", "day"], name="view_quiz_day")]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.visitor}/{self.day}"


class AnswerEvent(models.Model):
    """A question answered during a take, for the funnel. One row per question per take."""

    # No index of its own: the ones below start with it (one index write less per event).
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+", db_index=False)
    take = models.CharField(max_length=40)
    question_key = models.CharField(max_length=40)
    position = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "take", "question_key"], name="answer_once_per_take"
            ),
        ]
        indexes = [models.Index(fields=["quiz", "created_at"], name="answer_quiz_time")]

    def __str__(self) -> str:
        return f"{self.take}/{self.question_key}"


class ShownEvent(models.Model):
    """A question with a display condition shown during a take: the funnel's count of the
    takes that reached it, so its drop-off is counted among those who were shown it. One row
    per question per take; questions without a condition are reached by every take that
    answered the one before and need none."""

    # No index of its own: the ones below start with it (one index write less per event).
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+", db_index=False)
    take = models.CharField(max_length=40)
    question_key = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "take", "question_key"], name="shown_once_per_take"
            ),
        ]
        indexes = [models.Index(fields=["quiz", "created_at"], name="shown_quiz_time")]

    def __str__(self) -> str:
        return f"{self.take}/{self.question_key} shown"
