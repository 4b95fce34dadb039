"""Receivers of the signals the taking flow sends (quizzes/signals.py)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from quizzes.signals import request_refused

from .services import refusal_record


@receiver(request_refused, dispatch_uid="sharing.refusal_record")
def refused(sender: Any, *, quiz_id: int, kind: str, **kwargs: Any) -> None:
    refusal_record(quiz_id=quiz_id, kind=kind)
