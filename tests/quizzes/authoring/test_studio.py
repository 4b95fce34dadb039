"""The studio: one screen, saved as you type, keys from labels, never losing work (issue 11).

Every test drives it through HTTP as the page does: the form read back from the page's HTML
(tests.quizzes.helpers.form_data), changed as an author would, posted whole with the
`HX-Request` header htmx sends.
"""

from __future__ import annotations

import json
import re

import pytest

from quizzes.authoring.selectors import version_export
from quizzes.engine.numbers import number_text
from quizzes.models import Quiz, QuizVersion, VersionStatus
from tests.factories import UserFactory
from tests.quizzes.helpers import client_for, form_data

HX = {"HTTP_HX_REQUEST": "true"}


def _start(client, template: str) -> str:
    response = client.post(f"/editor/new/{template}/")
    assert response.status_code == 302
    return response["Location"].split("/")[-3]


def _form(client, slug: str) -> dict:
    page = client.get(f"/editor/quizzes/{slug}/studio/")
    assert page.status_code == 200
    return form_data(page.content.decode(), "studio-form")


def _save(client, slug: str, data: dict, **extra):
    return client.post(f"/editor/quizzes/{slug}/studio/save/", data, **HX, **extra)


def _doc(slug: str) -> dict:
    return QuizVersion.objects.get(quiz__slug=slug, status__in=["draft", "review"]).document


def _op(client, slug: str, op: str, **changes) -> dict:
    data = _form(client, slug) | changes | {"op": op}
    response = _save(client, slug, data)
    assert response.status_code == 200, response.content[:500]
    return form_data(response.content.decode(), "studio-form")


@pytest.fixture
def studio(author):
    return client_for(author)


