"""Reads for the editors' dashboard and a quiz's page: the key figures sharing keeps (asked
through the `quiz_figures` signal: quizzes never imports sharing), what waits for a
reviewer, and what was sent back to an author."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from core.signals import signal_send_robust
from quizzes.authoring.permissions import quizzes_visible_to, user_is_editor
from quizzes.models import AuditAction, AuditEntry, Quiz, QuizVersion, VersionStatus
from quizzes.signals import quiz_figures, quiz_links

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


# The review steps: the latest of them says where a version stands.
REVIEW_STEPS = (AuditAction.SUBMITTED, AuditAction.SENT_BACK, AuditAction.PUBLISHED)


def quiz_links_get(*, quiz: Quiz, user: Any) -> list[tuple[str, str]]:
    """The pages rooms above keep for `quiz` (webhooks, embeds), from `quiz_links`."""
    links: list[tuple[str, str]] = []
    for answer in signal_send_robust(quiz_links, sender=Quiz, quiz=quiz, user=user):
        if answer:
            links.extend(answer)
    return links


def quizzes_figures_get(*, quiz_ids: list[int]) -> dict[int, dict[str, Any]]:
    """{quiz id: {"completions", "share_rate", "viral_coefficient", "stats_url"}} from whoever
    answers `quiz_figures`; a receiver that fails is logged and the page shows no figures
    rather than an error."""
    figures: dict[int, dict[str, Any]] = {}
    if not quiz_ids:
        return figures
    for answer in signal_send_robust(quiz_figures, sender=Quiz, quiz_ids=quiz_ids):
        if answer:
            figures.update(answer)
    return figures


def _last_step(field: str) -> Subquery:
    return Subquery(
        AuditEntry.objects.filter(version=OuterRef("pk"), action__in=REVIEW_STEPS)
        .order_by("-at", "-id")
        .values(field)[:1]
    )


def versions_waiting_review(*, user: User | AnonymousUser) -> QuerySet[QuizVersion]:
    """The versions in review a reviewer (an Editor) may publish or send back, oldest first,
    with who submitted them (`submitted_by`) and their comment (`submit_comment`)."""
    if not user_is_editor(user):
        return QuizVersion.objects.none()
    return (
        QuizVersion.objects.filter(status=VersionStatus.REVIEW, quiz__in=quizzes_visible_to(user))
        .select_related("quiz")
        .annotate(submitted_by=_last_step("actor__username"), submit_comment=_last_step("comment"))
        .order_by("updated_at")
    )


def versions_sent_back(*, user: User | AnonymousUser) -> QuerySet[QuizVersion]:
    """The drafts an author owns, started or last edited whose latest review step is "sent
    back", with the reviewer's comment (`sent_back_comment`): shown until resubmitted."""
    if not user.is_authenticated:
        return QuizVersion.objects.none()
    return (
        QuizVersion.objects.filter(status=VersionStatus.DRAFT)
        .filter(Q(quiz__owner=user) | Q(created_by=user) | Q(edited_by=user))
        .select_related("quiz")
        .annotate(last_step=_last_step("action"), sent_back_comment=_last_step("comment"))
        .filter(last_step=AuditAction.SENT_BACK)
        .order_by("-updated_at")
    )
