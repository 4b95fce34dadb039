"""Models of integrations: a quiz's embed settings, its calls to action's clicks, and leads
(spec/integrations.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmbedSettings(models.Model):
    """What is set per quiz in the studio and not in the quiz file: where it may be framed and
    the business's page that embeds it (its "home page")."""

    quiz = models.OneToOneField(
        "quizzes.Quiz", primary_key=True, on_delete=models.CASCADE, related_name="embed_settings"
    )
    # https URL of the business's page that embeds the quiz; share links land there.
    embed_url = models.URLField(max_length=500, blank=True)
    # One origin a line (https://example.com); none: any https origin may frame the quiz.
    allowed_origins = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"embed settings of quiz {self.quiz_id}"

    @property
    def origins(self) -> list[str]:
        return [o.strip() for o in self.allowed_origins.split() if o.strip()]


class CtaClick(models.Model):
    """A result's call to action followed: one per result (stats count results, not taps)."""

    result = models.OneToOneField(
        "quizzes.Result", primary_key=True, on_delete=models.CASCADE, related_name="cta_click"
    )
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+")
    outcome_key = models.CharField(max_length=40)
    # The channel of the share that brought the visitor ("direct" without one).
    channel = models.CharField(max_length=10)
    referred = models.BooleanField(default=False)
    url = models.URLField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["quiz", "created_at"], name="ctaclick_quiz_time")]

    def __str__(self) -> str:
        return f"cta click of {self.result_id}"


class Lead(models.Model):
    """A visitor's contact details for one result: personal data, shown only to the quiz's
    editors, deleted with the result and when the quiz's retention ends."""

    result = models.OneToOneField(
        "quizzes.Result", primary_key=True, on_delete=models.CASCADE, related_name="lead"
    )
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # The exact text the visitor agreed to, as it was shown (GDPR: proof of consent).
    consent_text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    # Double opt-in: the address is confirmed by a link sent to it (None: not yet, or not asked).
    confirm_token = models.CharField(max_length=64, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["quiz", "created_at"], name="lead_quiz_time")]
        verbose_name = _("lead")

    def __str__(self) -> str:
        # Never the address: a lead must not end up in logs.
        return f"lead of {self.result_id}"


class CtaTable(models.TextChoices):
    """The stats body's tables a rolled-up count belongs to (spec/integrations.md)."""

    OUTCOME = "outcome"  # every click, by its result's outcome
    CHANNEL = "channel"  # referred results' clicks, by the channel that brought the result


class CtaDaily(models.Model):
    """The CTA clicks of a closed UTC day, rolled up (integrations.rollups): how many per
    outcome, and how many of referred results per channel; the totals are these rows' sums.
    The stats read these, not the clicks, for every day up to the quiz's
    `CtaRollup.through`; no row: no click."""

    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    table = models.CharField(max_length=10, choices=CtaTable.choices)
    key = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "day", "table", "key"], name="ctadaily_unique")
        ]

    def __str__(self) -> str:
        return f"cta clicks of quiz {self.quiz_id} on {self.day}"


class CtaRollup(models.Model):
    """How far a quiz's CTA clicks are rolled up: every UTC day up to `through` is read from
    `CtaDaily`, the later ones are counted from the clicks."""

    quiz = models.OneToOneField(
        "quizzes.Quiz", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    through = models.DateField()
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"cta clicks of quiz {self.quiz_id} rolled up to {self.through}"
