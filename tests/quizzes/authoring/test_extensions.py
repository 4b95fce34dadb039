"""The studio's extensions through the rows: a bundle with question and choice images, a
display condition and an explanation imports, exports as a bundle and imports back equal;
a new draft of it keeps every image; a draft may name its stored images again."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image

from quizzes.authoring.rows import version_check
from quizzes.authoring.selectors import version_definition, version_export
from quizzes.authoring.services import quiz_draft_get_or_create, quiz_import, version_save
from quizzes.format.export import quizfile_export
from quizzes.models import Choice, Question
from tests.quizzes.conditions import smoke_quiz, trivia_images, trivia_quiz
from tests.quizzes.helpers import run

pytestmark = pytest.mark.django_db


def _without_images(data: dict) -> dict:
    out = json.loads(json.dumps(data))
    for q in out["questions"]:
        q.pop("image", None)
        for c in q.get("choices", []):
            c.pop("image", None)
    return out


def test_question_and_choice_images_travel_in_the_bundle(editor, tmp_path):
    version = quiz_import(data=trivia_quiz(), user=editor, images=trivia_images(), publish=True)
    france = Question.objects.get(version=version, key="france")
    assert france.image.name.startswith("quiz-images/paris")
    assert france.explanation == "Paris has been the capital since 987."
    assert Question.objects.get(version=version, key="red").show_if == {
        "question": "flags",
        "choices": ["yes"],
    }
    paris = Choice.objects.get(question=france, key="paris")
    assert paris.image.name.startswith("quiz-images/a")
    assert version.definition["questions"][0]["choices"][0]["image"] == paris.image.name

    out, _ = run("export_quiz", "flags-and-capitals", "-o", str(tmp_path / "out.json"))
    assert out.strip() == str(tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        exported = json.loads(zf.read("quiz.json"))
        first = exported["questions"][0]
        assert Image.open(io.BytesIO(zf.read(first["image"]))).size == (80, 40)
        assert sorted(zf.namelist()) == sorted(
            ["quiz.json", first["image"], *(c["image"] for c in first["choices"])]
        )
    assert _without_images(exported) == _without_images(trivia_quiz())

    run("import_quiz", str(tmp_path / "out.zip"))
    run("export_quiz", "flags-and-capitals", "-o", str(tmp_path / "again.zip"))
    with zipfile.ZipFile(tmp_path / "again.zip") as zf:
        # Stored again under new names (the storage's), so the paths differ; nothing else.
        assert _without_images(json.loads(zf.read("quiz.json"))) == _without_images(exported)
        assert len(zf.namelist()) == 4


def test_a_quiz_without_images_round_trips_through_the_rows(editor):
    version = quiz_import(data=smoke_quiz(), user=editor)
    definition, problems = version_definition(version=version)
    assert problems == []
    assert definition is not None
    assert quizfile_export(definition) == smoke_quiz()


def test_a_new_draft_keeps_the_question_and_choice_images(editor):
    version = quiz_import(data=trivia_quiz(), user=editor, images=trivia_images(), publish=True)
    draft = quiz_draft_get_or_create(quiz=version.quiz, user=editor)
    france = Question.objects.get(version=draft, key="france")
    assert france.image.name == Question.objects.get(version=version, key="france").image.name
    assert [c.image.name for c in france.choices.all()] == [
        c.image.name for c in Question.objects.get(version=version, key="france").choices.all()
    ]
    # The draft's own content names its stored images again without their bytes.
    data, _images, _problems = version_export(version=draft)
    stored, _ = version_definition(version=draft)
    assert stored is not None
    content, problems = version_check(version=draft, data=quizfile_export(stored), images={})
    assert problems == []
    assert content is not None
    assert france.image.name in content.kept
    version_save(version=draft, content=content, user=editor)
    assert Question.objects.get(version=draft, key="france").image.name == france.image.name
    assert data["questions"][0]["image"].startswith("images/paris")


def test_an_image_missing_from_the_bundle_is_named_by_its_path(editor):
    images = trivia_images()
    del images["images/b.png"]
    content, problems = version_check(version=None, data=trivia_quiz(), images=images)
    assert content is None
    assert [str(p) for p in problems] == [
        "questions[0].choices[1].image: image 'images/b.png' is not in the bundle"
    ]
