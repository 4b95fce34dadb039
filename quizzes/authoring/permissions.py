"""Who may do what. Roles are groups made by a data migration: Authors and Editors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from quizzes.models import Quiz

if TYPE_CHECKING:
    # The site keeps Django's own user model (no AUTH_USER_MODEL); `request.user` is a User
    # or, signed out, an AnonymousUser, and every check here answers for both.
    from django.contrib.auth.models import AnonymousUser, User

AUTHORS = "Authors"
EDITORS = "Editors"
_GROUPS_CACHE = "_qb_groups"


def _in_group(user: User | AnonymousUser, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, _GROUPS_CACHE, None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        setattr(user, _GROUPS_CACHE, cached)  # asked many times a request, fetched once
    return name in cached


def user_is_editor(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _in_group(user, EDITORS)


def user_is_author(user: User | AnonymousUser) -> bool:
    return (
        user_is_editor(user) or _in_group(user, AUTHORS) or bool(getattr(user, "is_staff", False))
    )


def user_can_publish(user: User | AnonymousUser, quiz: Quiz) -> bool:
    """Publishing, sending back and archiving need the Editor role."""
    return user_is_editor(user)


def user_can_edit(user: User | AnonymousUser, quiz: Quiz) -> bool:
    """Editors edit everything; an author their own quizzes and those shared with them."""
    if user_is_editor(user):
        return True
    if not user.is_authenticated or not user_is_author(user):  # no anonymous author
        return False
    return quiz.owner_id == user.pk or quiz.shared_with.filter(pk=user.pk).exists()


def user_can_import(user: User | AnonymousUser, quiz: Quiz | None) -> bool:
    """Importing a file makes a new quiz (any Author) or a new draft of an existing one, which
    is editing it: the same rule as the studio's "Edit" button."""
    if quiz is None:
        return user_is_author(user)
    return user_can_edit(user, quiz)


def user_can_see_stats(user: User | AnonymousUser, quiz: Quiz) -> bool:
    return user_can_edit(user, quiz)


def quizzes_visible_to(user: User | AnonymousUser) -> QuerySet[Quiz]:
    """The quizzes a user may see in the authoring screens."""
    qs = Quiz.objects.all()
    if user_is_editor(user):
        return qs
    if not user_is_author(user):
        return qs.none()
    return qs.filter(Q(owner=user) | Q(shared_with=user)).distinct()


def authoring_accounts() -> QuerySet[User]:
    """The accounts a quiz can be shared with: active Authors, Editors and staff, never a plain
    account (the same people user_is_author admits)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=[AUTHORS, EDITORS]) | Q(is_staff=True) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )
