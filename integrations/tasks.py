"""Integrations' periodic work (quizbuilder/celery.py's beat schedule)."""

from __future__ import annotations

from celery import shared_task

from .services import leads_expire


@shared_task(acks_late=True)
def expire_leads() -> int:
    """Delete the leads past their quiz's retention (idempotent: a rerun finds none)."""
    return leads_expire()
