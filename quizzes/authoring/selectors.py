"""Reads of a version that authoring names: its normalised definition and its export."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage

from quizzes.authoring.rows import quiz_validate, version_file_data
from quizzes.format.bundles import definition_relink, export_paths
from quizzes.format.definition import Definition
from quizzes.format.export import quizfile_export
from quizzes.format.quizfile import Problem
from quizzes.models import QuizVersion, VersionStatus


def version_definition(*, version: QuizVersion) -> tuple[Definition | None, list[Problem]]:
    """The normalised definition of a version: frozen if published, else from its rows."""
    if version.status in (VersionStatus.PUBLISHED, VersionStatus.RETIRED) and version.definition:
        return version.definition, []
    return quiz_validate(version_file_data(version=version))


def version_export(
    *, version: QuizVersion
) -> tuple[dict[str, Any], dict[str, bytes], list[Problem]]:
    """A version as a quizbuilder/1 file, the image bytes it names, and any problems.

    A valid version exports in canonical form (quizfile_export); a draft that breaks a rule
    still exports its rows as they are, with the problems, so work is never trapped.
    """
    definition, problems = version_definition(version=version)
    data = quizfile_export(definition) if definition else version_file_data(version=version)
    mapping = export_paths(data)
    images: dict[str, bytes] = {}
    for name, path in mapping.items():
        try:
            with default_storage.open(name, "rb") as stored:
                images[path] = stored.read()
        except OSError:
            problems.append(Problem(path, f"the stored image {name!r} is missing"))
    return definition_relink(data, mapping), images, problems
