"""Quiz services: import, drafts, the review workflow and publishing (which clear the
published cache of quizzes.selectors).

Views, admin, commands and tasks call these; they hold the rules. Each one that changes
data runs in one transaction, so a refusal leaves the database as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from quizzes.authoring.notifications import review_notify
from quizzes.authoring.permissions import (
    user_can_edit,
    user_can_import,
    user_can_publish,
    user_is_author,
)
from quizzes.authoring.rows import (
    VersionContent,
    quiz_validate,
    version_check,
    version_file_data,
    version_images,
)
from quizzes.authoring.rows_sync import rows_write
from quizzes.authoring.selectors import version_definition, version_export
from quizzes.authoring.slugs import slug_free, slug_settle
from quizzes.format.quizfile import RETENTION_DAYS_DEFAULT, Problem, quiz_programs
from quizzes.models import (
    AuditAction,
    AuditEntry,
    Quiz,
    QuizVersion,
    VersionStatus,
)
from quizzes.selectors import published_cache_clear
from quizzes.signals import version_published

if TYPE_CHECKING:
    # Who acts: `request.user` (a User, or AnonymousUser, which every permission refuses) or
    # the account a command names.
    from django.contrib.auth.models import AnonymousUser, User


class QuizRefused(Exception):
    """The quiz, as given, breaks the rules: `problems` lists every one by JSON path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class NotAllowed(Exception):
    """The user may not do this to this quiz."""


def _audit(
    *,
    quiz: Quiz,
    version: QuizVersion | None,
    user: User | AnonymousUser,
    action: AuditAction,
    comment: str = "",
) -> None:
    actor = user if user.is_authenticated else None
    AuditEntry.objects.create(
        quiz=quiz, version=version, actor=actor, action=action, comment=comment
    )


# --- writing a version's content -----------------------------------------------------------


def version_save(
    *,
    version: QuizVersion,
    content: VersionContent,
    user: User | AnonymousUser,
    action: AuditAction = AuditAction.EDITED,
    comment: str = "",
    check_permission: bool = True,
) -> QuizVersion:
    """Replace a draft's content (title, card, questions, choices, variables, outcomes) by
    content that passed the importer's rules (version_check), and record who did it in the
    audit log.

    The one way a version's content is written, whoever writes it (the importer, the admin,
    any editor screen). QuizRefused, writing nothing, when the content was checked for another
    quiz or names a stored image this version does not hold; NotAllowed when the version is
    no longer a draft, or (with `check_permission`) the user may not edit the quiz.
    """
    if check_permission and not user_can_edit(user, version.quiz):
        raise NotAllowed("You cannot edit this quiz.")
    if content.slug != version.quiz.slug:
        raise QuizRefused([Problem("slug", f"this content is for the quiz {content.slug!r}")])
    with transaction.atomic():
        # Locked, so a publish or a submit in between cannot slip under the edit.
        status = QuizVersion.objects.select_for_update().values_list("status", flat=True)
        if status.get(pk=version.pk) != VersionStatus.DRAFT:
            raise NotAllowed("Only a draft can be edited.")
        if missing := sorted(content.kept - version_images(version=version)):
            raise QuizRefused([Problem("$", f"image {missing[0]!r} is no longer stored")])
        rows_write(
            version=version,
            definition=content.definition,
            files=content.files,
            kept=content.kept,
        )
        # The rows are the content now: a studio working copy would hide them, and a studio
        # page still open on the older revision must be told rather than overwrite them.
        version.document = None
        version.revision += 1
        version.edited_by = user if user.is_authenticated else None
        version.save(update_fields=["document", "revision", "edited_by", "updated_at"])
        _audit(quiz=version.quiz, version=version, user=user, action=action, comment=comment)
    return version


# --- import, drafts and the workflow -------------------------------------------------------


def quiz_import(
    *,
    data: object,
    user: User | AnonymousUser,
    images: dict[str, bytes] | None = None,
    publish: bool = False,
    system: bool = False,
) -> QuizVersion:
    """Create the quiz, or a new draft of the quiz with that slug, from a quizbuilder/1 file.

    Refuses the whole file (QuizRefused, every problem listed) and saves nothing when any rule
    is broken. An open draft of the quiz is replaced by the imported content. With `publish`
    the new version is published at once (the caller checks the user may publish).
    Raises NotAllowed, saving nothing, when the user may not edit the existing quiz.
    `system`: the site's operator imports (manage.py import_quiz on a site with no editor
    account yet): no permission check, and a new quiz has no owner until an Editor takes it
    (ownership.quiz_take).
    """
    # Checked before anything is created: the slug says which quiz it is for.
    content, problems = version_check(version=None, data=data, images=images)
    if content is None:
        raise QuizRefused(problems)
    with transaction.atomic():
        slug = content.slug
        owner = user if user.is_authenticated else None
        quiz, created = Quiz.objects.get_or_create(slug=slug, defaults={"owner": owner})
        # Rolled back with the transaction when refused, even a quiz just created.
        if not system and not user_can_import(user, None if created else quiz):
            raise NotAllowed(
                f"{user} may not import into {slug!r}: only its owner, the authors it is "
                "shared with and Editors may change it."
            )
        version = quiz_draft_get_or_create(quiz=quiz, user=user, copy_live=False)
        version_save(
            version=version,
            content=content,
            user=user,
            action=AuditAction.IMPORTED,
            check_permission=False,
        )
        if publish:
            version_publish(version=version, user=user, check_permission=False)
    return version


