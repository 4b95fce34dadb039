"""A version's relational rows and the quizbuilder/1 document, both ways.

`version_file_data` reads a draft's rows as a file (the validator then checks it);
`rows_sync.rows_write` makes a draft's rows hold a validated definition, with the images
`images_prepare` checked and re-encoded beforehand so nothing is stored for a refused file.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile

from quizzes.authoring.images import ImageError, image_clean
from quizzes.format.checks import Problem
from quizzes.format.definition import Definition
from quizzes.format.integration_checks import lead_export
from quizzes.format.quizfile import RETENTION_DAYS_DEFAULT, quizfile_validate
from quizzes.models import Choice, Outcome, Question, QuizVersion, Variable

# Bump when the format's rules change, so no answer of the old rules is served.
VALIDATE_CACHE_VERSION = 1
VALIDATE_CACHE_SECONDS = 600
CARD_KEYS = ("headline", "subline", "background", "gradient_to", "text_color")


def _card_from(obj: QuizVersion | Outcome) -> dict[str, str]:
    card = {k: getattr(obj, f"card_{k}") for k in CARD_KEYS if getattr(obj, f"card_{k}")}
    if obj.card_image:
        card["image"] = obj.card_image.name
    return card


def version_file_data(*, version: QuizVersion) -> dict[str, Any]:
    """The version's content as a quizbuilder/1 document (not yet validated): the studio's
    working copy when it has one, else its rows."""
    if version.document is not None and version.status in ("draft", "review"):
        return copy.deepcopy(version.document)
    return rows_file_data(version=version)


def rows_file_data(*, version: QuizVersion) -> dict[str, Any]:
    """The version's rows (questions, choices, values, outcomes) as a quizbuilder/1 document,
    whatever working copy it has."""
    questions = [(q, list(q.choices.all())) for q in version.questions.prefetch_related("choices")]
    return file_data_build(
        version=version,
        questions=questions,
        variables=list(version.variables.all()),
        outcomes=list(version.outcomes.all()),
    )


def _question_file_data(q: Question, choices: list[Choice]) -> dict[str, Any]:
    item: dict[str, Any] = {"key": q.key, "type": q.type, "prompt": q.prompt}
    if q.image:
        item["image"] = q.image.name
    if q.help:
        item["help"] = q.help
    item["required"] = q.required
    if q.show_if is not None:
        item["show_if"] = q.show_if
    if q.explanation:
        item["explanation"] = q.explanation
    if q.type == "number":
        item.update(min=q.min, max=q.max)
        if q.step is not None:
            item["step"] = q.step
        if q.unit:
            item["unit"] = q.unit
    elif q.type == "text":
        if q.max_length is not None:
            item["max_length"] = q.max_length
    else:
        if q.type == "multi":
            if q.min_choices is not None:
                item["min_choices"] = q.min_choices
            if q.max_choices is not None:
                item["max_choices"] = q.max_choices
        item["choices"] = [
            {
                "key": c.key,
                "label": c.label,
                "value": c.value,
                "points": c.points or {},
                "correct": c.correct,
                **({"image": c.image.name} if c.image else {}),
            }
            for c in choices
        ]
    return item


def file_data_build(
    *,
    version: QuizVersion,
    questions: list[tuple[Question, list[Choice]]],
    variables: list[Variable],
    outcomes: list[Outcome],
) -> dict[str, Any]:
    """A quizbuilder/1 document from row objects, saved or not (the admin checks unsaved
    edits with it before anything is written)."""
    data: dict[str, Any] = {
        "format": "quizbuilder/1",
        "slug": version.quiz.slug,
        "language": version.language,
        "title": version.title,
        "description": version.description,
        "kind": version.kind,
        "questions": [],
        "outcomes": [],
    }
    data["questions"] = [_question_file_data(q, choices) for q, choices in questions]
    if version.kind == "calculator":
        data["variables"] = [
            {"key": v.key, "expr": v.expr}
            | ({"label": v.label} if v.label else {})
            | ({"unit": v.unit} if v.unit else {})
            for v in variables
        ]
    for o in outcomes:
        out: dict[str, Any] = {"key": o.key, "title": o.title, "description": o.description}
        for bound in ("min", "max"):
            if getattr(o, bound) is not None:
                out[bound] = getattr(o, bound)
        if o.when:
            out["when"] = o.when
        if card := _card_from(o):
            out["card"] = card
        if o.cta:
            out["cta"] = dict(o.cta)
        data["outcomes"].append(out)
    if card := _card_from(version):
        data["card"] = card
    if version.cover:
        data["cover"] = version.cover.name
    if version.theme:
        data["theme"] = dict(version.theme)
    if version.retention_days != RETENTION_DAYS_DEFAULT:
        data["retention_days"] = version.retention_days
    if version.feedback and version.kind == "trivia":
        data["feedback"] = True
    if version.cta:
        data["cta"] = dict(version.cta)
    if version.lead:
        data["lead"] = lead_export(dict(version.lead))
    return data


def version_images(*, version: QuizVersion) -> frozenset[str]:
    """The names of the image files a version's rows hold (card images and cover): new content
    for it may name them again instead of bringing the bytes."""
    # Read from the database: the instance may carry a form's unsaved upload.
    names = set(QuizVersion.objects.filter(pk=version.pk).values_list("card_image", "cover")[0])
    names.update(Outcome.objects.filter(version=version).values_list("card_image", flat=True))
    names.update(Question.objects.filter(version=version).values_list("image", flat=True))
    names.update(Choice.objects.filter(question__version=version).values_list("image", flat=True))
    return frozenset(name for name in names if name)


def definition_images(definition: Definition) -> list[tuple[str, str]]:
    """(JSON path, image path) of every image a definition names: card, outcome cards,
    cover, questions and choices."""
    named = [("card.image", (definition.get("card") or {}).get("image") or "")]
    named += [
        (f"outcomes[{i}].card.image", (o.get("card") or {}).get("image") or "")
        for i, o in enumerate(definition["outcomes"])
    ]
    named.append(("cover", definition.get("cover") or ""))
    for i, q in enumerate(definition["questions"]):
        named.append((f"questions[{i}].image", q.get("image") or ""))
        named += [
            (f"questions[{i}].choices[{j}].image", c.get("image") or "")
            for j, c in enumerate(q.get("choices") or [])
        ]
    return [(where, path) for where, path in named if path]


def quiz_validate(data: object) -> tuple[Definition | None, list[Problem]]:
    """quizfile_validate with this site's limits (the most days answers may be kept).

    A calculator's check evaluates its formulas at thousands of corners (tens of ms), and
    after each keystroke's save (which checks once and hands the answer on) the previews
    check the same working copy again: the answer for a calculator is kept in the cache by
    content.
    """
    days = settings.RESULT_RETENTION_DAYS_MAX
    if not (isinstance(data, dict) and data.get("kind") == "calculator"):
        return quizfile_validate(data, retention_days_max=days)
    try:
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return quizfile_validate(data, retention_days_max=days)
    digest = hashlib.sha256(f"{VALIDATE_CACHE_VERSION}:{days}:{text}".encode()).hexdigest()
    key = f"quiz-validate:{digest}"
    found = cache.get(key)
    if found is not None:
        return cast(tuple[Definition | None, list[Problem]], found)
    answer = quizfile_validate(data, retention_days_max=days)
    cache.set(key, answer, VALIDATE_CACHE_SECONDS)
    return answer


@dataclass(frozen=True)
class VersionContent:
    """A version's new content that passed the importer's rules, ready to be written by
    services.version_save; only version_check makes one."""

    slug: str
    definition: Definition
    files: dict[str, ContentFile]  # the images it brings, checked and re-encoded
    kept: frozenset[str]  # the stored images of the version it names again


def version_check(
    *, version: QuizVersion | None, data: object, images: Mapping[str, bytes] | None = None
) -> tuple[VersionContent | None, list[Problem]]:
    """The importer's rules applied to new content for `version` (None: a quiz not yet
    created), writing nothing: the content, or None and every problem by JSON path.

    An image path is either in `images` or one already stored on this version (an unchanged
    card image or cover).
    """
    definition, problems = quiz_validate(data)
    if definition is None:
        return None, problems
    if version is not None and definition["slug"] != version.quiz.slug:
        return None, [Problem("slug", f"this version belongs to the quiz {version.quiz.slug!r}")]
    stored = version_images(version=version) if version is not None else frozenset()
    files, problems = images_prepare(definition=definition, images=images or {}, kept=stored)
    if problems:
        return None, problems
    named = {path for _where, path in definition_images(definition)}
    kept = frozenset(path for path in named if path in stored and path not in files)
    return VersionContent(definition["slug"], definition, files, kept), []


def images_prepare(
    *,
    definition: Definition,
    images: Mapping[str, bytes],
    kept: Collection[str] = frozenset(),
) -> tuple[dict[str, ContentFile], list[Problem]]:
    """Every image the definition names, checked and re-encoded, before anything is saved;
    a path in `kept` names a file already stored (version_images) and needs no bytes."""
    files: dict[str, ContentFile] = {}
    problems: list[Problem] = []
    for where, path in definition_images(definition):
        if not path or path in files or (path in kept and path not in images):
            continue
        if path not in images:
            problems.append(Problem(where, f"image {path!r} is not in the bundle"))
            continue
        try:
            data, ext, _w, _h = image_clean(
                images[path],
                max_bytes=settings.IMAGE_MAX_BYTES,
                max_pixels=settings.IMAGE_MAX_PIXELS,
            )
        except ImageError as exc:
            problems.append(Problem(where, str(exc)))
            continue
        files[path] = ContentFile(data, name=f"{path.rsplit('/', 1)[-1].rsplit('.', 1)[0]}.{ext}")
    return files, problems
