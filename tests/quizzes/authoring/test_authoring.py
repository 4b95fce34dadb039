"""Authoring without the file: the editor dashboard and the authoring admin (one screen for
a version with its questions, choices, variables, outcomes and card), checked with the
importer's rules on save, with uploads checked and re-encoded."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from quizzes.authoring.services import quiz_import
from quizzes.models import Quiz, QuizVersion, Variable, VersionStatus
from tests.conftest import demo_data
from tests.quizzes.helpers import admin_url, client_for, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def calculator(editor) -> QuizVersion:
    return quiz_import(data=demo_data("weight-in-10-years"), user=editor)


def test_the_dashboard_lists_quizzes_by_permission(author, other_author, editor):
    quiz_import(data=demo_data("which-morning-drink"), user=author)
    quiz_import(data=demo_data("weight-in-10-years"), user=other_author)
    dashboard = reverse("quizzes:dashboard")

    alice = client_for(author).get(dashboard).content.decode()
    assert "Which morning drink are you?" in alice and "weight-in-10-years" not in alice
    erin = client_for(editor).get(dashboard).content.decode()
    assert "which-morning-drink" in erin and "weight-in-10-years" in erin
    assert "v1 · Draft" in erin

    assert Client().get(dashboard).status_code == 302
    nobody = User.objects.create_user("nobody", "n@example.com", "pw-pw-pw-pw")
    assert client_for(nobody).get(dashboard).status_code == 403


def test_the_dashboard_query_count_does_not_grow(editor, django_assert_max_num_queries):
    for i in range(6):
        data = demo_data("which-morning-drink")
        data["slug"] = f"drink-{i}"
        quiz_import(data=data, user=editor)
    client = client_for(editor)
    # 8, and 2 for the key figures (sharing's answer to quiz_figures), 1 for the versions
    # waiting for review, 1 for those sent back (test_dashboard.py counts them with results).
    with django_assert_max_num_queries(12):
        assert client.get(reverse("quizzes:dashboard")).status_code == 200


def test_a_new_quiz_starts_on_the_dashboard_and_opens_in_the_studio(author):
    client = client_for(author)
    response = client.post(
        reverse("quizzes:editor-create"),
        {
            "title": "Which pet are you?",
            "slug": "which-pet",
            "kind": "personality",
            "language": "en",
        },
    )
    version = QuizVersion.objects.get(quiz__slug="which-pet")
    assert response.status_code == 302
    assert response["Location"] == "/editor/quizzes/which-pet/studio/"
    assert (version.number, version.status, version.quiz.owner) == (1, "draft", author)
    assert version.document["title"] == "Which pet are you?"
    assert client.get(response["Location"]).status_code == 200

    again = client.post(
        reverse("quizzes:editor-create"),
        {
            "title": "Again",
            "slug": "which-pet",
            "kind": "personality",
            "language": "en",
        },
    )
    assert again.status_code == 400
    assert "already exists" in again.content.decode()


def test_the_admin_change_page_of_a_draft_loads_for_an_editor(editor, calculator):
    response = client_for(editor).get(admin_url(calculator))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' in html
    assert "round(clamp(weight + 10 * (exercise + snacks + sleep + age_drift), 30, 300), 1)" in html
    assert "How often do you exercise?" in html and "Most days" in html  # nested choices
    assert reverse("quizzes:editor-quiz", args=["weight-in-10-years"]) in html


def test_a_published_version_is_read_only_in_the_admin(editor, publish):
    version = publish("weight-in-10-years")
    client = client_for(editor)
    response = client.get(admin_url(version))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.post(admin_url(version), {"title": "x"}).status_code == 403


def test_saving_a_valid_edit_reorders_and_changes_the_draft(editor, calculator):
    client = client_for(editor)
    data = form_data(client.get(admin_url(calculator)).content.decode())
    data["title"] = "Your weight in ten years"
    # Move the first question (name) to the end.
    positions = sorted(
        k
        for k in data
        if k.startswith("questions-") and k.endswith("-position") and k.count("-") == 2
    )
    data[positions[0]] = "99"
    response = client.post(admin_url(calculator), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calculator.refresh_from_db()
    assert calculator.title == "Your weight in ten years"
    assert list(calculator.questions.values_list("key", flat=True))[-1] == "name"


def test_a_bad_formula_shows_its_error_next_to_the_field_and_saves_nothing(editor, calculator):
    client = client_for(editor)
    data = form_data(client.get(admin_url(calculator)).content.decode())
    expr_field = next(k for k, v in data.items() if v == "round(weight_10y - weight, 1)")
    data[expr_field] = "round(weight_10y - wieght, 1)"
    data["title"] = "Should not be saved"

    response = client.post(admin_url(calculator), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "wieght" in html
    assert "errornote" in html
    # The message sits in the variable's row, before the next variable field.
    row_start = html.index(f'name="{expr_field}"')
    error_at = html.rfind("errorlist", 0, row_start + 2000)
    assert error_at != -1
    calculator.refresh_from_db()
    assert calculator.title == "What will you weigh in 10 years?"
    assert Variable.objects.get(version=calculator, key="change").expr == (
        "round(weight_10y - weight, 1)"
    )


def test_an_unknown_outcome_in_points_is_shown_on_the_choice(editor):
    version = quiz_import(data=demo_data("which-morning-drink"), user=editor)
    client = client_for(editor)
    data = form_data(client.get(admin_url(version)).content.decode())
    points_field = next(k for k, v in data.items() if k.endswith("-points") and "latte" in v)
    data[points_field] = '{"hero": 2}'
    response = client.post(admin_url(version), data)
    assert response.status_code == 200
    assert "hero: unknown outcome" in response.content.decode()
    assert version.questions.get(key="alarm").choices.get(key="snooze").points == {"latte": 2}


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "GIF")
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (6_000, 6_000)).save(buffer, "PNG")  # 36 Mpx in a few KB; the limit is 20
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ("gif", "The file is not a readable PNG, JPEG or WebP image."),
        ("bomb", "The image has more than 20,000,000 pixels."),
    ],
)
def test_an_uploaded_gif_or_bomb_is_refused_with_a_message(upload, message, editor, calculator):
    client = client_for(editor)
    data = form_data(client.get(admin_url(calculator)).content.decode())
    content = _gif() if upload == "gif" else _bomb()
    data["card_image"] = SimpleUploadedFile("picture.png", content, content_type="image/png")
    response = client.post(admin_url(calculator), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<ul class="errorlist" id="id_card_image_error"><li>{message}</li></ul>' in html
    calculator.refresh_from_db()
    assert not calculator.card_image


def test_an_uploaded_png_is_re_encoded_and_saved(editor, calculator):
    client = client_for(editor)
    data = form_data(client.get(admin_url(calculator)).content.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "#4338ca").save(buffer, "PNG")
    data["card_image"] = SimpleUploadedFile("my card!.png", buffer.getvalue(), "image/png")
    response = client.post(admin_url(calculator), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    calculator.refresh_from_db()
    assert calculator.card_image.name.startswith("quiz-images/my-card")
    with calculator.card_image.open("rb") as f:
        assert Image.open(f).size == (60, 40)


def test_an_author_sees_only_their_versions_in_the_admin(author, other_author):
    mine = quiz_import(data=demo_data("which-morning-drink"), user=author)
    theirs = quiz_import(data=demo_data("weight-in-10-years"), user=other_author)
    client = client_for(author)
    listing = client.get(reverse("authoring:quizzes_quizversion_changelist")).content.decode()
    assert "which-morning-drink" in listing and "weight-in-10-years" not in listing
    assert client.get(admin_url(mine)).status_code == 200
    assert client.get(admin_url(theirs)).status_code == 302
    assert Quiz.objects.count() == 2
    assert QuizVersion.objects.get(pk=theirs.pk).status == VersionStatus.DRAFT


def test_the_quiz_page_links_to_the_studio_and_preview(author):
    quiz_import(data=demo_data("which-morning-drink"), user=author)
    html = (
        client_for(author)
        .get(reverse("quizzes:editor-quiz", args=["which-morning-drink"]))
        .content.decode()
    )
    assert reverse("quizzes:studio", args=["which-morning-drink"]) in html
    assert "/authoring/" not in html  # the admin is for staff
    assert reverse("quizzes:preview", args=["which-morning-drink"]) in html
    assert "Submit for review" in html
    assert "Publish now" not in html  # authors do not get the Editor's buttons
    assert "csrfmiddlewaretoken" in html
