"""import_quiz / export_quiz: round trips, and every kind of broken file refused whole, with
each problem printed at its JSON path and the database left exactly as it was."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management.base import CommandError
from PIL import Image

from quizzes.format.export import quizfile_export
from quizzes.format.quizfile import quizfile_validate
from quizzes.models import Quiz, QuizVersion
from tests.conftest import DEMO_DIR, SPEC_EXAMPLES, demo_data
from tests.quizzes.helpers import run, table_counts, versions_snapshot, write_json

pytestmark = pytest.mark.django_db

ALL_FILES = sorted(DEMO_DIR.glob("*.json")) + sorted(SPEC_EXAMPLES.glob("*.json"))


def png_bytes(size: tuple[int, int] = (40, 30), colour: str = "#4338ca") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buffer.getvalue()


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_quiz_file_survives_import_export_and_reimport(path: Path, editor, tmp_path):
    original = json.loads(path.read_text(encoding="utf-8"))
    slug = original["slug"]

    out, _err = run("import_quiz", str(path), "--publish")
    assert out.strip() == slug
    first, _ = run("export_quiz", slug)
    exported = json.loads(first)
    canonical = quizfile_export(quizfile_validate(original)[0])
    assert exported == canonical

    out, _err = run("import_quiz", str(write_json(tmp_path / "again.json", exported)))
    assert out.strip() == slug
    second, _ = run("export_quiz", slug, "-o", "-")
    assert json.loads(second) == exported
    assert list(Quiz.objects.get(slug=slug).versions.values_list("number", "status")) == [
        (2, "draft"),
        (1, "published"),
    ]


def test_export_writes_a_json_file_with_o(editor, publish, tmp_path):
    publish("which-morning-drink")
    out, _ = run("export_quiz", "which-morning-drink", "-o", str(tmp_path / "drink.json"))
    assert out.strip() == str(tmp_path / "drink.json")
    data = json.loads((tmp_path / "drink.json").read_text(encoding="utf-8"))
    assert data["format"] == "quizbuilder/1"
    assert data["slug"] == "which-morning-drink"


def test_export_of_an_unknown_slug_fails(db):
    with pytest.raises(CommandError, match="No quiz 'nope'"):
        run("export_quiz", "nope")


def test_a_zip_bundle_with_images_round_trips(editor, tmp_path):
    data = demo_data("which-morning-drink")
    data["card"]["image"] = "images/beans.png"
    data["outcomes"][0]["card"] = {"image": "images/espresso.png", "background": "#000000"}
    bundle = tmp_path / "drink.zip"
    bundle.write_bytes(
        zip_bytes(
            {
                "quiz.json": json.dumps(data),
                "images/beans.png": png_bytes(),
                "images/espresso.png": png_bytes((20, 20), "#111111"),
                "images/unused.png": png_bytes(),
            }
        )
    )

    out, _ = run("import_quiz", str(bundle), "--publish")
    assert out.strip() == "which-morning-drink"
    version = QuizVersion.objects.get(quiz__slug="which-morning-drink")
    assert version.card_image.name.startswith("quiz-images/beans")
    assert version.outcomes.get(key="espresso").card_image.name.startswith("quiz-images/espresso")

    # A quiz with images exports as a bundle, even when asked for .json.
    out, _ = run("export_quiz", "which-morning-drink", "-o", str(tmp_path / "out.json"))
    assert out.strip() == str(tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        names = sorted(zf.namelist())
        exported = json.loads(zf.read("quiz.json"))
        assert Image.open(io.BytesIO(zf.read(exported["card"]["image"]))).size == (40, 30)
    assert names == sorted(
        ["quiz.json", exported["card"]["image"], exported["outcomes"][0]["card"]["image"]]
    )
    assert exported["card"]["image"].startswith("images/beans")

    out, _ = run("import_quiz", str(tmp_path / "out.zip"))
    again, images_again = _export_zip("which-morning-drink", tmp_path / "again.zip")
    assert _without_images(again) == _without_images(exported)
    assert len(images_again) == 2


def _export_zip(slug: str, path: Path) -> tuple[dict, list[str]]:
    run("export_quiz", slug, "-o", str(path))
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("quiz.json")), [n for n in zf.namelist() if n != "quiz.json"]


def _without_images(data: dict) -> dict:
    data = copy.deepcopy(data)
    for holder in [data, *data["outcomes"]]:
        holder.get("card", {}).pop("image", None)
    return data


# --- refusals ----------------------------------------------------------------------------


def _calculator() -> dict:
    return demo_data("weight-in-10-years")


def _set(data: dict, path: list, value) -> dict:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


BROKEN = {
    "unknown key": (
        lambda: _set(_calculator(), ["colour"], "red"),
        "colour: unknown key",
    ),
    "bad slug": (
        lambda: _set(_calculator(), ["slug"], "Weight In 10 Years!"),
        "slug: must be 1 to 60 characters of a-z, 0-9 and -",
    ),
    "wrong format string": (
        lambda: _set(_calculator(), ["format"], "quizbuilder/2"),
        'format: must be "quizbuilder/1"',
    ),
    "duplicate question keys": (
        lambda: _set(_calculator(), ["questions", 2, "key"], "weight"),
        "questions[2].key: duplicate question key 'weight' (also questions[1])",
    ),
    "min greater than max": (
        lambda: _set(_calculator(), ["questions", 1, "min"], 300),
        "questions[1].min: must not be greater than max (300 > 250)",
    ),
    "choice pointing to an unknown outcome": (
        lambda: _set(
            demo_data("which-morning-drink"),
            ["questions", 0, "choices", 0, "points"],
            {"espresso": 2, "hero": 1},
        ),
        "questions[0].choices[0].points.hero: unknown outcome",
    ),
    "unknown placeholder": (
        lambda: _set(_calculator(), ["outcomes", 0, "title"], "{nmae}, you'll be lighter"),
        "outcomes[0].title: ",
    ),
    "formula with an unknown name": (
        lambda: _set(_calculator(), ["variables", 2, "expr"], "round(weight_10y - wieght, 1)"),
        "variables[2].expr: ",
    ),
    "forbidden syntax": (
        lambda: _set(_calculator(), ["variables", 0, "expr"], "().__class__"),
        "variables[0].expr: ",
    ),
    "a blow-up": (
        lambda: _set(_calculator(), ["variables", 0, "expr"], "9 ** 9 ** 9"),
        "variables[0].expr: ",
    ),
    "division by zero at the input corners": (
        lambda: _set(_calculator(), ["variables", 0, "expr"], "100 / (age - 14)"),
        "variables[0].expr: ",
    ),
}


def _assert_refused(path: Path, expected: str, before: dict, snapshot: list) -> list[str]:
    with pytest.raises(CommandError, match=r"refused, \d+ problems?; nothing was saved") as exc:
        out, err = io.StringIO(), io.StringIO()
        from django.core.management import call_command

        try:
            call_command("import_quiz", str(path), "--publish", stdout=out, stderr=err)
        finally:
            lines = err.getvalue().splitlines()
    assert exc.value.returncode == 1
    assert out.getvalue() == ""
    assert any(line.startswith(expected) and len(line) > len(expected) - 1 for line in lines), lines
    assert table_counts() == before
    assert versions_snapshot(snapshot[0]) == snapshot[1]
    return lines


@pytest.mark.parametrize("existing", [False, True], ids=["new quiz", "existing quiz"])
@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_a_broken_file_is_refused_whole(case, existing, editor, publish, tmp_path):
    make, expected = BROKEN[case]
    data = make()
    base = (
        data["slug"]
        if data["slug"] in ("weight-in-10-years", "which-morning-drink")
        else ("weight-in-10-years")
    )
    if existing:
        publish(base)
    before = table_counts()
    lines = _assert_refused(
        write_json(tmp_path / "broken.json", data),
        expected,
        before,
        (base, versions_snapshot(base)),
    )
    # Every line names a path and says what is wrong.
    assert all(": " in line for line in lines)


def test_every_problem_is_listed_not_only_the_first(editor, tmp_path):
    data = _calculator()
    data["colour"] = "red"
    data["questions"][1]["min"] = 300
    data["variables"][2]["expr"] = "round(weight_10y - wieght, 1)"
    before = table_counts()
    lines = _assert_refused(
        write_json(tmp_path / "b.json", data),
        "colour: unknown key",
        before,
        ("weight-in-10-years", []),
    )
    paths = {line.split(": ", 1)[0] for line in lines}
    assert {"colour", "questions[1].min", "variables[2].expr"} <= paths


def test_duplicate_keys_in_the_json_text_are_refused(editor, tmp_path):
    text = json.dumps(_calculator())
    text = text.replace('"title": ', '"title": "First title", "title": ', 1)
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    _assert_refused(
        path, "title: duplicate key in the JSON object", table_counts(), ("weight-in-10-years", [])
    )


def test_invalid_json_is_refused_with_its_line(editor, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "quizbuilder/1",\n "slug": }', encoding="utf-8")
    lines = _assert_refused(path, "$: not valid JSON", table_counts(), ("", []))
    assert "line 2" in lines[0]


def test_a_zip_with_a_bad_image_is_refused(editor, publish, tmp_path):
    publish("which-morning-drink")
    data = demo_data("which-morning-drink")
    data["card"]["image"] = "images/cover.png"
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    bundle = write_bundle(
        tmp_path, {"quiz.json": json.dumps(data), "images/cover.png": gif.getvalue()}
    )
    before = table_counts()
    _assert_refused(
        bundle,
        "card.image: ",
        before,
        ("which-morning-drink", versions_snapshot("which-morning-drink")),
    )
    assert not list((tmp_path / "media").rglob("cover*"))


def test_a_zip_naming_a_missing_image_is_refused(editor, tmp_path):
    data = demo_data("which-morning-drink")
    data["card"]["image"] = "images/nowhere.png"
    bundle = write_bundle(tmp_path, {"quiz.json": json.dumps(data)})
    _assert_refused(
        bundle,
        "card.image: image 'images/nowhere.png' is not in the bundle",
        table_counts(),
        ("which-morning-drink", []),
    )


def test_a_zip_with_path_traversal_is_refused(editor, tmp_path):
    data = demo_data("which-morning-drink")
    data["card"]["image"] = "images/cover.png"
    bundle = write_bundle(
        tmp_path,
        {
            "quiz.json": json.dumps(data),
            "images/cover.png": png_bytes(),
            "../../evil.png": png_bytes(),
        },
    )
    _assert_refused(
        bundle, "../../evil.png: unsafe member name", table_counts(), ("which-morning-drink", [])
    )
    assert not (tmp_path.parent / "evil.png").exists()


def test_a_zip_bomb_is_refused(editor, tmp_path):
    data = demo_data("which-morning-drink")
    data["card"]["image"] = "images/cover.png"
    bundle = write_bundle(
        tmp_path, {"quiz.json": json.dumps(data), "images/cover.png": b"\0" * 30_000_000}
    )
    _assert_refused(bundle, "images/cover.png: ", table_counts(), ("which-morning-drink", []))


def test_a_zip_with_too_many_members_is_refused(editor, tmp_path):
    members: dict[str, bytes | str] = {"quiz.json": json.dumps(demo_data("which-morning-drink"))}
    members.update({f"junk/{i}.txt": b"x" for i in range(300)})
    _assert_refused(
        write_bundle(tmp_path, members),
        "$: more than 200 files",
        table_counts(),
        ("which-morning-drink", []),
    )


def test_a_zip_without_quiz_json_is_refused(editor, tmp_path):
    bundle = write_bundle(
        tmp_path, {"quiz/quiz.json": json.dumps(demo_data("which-morning-drink"))}
    )
    _assert_refused(
        bundle,
        "$: the bundle has no quiz.json at its top level",
        table_counts(),
        ("which-morning-drink", []),
    )


def write_bundle(tmp_path: Path, members: dict[str, bytes | str]) -> Path:
    path = tmp_path / "bundle.zip"
    path.write_bytes(zip_bytes(members))
    return path


def test_publish_needs_an_editor(author, tmp_path):
    path = write_json(tmp_path / "q.json", demo_data("which-morning-drink"))
    with pytest.raises(CommandError, match="not an Editor"):
        run("import_quiz", str(path), "--publish", "--user", "alice")
    assert Quiz.objects.count() == 0
    out, _ = run("import_quiz", str(path), "--user", "alice")
    assert out.strip() == "which-morning-drink"
    assert Quiz.objects.get().owner == author


def test_a_cover_image_travels_in_the_bundle(editor, tmp_path):
    data = demo_data("which-morning-drink")
    data["cover"] = "images/cover.png"
    bundle = write_bundle(
        tmp_path, {"quiz.json": json.dumps(data), "images/cover.png": png_bytes((64, 48))}
    )
    run("import_quiz", str(bundle), "--publish")
    version = QuizVersion.objects.get(quiz__slug="which-morning-drink")
    assert version.cover.name.startswith("quiz-images/cover")
    assert version.definition["cover"] == version.cover.name

    exported, images = _export_zip("which-morning-drink", tmp_path / "out.zip")
    assert exported["cover"].startswith("images/cover")
    assert images == [exported["cover"]]


def test_a_bad_cover_path_is_refused(editor, tmp_path):
    data = demo_data("which-morning-drink")
    data["cover"] = "../cover.gif"
    _assert_refused(
        write_json(tmp_path / "q.json", data),
        "cover: must be a relative path inside the bundle",
        table_counts(),
        ("which-morning-drink", []),
    )
