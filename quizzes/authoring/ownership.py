"""Who owns a quiz: an Editor takes one that has none (imported by the site's operator
before any account existed), so it has an author to tell about its reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from quizzes.authoring.permissions import user_can_publish
from quizzes.authoring.services import NotAllowed
from quizzes.models import AuditAction, AuditEntry, Quiz

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def quiz_take(*, quiz: Quiz, user: User | AnonymousUser) -> None:
    """An Editor becomes the owner of a quiz that has none (imported by the site's operator
    before any account existed), so it has an author to tell about its reviews."""
    if not user.is_authenticated or not user_can_publish(user, quiz):
        raise NotAllowed("Only an Editor can take a quiz that has no owner.")
    with transaction.atomic():
        taken = Quiz.objects.filter(pk=quiz.pk, owner__isnull=True).update(
            owner=user, updated_at=timezone.now()
        )
        if not taken:
            raise NotAllowed("This quiz already has an owner.")
        quiz.owner = user
        AuditEntry.objects.create(quiz=quiz, actor=user, action=AuditAction.OWNER_TAKEN)