def quiz_draft_get_or_create(
    *, quiz: Quiz, user: User | AnonymousUser, copy_live: bool = True
) -> QuizVersion:
    """The quiz's open draft; a new one (a copy of the live version) when there is none.

    Editing a published quiz therefore never touches the published version's rows.
    """
    version = (
        QuizVersion.objects.select_for_update()
        .filter(quiz=quiz, status__in=[VersionStatus.DRAFT, VersionStatus.REVIEW])
        .first()
    )
    if version is not None:
        if version.status == VersionStatus.REVIEW:
            # Editing a version under review takes it back to draft: the review starts over.
            version.status = VersionStatus.DRAFT
            version.save(update_fields=["status", "updated_at"])
        return version
    last = quiz.versions.order_by("-number").first()
    number = (last.number + 1) if last else 1
    source = quiz.live_version or last
    version = QuizVersion.objects.create(
        quiz=quiz,
        number=number,
        title=source.title if source else quiz.slug,
        kind=source.kind if source else "personality",
        language=source.language if source else "en",
        # Kept when the draft starts empty too (an import then sets its own).
        retention_days=source.retention_days if source else RETENTION_DAYS_DEFAULT,
        created_by=user if user.is_authenticated else None,
    )
    if copy_live and source is not None:
        definition, _ = version_definition(version=source)
        if definition is not None:
            # Image files are shared, not copied (versions never delete them): the source's
            # stored names are kept, so the definition's paths (those names) point at them.
            rows_write(
                version=version,
                definition=definition,
                files={},
                kept=version_images(version=source),
            )
    return version


def quiz_create(
    *, slug: str, title: str, kind: str, user: User | AnonymousUser, language: str = "en"
) -> QuizVersion:
    """A new quiz owned by `user` with an empty draft version 1 (authors and editors only).

    Raises NotAllowed when the user may not author or the slug is taken.
    """
    # user_is_author refuses anonymous users too; the first test says so to the type checker.
    if not user.is_authenticated or not user_is_author(user):
        raise NotAllowed("Only Authors and Editors can create quizzes.")
    with transaction.atomic():
        if Quiz.objects.filter(slug=slug).exists():
            raise NotAllowed(f"A quiz with the slug {slug!r} already exists.")
        quiz = Quiz.objects.create(slug=slug, owner=user)
        version = QuizVersion.objects.create(
            quiz=quiz, number=1, title=title, kind=kind, language=language, created_by=user
        )
        _audit(quiz=quiz, version=version, user=user, action=AuditAction.CREATED)
    return version


def quiz_draft_open(*, quiz: Quiz, user: User | AnonymousUser) -> QuizVersion:
    """The draft an author edits: the open one, or a new copy of the live version.

    The published version's rows are never touched. Raises NotAllowed without edit rights.
    """
    if not user_can_edit(user, quiz):
        raise NotAllowed("You cannot edit this quiz.")
    with transaction.atomic():
        had_draft = quiz.versions.filter(status=VersionStatus.DRAFT).exists()
        version = quiz_draft_get_or_create(quiz=quiz, user=user)
        if not had_draft:
            _audit(quiz=quiz, version=version, user=user, action=AuditAction.DRAFT_OPENED)
    return version


def version_publish(
    *,
    version: QuizVersion,
    user: User | AnonymousUser,
    comment: str = "",
    check_permission: bool = True,
) -> QuizVersion:
    """Validate and freeze a draft (or in-review) version and make it the live one.

    The previous live version is retired (its results keep pointing at it). Raises
    NotAllowed without the Editor role, QuizRefused when the content breaks a rule.
    """
    if check_permission and not user_can_publish(user, version.quiz):
        raise NotAllowed("Only an Editor can publish.")
    if version.status not in (VersionStatus.DRAFT, VersionStatus.REVIEW):
        raise NotAllowed("Only a draft or a version in review can be published.")
    slug_settle(version=version)
    definition, problems = quiz_validate(version_file_data(version=version))
    if definition is None:
        raise QuizRefused(problems)
    with transaction.atomic():
        quiz = Quiz.objects.select_for_update().get(pk=version.quiz_id)
        QuizVersion.objects.filter(quiz=quiz, status=VersionStatus.PUBLISHED).update(
            status=VersionStatus.RETIRED
        )
        version.definition = definition
        version.programs = quiz_programs(definition)
        version.status = VersionStatus.PUBLISHED
        version.published_at = timezone.now()
        version.save()
        quiz.live_version = version
        quiz.save(update_fields=["live_version", "updated_at"])
        _audit(quiz=quiz, version=version, user=user, action=AuditAction.PUBLISHED, comment=comment)
        _cache_forget(quiz.slug)
        review_notify(version=version, action=AuditAction.PUBLISHED, user=user, comment=comment)
        transaction.on_commit(lambda: version_published.send(sender=QuizVersion, version=version))
    return version


