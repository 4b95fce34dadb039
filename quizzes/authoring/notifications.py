"""Emails about the review workflow: a submitted version to the editors who may publish it,
a published or sent-back one to its authors. Sent once the action has committed, and never
allowed to fail it: a mail server that is down is logged, the action stands (the dashboard
shows the same news).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from quizzes.authoring.permissions import EDITORS
from quizzes.models import AuditAction, QuizVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

logger = logging.getLogger(__name__)


def _reviewers() -> QuerySet[User]:
    # Who may publish (permissions.user_can_publish): Editors and superusers.
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=EDITORS))
        .distinct()
    )


def _authors(version: QuizVersion) -> QuerySet[User]:
    ids = {version.quiz.owner_id, version.created_by_id, version.edited_by_id} - {None}
    return get_user_model().objects.filter(is_active=True, pk__in=ids)


def _message(action: str, version: QuizVersion, actor: str, comment: str) -> tuple[str, str]:
    names = {"quiz": version.title or version.quiz.slug, "n": version.number, "who": actor}
    if action == AuditAction.SUBMITTED:
        subject = _("Waiting for your review: %(quiz)s (v%(n)s)") % names
        lead = _("%(who)s submitted version %(n)s of “%(quiz)s” for review.") % names
    elif action == AuditAction.PUBLISHED:
        subject = _("Published: %(quiz)s (v%(n)s)") % names
        lead = _("%(who)s published version %(n)s of “%(quiz)s”: visitors now see it.") % names
    else:
        subject = _("Sent back to you: %(quiz)s (v%(n)s)") % names
        lead = _("%(who)s sent version %(n)s of “%(quiz)s” back to you.") % names
    url = settings.SITE_URL + reverse("quizzes:editor-quiz", args=[version.quiz.slug])
    parts = [lead]
    if comment:
        parts.append(_("Comment:") + "\n" + comment)
    parts.append(_("Open the quiz: %(url)s") % {"url": url})
    return subject, "\n\n".join(parts)


def review_notify(
    *, version: QuizVersion, action: str, user: User | AnonymousUser, comment: str = ""
) -> None:
    """On commit: email the people a review step concerns, each on their own (no one sees
    the others' addresses), never the one who acted. `action` is the AuditAction recorded:
    submitted (to the reviewers), published or sent back (to the quiz's owner and whoever
    started or last edited the version)."""
    actor_id = user.pk if user.is_authenticated else 0  # 0: no account has it
    actor = user.get_username() if user.is_authenticated else _("The system")

    def send() -> None:
        try:
            people = _reviewers() if action == AuditAction.SUBMITTED else _authors(version)
            addresses = sorted(
                {u.email for u in people.exclude(pk=actor_id).exclude(email="") if u.email}
            )
            if not addresses:
                return
            subject, body = _message(action, version, actor, comment)
            messages = [EmailMessage(subject, body, to=[address]) for address in addresses]
            get_connection().send_messages(messages)
        except Exception:  # whatever the backend raises, the action has already happened
            logger.exception("review email for %s v%s not sent", version.quiz.slug, version.number)

    transaction.on_commit(send)
