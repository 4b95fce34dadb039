"""services.version_save, the one writer of a version's content: the imported file decides the
draft's whole content, images included, each write is one audit entry, and only a draft is
written, by someone who may edit it, with content for that quiz."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from quizzes.authoring.rows import version_check
from quizzes.authoring.services import NotAllowed, QuizRefused, quiz_import, version_save
from quizzes.format.checks import Problem
from quizzes.models import AuditEntry, QuizVersion
from tests.conftest import demo_data
from tests.quizzes.helpers import run, write_json

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#4338ca").save(buffer, "PNG")
    return buffer.getvalue()


def bundle(path: Path, data: dict, images: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("quiz.json", json.dumps(data))
        for name in images:
            zf.writestr(name, png_bytes())
    return path


def test_re_importing_a_file_without_images_drops_the_drafts_old_ones(editor, tmp_path):
    data = demo_data("which-morning-drink")
    data["cover"] = "images/cover.png"
    data["card"] = {**data.get("card", {}), "image": "images/card.png"}
    run(
        "import_quiz",
        str(bundle(tmp_path / "q.zip", data, ["images/cover.png", "images/card.png"])),
    )
    draft = QuizVersion.objects.get(quiz__slug="which-morning-drink")
    assert draft.cover.name.startswith("quiz-images/cover")
    assert draft.card_image.name.startswith("quiz-images/card")

    run("import_quiz", str(write_json(tmp_path / "q.json", demo_data("which-morning-drink"))))

    draft.refresh_from_db()
    assert QuizVersion.objects.filter(quiz__slug="which-morning-drink").count() == 1
    assert (draft.cover.name, draft.card_image.name) == ("", "")
    assert list(AuditEntry.objects.order_by("id").values_list("action", "actor__username")) == [
        ("imported", "erin"),
        ("imported", "erin"),
    ]


def test_only_a_draft_is_written_and_only_by_someone_who_may_edit_it(
    author, other_author, editor, publish
):
    published = publish("weight-in-10-years")
    before = list(AuditEntry.objects.values_list("id", flat=True))
    changed = demo_data("weight-in-10-years") | {"title": "Changed"}
    content, problems = version_check(version=published, data=changed)
    assert content is not None and problems == []
    with pytest.raises(NotAllowed, match=r"^Only a draft can be edited\.$"):
        version_save(version=published, content=content, user=editor)

    draft = quiz_import(data=demo_data("which-morning-drink"), user=author)
    changed = demo_data("which-morning-drink") | {"title": "Changed"}
    content, _ = version_check(version=draft, data=changed)
    assert content is not None
    with pytest.raises(NotAllowed, match=r"^You cannot edit this quiz\.$"):
        version_save(version=draft, content=content, user=other_author)

    assert version_check(version=draft, data=demo_data("weight-in-10-years")) == (
        None,
        [Problem("slug", "this version belongs to the quiz 'which-morning-drink'")],
    )
    other, _ = version_check(version=None, data=demo_data("weight-in-10-years"))
    assert other is not None
    with pytest.raises(QuizRefused) as refused:
        version_save(version=draft, content=other, user=author)
    assert [str(p) for p in refused.value.problems] == [
        "slug: this content is for the quiz 'weight-in-10-years'"
    ]

    assert QuizVersion.objects.get(pk=published.pk).title == "What will you weigh in 10 years?"
    assert QuizVersion.objects.get(pk=draft.pk).title == "Which morning drink are you?"
    assert list(AuditEntry.objects.exclude(id__in=before).values_list("action", flat=True)) == [
        "imported"
    ]
