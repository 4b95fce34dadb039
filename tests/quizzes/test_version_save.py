"""services.version_save as the importer uses it: the imported file decides the draft's whole
content, images included, and each import is one audit entry."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

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
