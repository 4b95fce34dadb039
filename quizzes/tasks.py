"""Celery tasks of quizzes: thin and idempotent; the work is in the services."""

from __future__ import annotations

from celery import shared_task

from quizzes.taking.retention import answers_purge


@shared_task(acks_late=True, reject_on_worker_lost=True)
def purge_expired_answers() -> int:
    """Forget the visitor in results past their quiz's retention (hourly, by beat): answers,
    name, values and card (quizzes.taking.retention). Safe to run twice."""
    return answers_purge()
