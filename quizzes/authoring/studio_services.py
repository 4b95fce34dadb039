"""Studio services: saving a draft's working copy as the author types (valid or not, never
over someone else's newer save) and starting a quiz from the studio's blank of a kind."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from quizzes.authoring.document_ops import document_blank
from quizzes.authoring.images import image_clean
from quizzes.authoring.permissions import user_can_edit
from quizzes.authoring.rows import quiz_validate
from quizzes.authoring.rows_sync import rows_write
from quizzes.authoring.services import NotAllowed, _audit, quiz_create
from quizzes.authoring.slugs import slug_free
from quizzes.format.definition import Definition
from quizzes.format.quizfile import Problem
from quizzes.models import AuditAction, AuditEntry, QuizVersion, VersionStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Where the studio stores the images an author uploads (the document names them by path).
STUDIO_UPLOAD_DIR = "quiz-images/"


class EditConflict(Exception):
    """The draft was saved by someone else (or another tab) since this page was drawn."""

    def __init__(self, *, by: User | None, at: datetime.datetime) -> None:
        super().__init__(f"changed by {by} at {at}")
        self.by = by
        self.at = at


# An editing session's saves make one "edited" history entry, not one per keystroke.
EDIT_AUDIT_WINDOW = datetime.timedelta(minutes=15)


def _studio_images(definition: Definition) -> frozenset[str]:
    """The stored images a studio document names (the studio uploads them first)."""
    named = {definition.get("cover"), (definition.get("card") or {}).get("image")}
    named.update((o.get("card") or {}).get("image") for o in definition["outcomes"])
    for q in definition["questions"]:
        named.add(cast(dict[str, Any], q).get("image"))
        named.update(cast(dict[str, Any], c).get("image") for c in q.get("choices") or [])
    return frozenset(
        name
        for name in named
        if isinstance(name, str)
        and name.startswith(STUDIO_UPLOAD_DIR)
        and default_storage.exists(name)
    )


@dataclass(frozen=True)
class DocumentSaved:
    """A studio save: the draft's new revision and its working copy as checked (the
    definition, or None and its problems), for the answer to use rather than check again."""

    revision: int
    definition: Definition | None
    problems: list[Problem]


def version_document_save(
    *, version: QuizVersion, document: dict[str, Any], revision: int, user: User | AnonymousUser
) -> DocumentSaved:
    """Save the studio's working copy of a draft, valid or not, and return its new revision
    and its problems (empty when it is valid; the rows then follow it, so it can be
    submitted and published). `version` is brought up to date with what was saved.

    EditConflict, saving nothing, when the draft's revision is no longer `revision` (another
    page saved in between); NotAllowed when it is no longer a draft or the user may not edit.
    """
    if not user_can_edit(user, version.quiz):
        raise NotAllowed("You cannot edit this quiz.")
    document = {**document, "format": "quizbuilder/1", "slug": version.quiz.slug}
    definition, problems = quiz_validate(document)
    with transaction.atomic():
        # Only the version's row is locked: PostgreSQL refuses FOR UPDATE on the nullable
        # side of the outer join to edited_by.
        locked = (
            QuizVersion.objects.select_for_update(of=("self",))
            .select_related("edited_by", "quiz")
            .get(pk=version.pk)
        )
        if locked.status != VersionStatus.DRAFT:
            raise NotAllowed("Only a draft can be edited.")
        if locked.revision != revision:
            raise EditConflict(by=locked.edited_by, at=locked.updated_at)
        locked.document = document
        locked.revision += 1
        locked.edited_by = user if user.is_authenticated else None
        if definition is not None:
            # The rows follow the valid copy; their writer saves the version, these fields
            # with it (one UPDATE).
            rows_write(
                version=locked, definition=definition, files={}, kept=_studio_images(definition)
            )
        else:
            if isinstance(document.get("title"), str):
                # The dashboard names a draft by its title, valid or not.
                locked.title = document["title"][:200] or locked.title
            locked.save(update_fields=["title", "document", "revision", "edited_by", "updated_at"])
        _edit_audit(version=locked, user=user)
    # What the page is drawn from next: the saved row, without reading it back.
    for field in QuizVersion._meta.concrete_fields:
        setattr(version, field.attname, getattr(locked, field.attname))
    version.edited_by = locked.edited_by
    return DocumentSaved(locked.revision, definition, problems)


def _edit_audit(*, version: QuizVersion, user: User | AnonymousUser) -> None:
    """An "edited" history entry, unless this person's last one for this draft is recent."""
    last = AuditEntry.objects.filter(quiz=version.quiz).order_by("-at", "-pk").first()
    if not (
        last is not None
        and last.at > timezone.now() - EDIT_AUDIT_WINDOW
        and last.action == AuditAction.EDITED
        and last.version_id == version.pk
        and last.actor_id == getattr(user, "pk", None)
    ):
        _audit(quiz=version.quiz, version=version, user=user, action=AuditAction.EDITED)


def quiz_start_blank(
    *, kind: str, title: str, language: str, user: User | AnonymousUser, slug: str = ""
) -> QuizVersion:
    """A new quiz of `kind` whose draft is the studio's blank of that kind (questions and
    results to fill in), under `slug` or one made from the title. NotAllowed as quiz_create."""
    version = quiz_create(
        slug=slug or slug_free(title=title, fallback=kind),
        title=title,
        kind=kind,
        user=user,
        language=language,
    )
    version.document = document_blank(
        kind=kind, title=title, slug=version.quiz.slug, language=language
    )
    version.save(update_fields=["document"])
    return version


def studio_image_store(*, data: bytes) -> str:
    """Check an uploaded image with the importer's rules (PNG, JPEG or WebP, size and pixel
    limits, metadata stripped), store it and return its name for the document. ImageError,
    storing nothing, for a file that breaks a rule."""
    clean, ext, _w, _h = image_clean(
        data, max_bytes=settings.IMAGE_MAX_BYTES, max_pixels=settings.IMAGE_MAX_PIXELS
    )
    # Named by content: the same picture uploaded twice is one file, never a clash.
    name = f"{STUDIO_UPLOAD_DIR}{hashlib.sha256(clean).hexdigest()[:24]}.{ext}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(clean))
    return name
