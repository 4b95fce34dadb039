"""Starting a quiz in the studio (issue 11): the template gallery, duplicate, export and
import from the dashboard, all through HTTP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from quizzes.authoring.services import quiz_import
from quizzes.models import AuditAction, AuditEntry, Quiz, QuizVersion, VersionStatus
from tests.conftest import demo_data
from tests.quizzes.authoring.test_import_export import png_bytes
from tests.quizzes.helpers import client_for

pytestmark = pytest.mark.django_db

NEW = "/editor/new/"


def _upload(name: str, raw: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="application/octet-stream")


# --- the gallery ---------------------------------------------------------------------------


def test_the_dashboard_links_to_the_gallery_which_shows_every_starting_point(author):
    client = client_for(author)
    assert f'href="{NEW}"' in client.get(reverse("quizzes:dashboard")).content.decode()

    page = client.get(NEW)
    html = page.content.decode()

    assert page.status_code == 200
    for kind in ("personality", "score", "trivia", "calculator"):
        assert f'action="/editor/new/blank-{kind}/"' in html
    for slug in (
        "weight-in-10-years",
        "which-morning-drink",
        "how-stressed-are-you",
        "solar-system-trivia",
        "ni-shi-na-zhong-ka-fei",
    ):
        assert f'action="/editor/new/demo-{slug}/"' in html
    assert "What will you weigh in 10 years?" in html and "Calculator" in html
    assert "<script" not in html.split("<main", 1)[1] and 'style="' not in html


def test_a_plain_account_gets_no_gallery(db):
    from tests.factories import UserFactory

    assert client_for(UserFactory()).get(NEW).status_code == 403
    assert Client().get(NEW).status_code == 302


def test_a_demo_template_makes_a_draft_owned_by_the_user_under_a_new_slug(author, publish):
    publish("which-morning-drink")  # the demo's own slug is taken
    client = client_for(author)

    first = client.post("/editor/new/demo-which-morning-drink/")
    second = client.post("/editor/new/demo-which-morning-drink/")

    slugs = ["which-morning-drink-are-you", "which-morning-drink-are-you-2"]
    assert first["Location"] == f"/editor/quizzes/{slugs[0]}/studio/"
    assert second["Location"] == f"/editor/quizzes/{slugs[1]}/studio/"
    for slug in slugs:
        version = QuizVersion.objects.get(quiz__slug=slug)
        assert version.quiz.owner == author and version.status == VersionStatus.DRAFT
        assert version.title == "Which morning drink are you?"
        assert version.questions.count() == len(demo_data("which-morning-drink")["questions"])
        assert AuditEntry.objects.get(quiz=version.quiz).action == AuditAction.IMPORTED
    assert client.get(first["Location"]).status_code == 200
    # The editor's published quiz is untouched.
    assert QuizVersion.objects.filter(quiz__slug="which-morning-drink").count() == 1


def test_a_chinese_title_gets_a_slug_from_the_file_name(author):
    response = client_for(author).post("/editor/new/demo-ni-shi-na-zhong-ka-fei/")
    assert response["Location"] == "/editor/quizzes/ni-shi-na-zhong-ka-fei/studio/"
    assert Quiz.objects.get(slug="ni-shi-na-zhong-ka-fei").owner == author


def test_a_blank_template_makes_an_empty_draft_of_that_kind(author):
    response = client_for(author).post("/editor/new/blank-trivia/")

    quiz = Quiz.objects.get(owner=author)
    assert response["Location"] == f"/editor/quizzes/{quiz.slug}/studio/"
    version = quiz.versions.get()
    assert version.kind == "trivia" and version.status == VersionStatus.DRAFT
    assert AuditEntry.objects.get(quiz=quiz).action == AuditAction.CREATED


def test_an_unknown_template_is_not_found_and_gallery_posts_need_csrf(author):
    assert client_for(author).post("/editor/new/demo-nope/").status_code == 404
    assert client_for(author).post("/editor/new/blank-nope/").status_code == 404
    strict = client_for(author, enforce_csrf_checks=True)
    assert strict.post("/editor/new/blank-trivia/").status_code == 403
    assert not Quiz.objects.exists()


def test_the_blank_quiz_form_still_posts_to_the_same_address(author):
    response = client_for(author).post(
        NEW, {"title": "Pets", "slug": "which-pet", "kind": "personality", "language": "en"}
    )
    assert response.status_code == 302
    assert Quiz.objects.get(slug="which-pet").owner == author


# --- duplicate -----------------------------------------------------------------------------


def test_duplicate_copies_the_latest_version_into_a_new_draft_of_the_users(author, other_author):
    source = quiz_import(data=demo_data("how-stressed-are-you"), user=other_author)
    source.quiz.shared_with.add(author)

    response = client_for(author).post(f"/editor/quizzes/{source.quiz.slug}/duplicate/")

    copy = QuizVersion.objects.exclude(quiz=source.quiz).get()
    assert response["Location"] == f"/editor/quizzes/{copy.quiz.slug}/"
    assert copy.quiz.slug == "how-stressed-are-you-really"
    assert copy.quiz.owner == author and copy.status == VersionStatus.DRAFT
    assert copy.title == source.title
    assert copy.questions.count() == source.questions.count() > 0
    assert AuditEntry.objects.get(quiz=copy.quiz).actor == author


def test_an_author_cannot_duplicate_a_quiz_they_may_not_see(author, other_author):
    source = quiz_import(data=demo_data("how-stressed-are-you"), user=other_author)

    response = client_for(author).post(f"/editor/quizzes/{source.quiz.slug}/duplicate/")

    assert response.status_code == 404
    assert Quiz.objects.count() == 1


def test_duplicate_needs_post_and_csrf(author):
    quiz_import(data=demo_data("which-morning-drink"), user=author)
    url = "/editor/quizzes/which-morning-drink/duplicate/"
    assert client_for(author).get(url).status_code == 405
    assert client_for(author, enforce_csrf_checks=True).post(url).status_code == 403
    assert Quiz.objects.count() == 1


# --- export --------------------------------------------------------------------------------


def test_export_downloads_the_latest_version_as_json(author):
    quiz_import(data=demo_data("which-morning-drink"), user=author)

    response = client_for(author).get("/editor/quizzes/which-morning-drink/export/")

    assert response.status_code == 200
    assert 'filename="which-morning-drink.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == "quizbuilder/1" and data["slug"] == "which-morning-drink"
    assert data["title"] == "Which morning drink are you?"


def test_export_is_a_zip_when_the_quiz_has_images(author):
    data = demo_data("which-morning-drink")
    data["card"]["image"] = "images/beans.png"
    quiz_import(data=data, user=author, images={"images/beans.png": png_bytes()})

    response = client_for(author).get("/editor/quizzes/which-morning-drink/export/")

    assert 'filename="which-morning-drink.zip"' in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "quiz.json" in names and any(n.endswith(".png") for n in names)


def test_export_of_a_quiz_one_may_not_see_is_not_found(author, other_author):
    quiz_import(data=demo_data("which-morning-drink"), user=other_author)
    assert client_for(author).get("/editor/quizzes/which-morning-drink/export/").status_code == 404


# --- import --------------------------------------------------------------------------------


def test_import_from_the_dashboard_makes_a_draft(author):
    raw = json.dumps(demo_data("solar-system-trivia")).encode()

    response = client_for(author).post("/editor/import/", {"file": _upload("quiz.json", raw)})

    assert response["Location"] == "/editor/quizzes/solar-system-trivia/"
    quiz = Quiz.objects.get(slug="solar-system-trivia")
    assert quiz.owner == author and quiz.versions.get().status == VersionStatus.DRAFT


def test_an_exported_zip_imports_back(author, editor):
    data = demo_data("which-morning-drink")
    data["card"]["image"] = "images/beans.png"
    quiz_import(data=data, user=author, images={"images/beans.png": png_bytes()})
    bundle = client_for(author).get("/editor/quizzes/which-morning-drink/export/").content
    Quiz.objects.all().delete()

    response = client_for(editor).post("/editor/import/", {"file": _upload("q.zip", bundle)})

    assert response.status_code == 302
    assert QuizVersion.objects.get(quiz__slug="which-morning-drink").card_image


def test_import_problems_are_listed_in_plain_words_and_nothing_is_saved(author):
    data = demo_data("which-morning-drink")
    data["questions"][1]["choices"][0]["text"] = ""
    data["kind"] = "horoscope"

    response = client_for(author).post(
        "/editor/import/", {"file": _upload("q.json", json.dumps(data).encode())}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved" in html
    assert "Kind:" in html
    assert "Question 2, choice 1, text:" in html
    assert "questions[1]" not in html
    assert not Quiz.objects.exists()


def test_bad_json_and_a_bad_zip_are_refused_with_a_clear_message(author):
    client = client_for(author)
    bad_json = client.post("/editor/import/", {"file": _upload("q.json", b"{nope")})
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.content.decode()
    bad_zip = client.post("/editor/import/", {"file": _upload("q.zip", b"PK\x03\x04garbage")})
    assert bad_zip.status_code == 400
    assert not Quiz.objects.exists()


def test_a_file_over_the_cap_is_refused(author, monkeypatch):
    from quizzes.authoring import views

    monkeypatch.setattr(views, "BUNDLE_MAX_BYTES", 10)
    raw = json.dumps(demo_data("solar-system-trivia")).encode()
    response = client_for(author).post("/editor/import/", {"file": _upload("q.json", raw)})
    assert response.status_code == 400 and "larger than" in response.content.decode()
    assert not Quiz.objects.exists()


def test_import_keeps_the_rule_for_existing_quizzes_and_plain_accounts(author, other_author):
    from tests.factories import UserFactory

    quiz_import(data=demo_data("solar-system-trivia"), user=other_author)
    raw = json.dumps(demo_data("solar-system-trivia") | {"title": "Mine now"}).encode()

    refused = client_for(author).post("/editor/import/", {"file": _upload("q.json", raw)})

    assert refused.status_code == 400 and "you may not change it" in refused.content.decode()
    assert QuizVersion.objects.get(quiz__slug="solar-system-trivia").title != "Mine now"
    plain = client_for(UserFactory()).post("/editor/import/", {"file": _upload("q.json", raw)})
    assert plain.status_code == 403
    strict = client_for(author, enforce_csrf_checks=True)
    assert strict.post("/editor/import/", {"file": _upload("q.json", raw)}).status_code == 403


def test_duplicating_an_unfinished_draft_lists_its_problems_and_saves_nothing(author):
    client = client_for(author)
    slug = client.post("/editor/new/blank-score/")["Location"].split("/")[-3]

    response = client.post(f"/editor/quizzes/{slug}/duplicate/")

    assert response.status_code == 400
    assert "cannot be copied until these problems are fixed" in response.content.decode()
    assert Quiz.objects.count() == 1