def test_a_blank_personality_quiz_built_in_the_studio_publishes_and_scores_as_its_points(
    studio, editor, visitor
):
    slug = _start(studio, "blank-personality")
    # Build: 3 questions of 2 answers, 2 results; each answer leans to one result.
    _op(studio, slug, "question.add:single")
    _op(studio, slug, "question.add:single")
    data = _form(studio, slug)
    data.update(
        {
            "title": "Beach or mountains?",
            "outcomes.0.title": "Beach person",
            "outcomes.1.title": "Mountain person",
        }
    )
    for qi, prompt in enumerate(["Holiday?", "Drink?", "Shoes?"]):
        data[f"questions.{qi}.prompt"] = prompt
        data[f"questions.{qi}.choices.0.label"] = f"Sea {qi}"
        data[f"questions.{qi}.choices.1.label"] = f"Peak {qi}"
    data["questions.2.choices.1.points.1"] = "3"  # a tap cycles 1 -> 3 for "Peak 2"
    response = _save(studio, slug, data)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert json.loads(response["HX-Trigger"])["studio-saved"]["revision"] >= 3
    assert "Ready to publish" in response.content.decode()

    doc = _doc(slug)
    assert [q["key"] for q in doc["questions"]] == ["holiday", "drink", "shoes"]
    assert [o["key"] for o in doc["outcomes"]] == ["beach-person", "mountain-person"]
    assert doc["questions"][0]["choices"][0] == {
        "key": "sea-0",
        "label": "Sea 0",
        "points": {"beach-person": 1},
    }
    assert doc["questions"][2]["choices"][1]["points"] == {"mountain-person": 3}

    submitted = studio.post(f"/editor/quizzes/{slug}/submit/")
    assert submitted.status_code == 302
    slug = submitted["Location"].split("/")[-2]
    assert slug == "beach-or-mountains"
    assert client_for(editor).post(f"/editor/quizzes/{slug}/publish/").status_code == 302
    quiz = Quiz.objects.get(slug=slug)
    assert quiz.live_version.definition["questions"][2]["choices"][1]["points"] == {
        "mountain-person": 3
    }
    answers = {"holiday": "sea-0", "drink": "sea-1", "shoes": "peak-2"}  # 2 beach, 3 mountain
    response = visitor.post(
        f"/api/quizzes/{slug}/responses/",
        json.dumps({"answers": answers}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["outcome"]["key"] == "mountain-person"


def test_an_invalid_draft_is_saved_with_its_problems_by_field_and_cannot_be_published(
    studio, editor
):
    slug = _start(studio, "blank-personality")
    data = _form(studio, slug) | {"title": "", "questions.0.prompt": "Only half done"}
    response = _save(studio, slug, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="title"' in html and 'data-field="outcomes.0.title"' in html
    assert _doc(slug)["questions"][0]["prompt"] == "Only half done"  # nothing typed is lost
    assert _form(studio, slug)["questions.0.prompt"] == "Only half done"
    refused = client_for(editor).post(f"/editor/quizzes/{slug}/publish/")
    assert refused.status_code == 400
    assert Quiz.objects.get(slug=slug).live_version is None


def test_a_save_from_a_stale_page_is_refused_and_overwrites_nothing(studio, author):
    slug = _start(studio, "blank-personality")
    mine = _form(studio, slug)
    other = client_for(author)
    theirs = _form(other, slug) | {"title": "Their title"}
    assert _save(other, slug, theirs).status_code == 200

    response = _save(studio, slug, mine | {"title": "My title", "description": "My intro"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "You saved this draft in another tab or window" in html
    assert "My title" in html  # shown to copy: nothing typed is lost silently
    # Each text under the studio's name for its field (the intro was labelled "Quiz").
    assert "<dt>Title</dt><dd>My title</dd>" in html
    assert "<dt>Intro text</dt><dd>My intro</dd>" in html
    assert _doc(slug)["title"] == "Their title"


def test_a_stale_save_names_the_other_person(studio, editor, author):
    slug = _start(studio, "blank-personality")
    mine = _form(studio, slug)
    quiz = Quiz.objects.get(slug=slug)
    quiz.owner = author
    quiz.save()
    theirs = client_for(editor)
    assert _save(theirs, slug, _form(theirs, slug) | {"title": "Erin's"}).status_code == 200

    response = _save(studio, slug, mine | {"title": "Alice's"})

    assert response.status_code == 409
    assert "erin saved this draft at" in response.content.decode()


def test_another_person_with_the_draft_open_is_named(studio, editor):
    slug = _start(studio, "blank-personality")
    client_for(editor).get(f"/editor/quizzes/{slug}/studio/")

    page = studio.get(f"/editor/quizzes/{slug}/studio/").content.decode()

    assert "Also editing this draft now: erin" in page
    # The page asks again every 30 s; the answer is drawn the same way (it once was a 500).
    polled = studio.get(f"/editor/quizzes/{slug}/studio/presence/")
    assert polled.status_code == 200
    assert f'hx-get="/editor/quizzes/{slug}/studio/presence/"' in polled.content.decode()
    assert "Also editing this draft now: erin" in polled.content.decode()


def test_structural_changes_add_duplicate_move_and_delete(studio):
    slug = _start(studio, "blank-personality")
    _op(studio, slug, "outcome.add", **{"outcomes.0.title": "Calm", "outcomes.1.title": "Bold"})
    _op(studio, slug, "outcome.move:2:0", **{"outcomes.2.title": "Wild"})
    assert [o["title"] for o in _doc(slug)["outcomes"]] == ["Wild", "Calm", "Bold"]
    # A new answer leans 1 to the result chosen in its row.
    _op(studio, slug, "choice.add:0", **{"questions.0.lean": "2"})
    assert _doc(slug)["questions"][0]["choices"][2]["points"] == {"bold": 1}
    _op(studio, slug, "question.duplicate:0", **{"questions.0.prompt": "Pick one"})
    assert [q["key"] for q in _doc(slug)["questions"]] == ["pick_one", "pick_one_2"]
    _op(studio, slug, "question.move:1:0", **{"questions.1.prompt": "Second"})
    assert [q["prompt"] for q in _doc(slug)["questions"]] == ["Second", "Pick one"]
    _op(studio, slug, "choice.delete:0:2")
    assert len(_doc(slug)["questions"][0]["choices"]) == 2
    _op(studio, slug, "outcome.delete:0")
    assert [o["key"] for o in _doc(slug)["outcomes"]] == ["calm", "bold"]
    assert all("wild" not in c.get("points", {}) for c in _doc(slug)["questions"][0]["choices"])
    _op(studio, slug, "question.delete:1")
    assert [q["key"] for q in _doc(slug)["questions"]] == ["second"]


def test_an_op_from_a_stale_page_changes_nothing(studio):
    slug = _start(studio, "blank-personality")
    before = _doc(slug)
    response = _save(studio, slug, _form(studio, slug) | {"op": "question.delete:7"})
    assert response.status_code == 409
    assert _doc(slug) == before


def test_published_keys_stay_when_labels_change(studio, publish, author):
    publish("which-morning-drink")
    quiz = Quiz.objects.get(slug="which-morning-drink")
    quiz.owner = author
    quiz.save()
    assert studio.post("/editor/quizzes/which-morning-drink/studio/open/").status_code == 302
    data = _form(studio, "which-morning-drink") | {
        "questions.0.prompt": "A brand new prompt",
        "outcomes.0.title": "Something else",
    }
    assert _save(studio, "which-morning-drink", data).status_code == 200
    doc = _doc("which-morning-drink")
    assert doc["questions"][0]["key"] == "alarm"
    assert doc["outcomes"][0]["key"] == quiz.live_version.definition["outcomes"][0]["key"]


@pytest.mark.parametrize(
    "demo",
    [
        "which-morning-drink",
        "how-stressed-are-you",
        "solar-system-trivia",
        "weight-in-10-years",
        "ni-shi-na-zhong-ka-fei",
    ],
)
def test_every_demo_quiz_opens_in_the_studio_and_saves_back_unchanged(studio, demo):
    slug = _start(studio, f"demo-{demo}")
    version = QuizVersion.objects.get(quiz__slug=slug)
    before, _images, problems = version_export(version=version)
    assert problems == []

    response = _save(studio, slug, _form(studio, slug))

    assert response.status_code == 200
    version.refresh_from_db()
    assert version.document is not None
    after, _images, problems = version_export(version=version)
    assert problems == []
    assert after == before


def test_a_calculator_formula_shows_its_value_at_the_sample_answers(studio):
    from quizzes.authoring import samples
    from quizzes.authoring.rows import quiz_validate
    from quizzes.format.quizfile import quiz_programs

    slug = _start(studio, "demo-weight-in-10-years")
    data = _form(studio, slug)
    names = [k for k in data if k.startswith("variables.") and k.endswith(".name")]
    last = names[-1].split(".")[1]
    response = _save(studio, slug, data | {f"variables.{last}.expr": "weight * 2"})
    # The sample answers are the phone preview's for the first result: one figure in both.
    definition, _problems = quiz_validate(_doc(slug))
    sample = samples.sample_answers(
        definition=definition,
        programs=quiz_programs(definition),
        outcome_key=definition["outcomes"][0]["key"],
    )
    expected = number_text(2 * sample.answers["weight"])
    assert f"At the sample answers: {expected}" in response.content.decode()


def test_a_formula_that_divides_by_zero_is_explained_next_to_it(studio):
    slug = _start(studio, "demo-weight-in-10-years")
    data = _form(studio, slug)
    data["questions.1.min"] = "0"
    response = _save(studio, slug, data | {"variables.0.expr": "10 / weight"})
    html = response.content.decode()
    assert 'data-field="variables.0.expr"' in html
    assert "When “Your weight today” is 0, this divides by zero." in html


def test_score_bands_show_gaps_and_overlaps(studio):
    slug = _start(studio, "blank-score")
    data = _form(studio, slug) | {"outcomes.0.min": "0", "outcomes.0.max": "0"}
    response = _save(studio, slug, data | {"outcomes.1.min": "0", "outcomes.1.max": "0"})
    html = response.content.decode()
    assert "Scores 1 to 1 get no result." in html
    assert "Scores 0 to 0 fit both" in html


def test_someone_who_may_not_edit_gets_not_found(studio):
    slug = _start(studio, "blank-personality")
    stranger = client_for(UserFactory())
    assert stranger.get(f"/editor/quizzes/{slug}/studio/").status_code == 404
    data = _form(studio, slug)
    assert stranger.post(f"/editor/quizzes/{slug}/studio/save/", data, **HX).status_code == 404


def test_a_version_in_review_is_shown_read_only(studio):
    slug = _start(studio, "demo-which-morning-drink")
    studio.post(f"/editor/quizzes/{slug}/submit/")
    assert QuizVersion.objects.get(quiz__slug=slug).status == VersionStatus.REVIEW
    page = studio.get(f"/editor/quizzes/{slug}/studio/").content.decode()
    assert '<fieldset class="studio-fieldset" disabled>' in page
    assert "Back to draft and edit" in page


def test_a_blank_quiz_takes_its_link_from_its_title_when_first_submitted(studio):
    slug = _start(studio, "blank-personality")
    assert slug == "untitled-quiz"
    data = _form(studio, slug) | {
        "title": "Beach or mountains?",
        "questions.0.prompt": "Holiday?",
        "questions.0.choices.0.label": "Sand",
        "questions.0.choices.1.label": "Snow",
        "outcomes.0.title": "Beach",
        "outcomes.1.title": "Mountains",
    }
    assert _save(studio, slug, data).status_code == 200

    response = studio.post(f"/editor/quizzes/{slug}/submit/")

    assert response["Location"] == "/editor/quizzes/beach-or-mountains/"
    version = QuizVersion.objects.get(quiz__slug="beach-or-mountains")
    assert version.document["slug"] == "beach-or-mountains"
    assert version.status == VersionStatus.REVIEW


def _png(colour: str = "#0f766e") -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def test_a_cover_and_a_card_photo_upload_checked_and_named_in_the_draft(studio, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    slug = _start(studio, "demo-which-morning-drink")
    data = _form(studio, slug) | {
        "op": "image",
        "upload.cover": SimpleUploadedFile("me.png", _png(), content_type="image/png"),
        "upload.card-image": SimpleUploadedFile("bg.png", _png("#123456"), "image/png"),
    }
    response = _save(studio, slug, data)

    assert response.status_code == 200
    doc = _doc(slug)
    assert doc["cover"].startswith("quiz-images/") and doc["cover"].endswith(".png")
    assert doc["card"]["image"].startswith("quiz-images/")
    version = QuizVersion.objects.get(quiz__slug=slug)
    assert version.cover.name == doc["cover"]  # valid, so the rows follow
    assert "Change image" in response.content.decode()

    removed = _save(studio, slug, _form(studio, slug) | {"op": "image-remove:cover"})
    assert removed.status_code == 200
    assert "cover" not in _doc(slug)


def test_an_upload_that_is_not_an_image_is_refused_next_to_its_field(studio):
    from django.core.files.uploadedfile import SimpleUploadedFile

    slug = _start(studio, "demo-which-morning-drink")
    before = _doc(slug) or {}
    fake = SimpleUploadedFile("cat.png", b"<?php echo 1; ?>", content_type="image/png")
    response = _save(studio, slug, _form(studio, slug) | {"op": "image", "upload.cover": fake})

    assert response.status_code == 200
    assert "This image cannot be used" in response.content.decode()
    assert (_doc(slug) or {}).get("cover") == before.get("cover")


@pytest.mark.parametrize("template", ["blank-personality", "blank-score", "blank-trivia"])
def test_a_quiz_built_in_the_studio_exports_to_a_file_that_imports_back_equal(
    studio, author, template
):
    from quizzes.authoring.services import quiz_import
    from quizzes.format.bundles import quiz_file_read

    slug = _start(studio, template)
    _op(studio, slug, "question.add:multi")
    _op(studio, slug, "outcome.add")
    data = _form(studio, slug) | {"title": "Built here", "description": "Über café 咖啡"}
    for qi in range(2):
        data[f"questions.{qi}.prompt"] = f"Question number {qi + 1}?"
        data[f"questions.{qi}.choices.0.label"] = f"Yes {qi}"
        data[f"questions.{qi}.choices.1.label"] = f"No {qi}"
        data[f"questions.{qi}.choices.0.correct"] = "1"
    for oi, title in enumerate(["Low", "Middle", "High"]):
        data[f"outcomes.{oi}.title"] = title
        data[f"outcomes.{oi}.min"] = str(oi)
        data[f"outcomes.{oi}.max"] = str(oi)
    response = _save(studio, slug, data)
    assert "Ready to publish" in response.content.decode(), response.content.decode()[-2000:]

    exported = studio.get(f"/editor/quizzes/{slug}/export/")
    assert exported.status_code == 200
    file, images = quiz_file_read(exported.content, image_max_bytes=5_000_000)
    file["slug"] = "the-copy"
    copy = quiz_import(data=file, user=author, images=images)
    again, _images, problems = version_export(version=copy)
    assert problems == []
    assert again | {"slug": slug} == json.loads(exported.content)


def test_a_display_condition_set_in_the_studio(studio, editor, visitor):
    slug = _start(studio, "blank-personality")
    _op(studio, slug, "question.add:single")
    data = _form(studio, slug) | {
        "title": "Smokers",
        "questions.0.prompt": "Do you smoke?",
        "questions.0.choices.0.label": "Yes",
        "questions.0.choices.1.label": "No",
        "questions.1.prompt": "How many a day?",
        "questions.1.choices.0.label": "A few",
        "questions.1.choices.1.label": "Many",
        "outcomes.0.title": "Calm",
        "outcomes.1.title": "Wild",
    }
    _save(studio, slug, data)
    # Picking the earlier question draws its choices; ticking "Yes" sets the condition.
    page = studio.post(
        f"/editor/quizzes/{slug}/studio/save/",
        _form(studio, slug) | {"questions.1.show_if.question": "0", "op": "refresh"},
        **HX,
    ).content.decode()
    assert 'name="questions.1.show_if.choices" value="0"' in page
    data = form_data(page, "studio-form")
    response = _save(studio, slug, data | {"questions.1.show_if.choices": "0"})

    assert "Ready to publish" in response.content.decode()
    assert _doc(slug)["questions"][1]["show_if"] == {"question": "do_you_smoke", "choices": ["yes"]}
    # Renaming the answer renames it in the condition too.
    data = _form(studio, slug) | {"questions.0.choices.0.label": "Yes, I do"}
    _save(studio, slug, data)
    assert _doc(slug)["questions"][1]["show_if"]["choices"] == ["yes-i-do"]


def test_an_image_per_question_and_per_answer(studio):
    from django.core.files.uploadedfile import SimpleUploadedFile

    slug = _start(studio, "demo-which-morning-drink")
    data = _form(studio, slug) | {
        "op": "image",
        "upload.questions.0.image": SimpleUploadedFile("q.png", _png(), "image/png"),
        "upload.questions.0.choices.1.image": SimpleUploadedFile(
            "c.png", _png("#f00"), "image/png"
        ),
    }
    response = _save(studio, slug, data)

    assert response.status_code == 200
    doc = _doc(slug)
    assert doc["questions"][0]["image"].startswith("quiz-images/")
    assert doc["questions"][0]["choices"][1]["image"].startswith("quiz-images/")
    assert "Ready to publish" in response.content.decode()
    version = QuizVersion.objects.get(quiz__slug=slug)
    question = version.questions.get(position=0)
    assert question.image.name == doc["questions"][0]["image"]
    assert question.choices.get(position=1).image.name == doc["questions"][0]["choices"][1]["image"]


def test_the_dashboard_names_an_unfinished_draft_by_its_title_and_its_last_change(studio):
    slug = _start(studio, "blank-personality")
    _save(studio, slug, _form(studio, slug) | {"title": "Half-built quiz"})

    page = studio.get("/editor/").content.decode()

    assert "Half-built quiz" in page
    assert "Last change" in page and "ago" in page


def test_a_rename_reaches_the_page_and_a_stale_name_is_read_as_the_new_one(studio):
    import html

    slug = _start(studio, "blank-calculator")
    data = _form(studio, slug)
    data |= {"questions.0.prompt": "How many cups a day?", "variables.0.expr": "q1 * 7"}
    response = _save(studio, slug, data)

    expr = _doc(slug)["variables"][0]["expr"]
    assert expr == "how_many_cups_a_day * 7"
    updates = re.search(r'<div id="studio-updates"[^>]*>([^<]*)</div>', response.content.decode())
    sent = json.loads(html.unescape(updates.group(1)))
    assert sent["fields"]["variables.0.expr"] == expr
    assert sent["renames"] == {"q1": "how_many_cups_a_day"}
    # A chip tapped before the rename arrived: the page posts the old name once more.
    _save(studio, slug, _form(studio, slug) | {"variables.0.expr": "q1 * 7 + 1"})
    assert _doc(slug)["variables"][0]["expr"] == "how_many_cups_a_day * 7 + 1"


def test_a_quiz_in_a_language_the_site_has_no_name_for_keeps_it(studio, author):
    from quizzes.authoring.services import quiz_import
    from tests.conftest import demo_data

    data = demo_data("which-morning-drink") | {"slug": "auf-deutsch", "language": "de"}
    quiz_import(data=data, user=author)

    assert _save(studio, "auf-deutsch", _form(studio, "auf-deutsch")).status_code == 200
    assert _doc("auf-deutsch")["language"] == "de"


def test_naming_a_value_reaches_its_formulas_and_chips_on_the_page(studio):
    import html

    slug = _start(studio, "blank-calculator")
    data = _form(studio, slug) | {
        "questions.0.prompt": "Cups a day?",
        "variables.0.expr": "q1 * 7",
        "outcomes.0.when": "v1 > 10",
    }
    _save(studio, slug, data)
    data = _form(studio, slug) | {"variables.0.name": "cups a week"}
    response = _save(studio, slug, data)

    doc = _doc(slug)
    assert doc["variables"][0]["key"] == "cups_a_week"
    assert doc["outcomes"][0]["when"] == "cups_a_week > 10"
    updates = re.search(r'<div id="studio-updates"[^>]*>([^<]*)</div>', response.content.decode())
    sent = json.loads(html.unescape(updates.group(1)))
    assert sent["renames"] == {"v1": "cups_a_week"}
    assert sent["fields"]["outcomes.0.when"] == "cups_a_week > 10"
    assert sent["fields"]["variables.0.name"] == "cups_a_week"


def test_the_look_of_the_quiz_s_pages_is_set_in_the_studio(studio):
    slug = _start(studio, "demo-which-morning-drink")
    data = _form(studio, slug) | {"theme-brand": "#0F766E", "theme-font": "lora"}
    response = _save(studio, slug, data)

    assert "Ready to publish" in response.content.decode()
    assert _doc(slug)["theme"]["brand"] == "#0f766e"
    assert _doc(slug)["theme"]["font"] == "lora"
    too_light = _save(studio, slug, _form(studio, slug) | {"theme-brand": "#fde68a"})
    assert 'data-field="theme-brand"' in too_light.content.decode()


def test_the_result_image_help_names_the_placeholders_this_quiz_has(studio):
    # It suggested {name} to every quiz; a quiz without a name question then refused it.
    blank = studio.get(f"/editor/quizzes/{_start(studio, 'blank-personality')}/studio/")
    drink = studio.get(f"/editor/quizzes/{_start(studio, 'demo-which-morning-drink')}/studio/")

    help_text = "The picture people share. Its texts may show, in braces: "
    assert help_text + "{outcome}, {q1}, {score}." in blank.content.decode()
    assert (
        help_text + "{outcome}, {alarm}, {weekend}, {music}, {name}, {score}."
        in drink.content.decode()
    )
