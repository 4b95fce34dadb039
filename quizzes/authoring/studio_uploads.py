"""The studio's image fields: storing what an author picks, and the URL each field shows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from quizzes.authoring import studio_services
from quizzes.authoring.document import document_image_set
from quizzes.authoring.images import ImageError


def uploads_store(
    *, files: MultiValueDict[str, UploadedFile], document: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], str]:
    """Store each image the form brings (`upload.<target>`) and name it in the document.

    Returns the document, the reason each refused file was refused (by target, fit to show
    next to its field) and the last upload field seen (where focus goes back). A refused
    file changes nothing: the image the target had is kept.
    """
    errors: dict[str, str] = {}
    focus = ""
    for field in files:
        upload = files.getlist(field)[-1]
        if not field.startswith("upload."):
            continue
        target = field.removeprefix("upload.")
        focus = field
        if upload.size and upload.size > settings.IMAGE_MAX_BYTES:
            errors[target] = _("The image is larger than %(mb)s MB.") % {
                "mb": settings.IMAGE_MAX_BYTES // 1_000_000
            }
            continue
        try:
            name = studio_services.studio_image_store(data=upload.read())
        except ImageError as exc:
            errors[target] = _("This image cannot be used: %(why)s") % {"why": exc}
            continue
        document = document_image_set(document, target, name)
    return document, errors, focus


def image_urls(document: dict[str, Any]) -> dict[str, str]:
    """The URL of each image the document names, by studio target."""
    found: dict[str, str] = {}

    def add(target: str, name: object) -> None:
        if isinstance(name, str) and name.startswith(studio_services.STUDIO_UPLOAD_DIR):
            found[target] = default_storage.url(name)

    add("cover", document.get("cover"))
    add("card-image", (document.get("card") or {}).get("image"))
    for i, o in enumerate(document.get("outcomes") or []):
        if isinstance(o, dict):
            add(f"o-{i}-card-image", (o.get("card") or {}).get("image"))
    for i, q in enumerate(document.get("questions") or []):
        if not isinstance(q, dict):
            continue
        add(f"questions.{i}.image", q.get("image"))
        for j, c in enumerate(q.get("choices") or []):
            if isinstance(c, dict):
                add(f"questions.{i}.choices.{j}.image", c.get("image"))
    return found
