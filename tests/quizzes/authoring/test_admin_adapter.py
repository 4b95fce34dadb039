"""The authoring admin writes through the services
(quizzes.authoring.admin_adapter): an edit of a draft
is checked with the importer's rules, written by services.version_save and recorded in the
audit log; a refused edit changes nothing; a published version is not editable."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from quizzes.authoring.services import quiz_import, version_publish
from quizzes.models import AuditEntry, Outcome, QuizVersion, Variable
from tests.conftest import demo_data
from tests.quizzes.helpers import admin_url, client_for, form_data

pytestmark = pytest.mark.django_db


def png(colour: str, size: tuple[int, int] = (30, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def audit_actions() -> list[tuple[str, str | None]]:
    return list(AuditEntry.objects.order_by("id").values_list("action", "actor__username"))


@pytest.fixture
def calculator(author) -> QuizVersion:
    return quiz_import(data=demo_data("weight-in-10-years"), user=author)


@pytest.fixture
def drink(author) -> QuizVersion:
    """A personality draft whose first outcome has a stored card image."""
    data = demo_data("which-morning-drink")
    data["outcomes"][0]["card"] = {"image": "images/first.png"}
    return quiz_import(data=data, user=author, images={"images/first.png": png("#123456")})


def test_an_admin_edit_of_a_draft_is_written_by_the_service_with_an_audit_entry(author, calculator):
    client = client_for(author)
    data = form_data(client.get(admin_url(calculator)).content.decode())
    data["title"] = "Your weight in ten years"
    expr_field = next(k for k, v in data.items() if v == "round(weight_10y - weight, 1)")
    data[expr_field] = "round(weight_10y - weight, 2)"
    rows_before = set(calculator.questions.values_list("id", flat=True))

    response = client.post(admin_url(calculator), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("quizzes:editor-quiz", args=["weight-in-10-years"])
    calculator.refresh_from_db()
    assert calculator.title == "Your weight in ten years"
    assert Variable.objects.get(version=calculator, key="change").expr == (
        "round(weight_10y - weight, 2)"
    )
    # The service writes the checked document's rows (the importer's rows_write), only those
    # that changed: the questions, untouched, keep their ids.
    assert set(calculator.questions.values_list("id", flat=True)) == rows_before
    assert audit_actions() == [("imported", "alice"), ("edited", "alice")]
    entry = AuditEntry.objects.get(action="edited")
    assert (entry.quiz_id, entry.version_id) == (calculator.quiz_id, calculator.pk)
    # The quiz's history shows it.
    page = client.get(reverse("quizzes:editor-quiz", args=["weight-in-10-years"]))
    assert '<span class="audit-action">edited</span>' in page.content.decode()


def stored_files(settings) -> list[str]:
    return sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def test_an_invalid_edit_shows_the_importers_message_and_loses_nothing_saved(
    author, drink, settings
):
    client = client_for(author)
    data = form_data(client.get(admin_url(drink)).content.decode())
    points_field = next(k for k, v in data.items() if k.endswith("-points") and "latte" in v)
    data[points_field] = '{"hero": 2}'
    data["title"] = "Should not be saved"
    data["card_image"] = SimpleUploadedFile("new.png", png("#abcdef"), "image/png")
    image_before = Outcome.objects.get(version=drink, position=0).card_image.name
    rows_before = sorted(drink.questions.values_list("id", "key"))
    files_before = stored_files(settings)

    response = client.post(admin_url(drink), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "hero: unknown outcome" in html
    assert 'value="Should not be saved"' in html  # the author's input is shown again
    drink.refresh_from_db()
    assert drink.title == "Which morning drink are you?"
    assert sorted(drink.questions.values_list("id", "key")) == rows_before
    assert Outcome.objects.get(version=drink, position=0).card_image.name == image_before
    assert image_before.startswith("quiz-images/first")
    assert not drink.card_image
    assert stored_files(settings) == files_before  # the upload was not stored either
    assert audit_actions() == [("imported", "alice")]


def test_a_stored_image_is_kept_and_a_new_one_uploaded_by_an_edit(author, drink):
    client = client_for(author)
    data = form_data(client.get(admin_url(drink)).content.decode())
    kept = Outcome.objects.get(version=drink, position=0).card_image.name
    second = next(k for k in data if k.startswith("outcomes-1-") and k.endswith("-title"))
    data[second.removesuffix("title") + "card_image"] = SimpleUploadedFile(
        "image.png", png("#654321", (40, 30)), "image/png"
    )
    data["card_image"] = SimpleUploadedFile("image.png", png("#abcdef", (50, 10)), "image/png")

    response = client.post(admin_url(drink), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    drink.refresh_from_db()
    first, other = Outcome.objects.filter(version=drink).order_by("position")[:2]
    assert first.card_image.name == kept
    # Two uploads with the same file name stay two images.
    assert drink.card_image.name != other.card_image.name
    with drink.card_image.open("rb") as f:
        assert Image.open(f).size == (50, 10)
    with other.card_image.open("rb") as f:
        assert Image.open(f).size == (40, 30)
    assert audit_actions() == [("imported", "alice"), ("edited", "alice")]


def test_clearing_an_image_in_the_admin_removes_it(author, drink):
    client = client_for(author)
    data = form_data(client.get(admin_url(drink)).content.decode())
    first = next(k for k in data if k.startswith("outcomes-0-") and k.endswith("-title"))
    data[first.removesuffix("title") + "card_image-clear"] = "on"

    response = client.post(admin_url(drink), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Outcome.objects.get(version=drink, position=0).card_image


def test_a_version_published_while_its_form_was_open_cannot_be_edited(editor):
    version = quiz_import(data=demo_data("weight-in-10-years"), user=editor)
    client = client_for(editor)
    data = form_data(client.get(admin_url(version)).content.decode())
    version_publish(version=version, user=editor)
    audit_before = audit_actions()
    data["title"] = "Changed after publishing"

    response = client.post(admin_url(version), data)

    assert response.status_code == 403
    version.refresh_from_db()
    assert version.title == "What will you weigh in 10 years?"
    assert version.definition["title"] == "What will you weigh in 10 years?"
    assert audit_actions() == audit_before == [("imported", "erin"), ("published", "erin")]


def test_django_admin_internals_are_used_only_by_the_adapter():
    root = Path(__file__).resolve().parents[3] / "quizzes"
    internals = ("_create_formsets", "_should_delete_form", "_quiz_form", "_changeform_view")
    users = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if any(name in path.read_text(encoding="utf-8") for name in internals)
    )
    assert users == ["authoring/admin_adapter.py"]