def version_submit(*, version: QuizVersion, user: User | AnonymousUser, comment: str = "") -> None:
    """An author sends their draft for review; it must be valid first."""
    if not user_can_edit(user, version.quiz):
        raise NotAllowed("You cannot edit this quiz.")
    if version.status != VersionStatus.DRAFT:
        raise NotAllowed("Only a draft can be submitted for review.")
    definition, problems = quiz_validate(version_file_data(version=version))
    if definition is None:
        raise QuizRefused(problems)
    slug_settle(version=version)
    version.status = VersionStatus.REVIEW
    version.save(update_fields=["status", "updated_at"])
    _audit(
        quiz=version.quiz, version=version, user=user, action=AuditAction.SUBMITTED, comment=comment
    )
    review_notify(version=version, action=AuditAction.SUBMITTED, user=user, comment=comment)


def version_send_back(*, version: QuizVersion, user: User | AnonymousUser, comment: str) -> None:
    """An editor returns a version in review to its author, saying why."""
    if not user_can_publish(user, version.quiz):
        raise NotAllowed("Only an Editor can send a quiz back.")
    if not comment.strip():
        raise NotAllowed("Say what needs to change: a comment is required.")
    if version.status != VersionStatus.REVIEW:
        raise NotAllowed("Only a version in review can be sent back.")
    version.status = VersionStatus.DRAFT
    version.save(update_fields=["status", "updated_at"])
    _audit(
        quiz=version.quiz, version=version, user=user, action=AuditAction.SENT_BACK, comment=comment
    )
    review_notify(version=version, action=AuditAction.SENT_BACK, user=user, comment=comment)


def quiz_archive(*, quiz: Quiz, user: User | AnonymousUser, comment: str = "") -> None:
    """Hide a quiz from visitors; its results and share links keep working."""
    if not user_can_publish(user, quiz):
        raise NotAllowed("Only an Editor can archive a quiz.")
    quiz.archived_at = timezone.now()
    quiz.save(update_fields=["archived_at", "updated_at"])
    _audit(
        quiz=quiz,
        version=quiz.live_version,
        user=user,
        action=AuditAction.ARCHIVED,
        comment=comment,
    )
    _cache_forget(quiz.slug)


def quiz_unarchive(*, quiz: Quiz, user: User | AnonymousUser, comment: str = "") -> None:
    if not user_can_publish(user, quiz):
        raise NotAllowed("Only an Editor can restore a quiz.")
    quiz.archived_at = None
    quiz.save(update_fields=["archived_at", "updated_at"])
    _audit(
        quiz=quiz,
        version=quiz.live_version,
        user=user,
        action=AuditAction.RESTORED,
        comment=comment,
    )
    _cache_forget(quiz.slug)


def _cache_forget(slug: str) -> None:
    # Now, so this transaction reads its own change, and again after commit, in case another
    # request cached the old value in between.
    published_cache_clear(slug=slug)
    transaction.on_commit(lambda: published_cache_clear(slug=slug))


# --- starting points: templates, duplicates ------------------------------------------------


def quiz_start_from(
    *, data: dict[str, object], user: User | AnonymousUser, images: dict[str, bytes] | None = None
) -> QuizVersion:
    """A new draft quiz owned by `user` with the content of a quizbuilder/1 file under a new
    slug (a template or a copy): through quiz_import, so the same rules and the audit entry."""
    if not user.is_authenticated or not user_is_author(user):
        raise NotAllowed("Only Authors and Editors can create quizzes.")
    fresh = dict(data)
    fresh["slug"] = slug_free(title=str(data.get("title") or ""), fallback=str(data.get("slug")))
    return quiz_import(data=fresh, user=user, images=images)


def quiz_duplicate(*, quiz: Quiz, user: User | AnonymousUser) -> QuizVersion:
    """A new quiz whose draft is `quiz`'s latest version's content, owned by `user`.

    Only for an author who may see the quiz (the caller finds it among the visible ones).
    QuizRefused when that content breaks a rule (a draft in progress), saving nothing.
    """
    latest = quiz.versions.order_by("-number").first()
    if latest is None:
        raise NotAllowed("This quiz has no version to copy.")
    data, images, _problems = version_export(version=latest)
    return quiz_start_from(data=data, user=user, images=images)
