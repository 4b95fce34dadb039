"""Webhooks, the events they are told and every delivery attempt (spec/integrations.md,
"Webhooks")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    RESULT_CREATED = "result.created", _("A visitor got a result")
    SHARE_CREATED = "share.created", _("A visitor shared a result")
    LEAD_CREATED = "lead.created", _("A visitor left contact details")
    CTA_CLICKED = "cta.clicked", _("A visitor followed a call to action")
    TEST = "test", _("Test event")


# What a webhook may subscribe to (a test event goes to the one webhook it is sent for).
SUBSCRIBABLE = [t for t in EventType if t != EventType.TEST]


class Webhook(models.Model):
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    # Kept in clear: every delivery is signed with it (shown to the editor once, at creation).
    secret = models.CharField(max_length=80)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The first failed attempt since the last success: 3 days of it disable the webhook.
    failing_since = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.url} ({self.quiz_id})"


class Event(models.Model):
    """One thing that happened, told to every subscribed webhook under the same id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=20, choices=EventType.choices)
    created = models.DateTimeField(db_index=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class DispatchState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    GAVE_UP = "gave_up", _("Gave up")


class Dispatch(models.Model):
    """One event on its way to one webhook: the state its delivery task claims and updates,
    so that a redelivered or duplicate task message changes nothing."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="dispatches")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="dispatches")
    state = models.CharField(
        max_length=10, choices=DispatchState.choices, default=DispatchState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_at = models.DateTimeField(db_index=True)
    # Set while a worker is sending it: a second message for it waits this out.
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "webhook"], name="dispatch_event_webhook")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.webhook_id} ({self.state})"


class Delivery(models.Model):
    """One attempt to deliver an event to a webhook, as the delivery log shows it (kept
    WEBHOOK_LOG_DAYS days)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    body = models.TextField(blank=True)  # the first KB of the response
    error = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event_id} #{self.attempt}: {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
