"""Celery tasks of sharing: thin wrappers that load by id and call one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_fallback_card(version_id: int) -> None:
    """Filled in by the cards work: draws the quiz-level fallback card of a version."""


@shared_task
def ping() -> str:
    """A no-op the worker tests enqueue to see a real worker consume from the broker."""
    return "pong"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_result_card(result_id: str) -> None:
    """Filled in by the cards work: draws a result's personalised card."""
