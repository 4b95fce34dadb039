"""What an editor is told when something is refused: a studio upload next to its own field,
a bad quiz file or address where the page opens, a send-back without a comment as a form
error, and counts in the singular when there is one."""

from __future__ import annotations

import re
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from quizzes.authoring.services import quiz_import, version_submit
from quizzes.models import AuditAction, AuditEntry, QuizVersion, VersionStatus
from tests.conftest import demo_data
from tests.factories import ResultFactory
from tests.quizzes.helpers import client_for, form_data

pytestmark = pytest.mark.django_db

SLUG = "which-morning-drink"
HX = {"HTTP_HX_REQUEST": "true"}
NOT_AN_IMAGE = "This image cannot be used: The file is not a readable PNG, JPEG or WebP image."
TOO_MANY_PIXELS = "This image cannot be used: The image has more than 20,000,000 pixels."
# Every image field of the studio: the cover, a question's, an answer's, a result's card
# background and the quiz's card background.
TARGETS = [
    "cover",
    "questions.0.image",
    "questions.0.choices.1.image",
    "o-0-card-image",
    "card-image",
]


def _png(colour: str = "#0f766e") -> bytes:
    out = BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width` x `height` (what a huge photo's header says)."""
    raw = bytearray(_png())
    raw[16:20], raw[20:24] = width.to_bytes(4, "big"), height.to_bytes(4, "big")
    raw[29:33] = zlib.crc32(bytes(raw[12:29])).to_bytes(4, "big")  # IHDR's checksum
    return bytes(raw)


def _studio(client) -> str:
    response = client.post(f"/editor/new/demo-{SLUG}/")
    assert response.status_code == 302
    return response["Location"].split("/")[-3]


def _form(client, slug: str) -> dict:
    return form_data(client.get(f"/editor/quizzes/{slug}/studio/").content.decode(), "studio-form")


def _upload(client, slug: str, target: str, content: bytes, *, htmx: bool = True):
    """Pick a file for `target` as the page's script posts it (the "image" op, htmx), or as
    a page without JavaScript does (with its Save button)."""
    upload = SimpleUploadedFile("photo.png", content, content_type="image/png")
    data = _form(client, slug) | {f"upload.{target}": upload}
    if not htmx:
        return client.post(f"/editor/quizzes/{slug}/studio/save/", data)
    return client.post(f"/editor/quizzes/{slug}/studio/save/", data | {"op": "image"}, **HX)


def _image_field(html: str, target: str) -> str:
    """The markup of the image field of `target` (its own div, up to its end)."""
    blocks = [b.split("</div>")[0] for b in html.split('<div class="image-field')[1:]]
    [block] = [b for b in blocks if f'name="upload.{target}"' in b]
    return block


def _draft_document(slug: str) -> dict:
    return QuizVersion.objects.get(quiz__slug=slug, status=VersionStatus.DRAFT).document


@pytest.mark.parametrize("target", TARGETS)
def test_a_refused_upload_is_said_next_to_its_own_field_and_the_image_is_kept(author, target):
    client = client_for(author)
    slug = _studio(client)
    first = _upload(client, slug, target, _png())
    assert first.status_code == 200
    kept = _draft_document(slug)

    response = _upload(client, slug, target, b"GIF89a, or so it says")

    assert response.status_code == 200
    field = _image_field(response.content.decode(), target)
    error_id = f"upload-error-{target}"
    assert (
        f'<p class="field-problem upload-problem" id="{error_id}" role="alert">{NOT_AN_IMAGE}</p>'
        in field
    )
    assert f'aria-invalid="true" aria-describedby="{error_id}"' in field
    assert "Change image" in field  # the image stored before is still there
    assert _draft_document(slug) == kept


def test_a_result_s_image_error_opens_the_section_it_sits_in(author):
    client = client_for(author)
    slug = _studio(client)

    html = _upload(client, slug, "o-1-card-image", b"not an image").content.decode()

    sections = re.findall(
        r'<details class="more"[^>]*><summary>This result(?:\'|&#x27;)s image', html
    )
    assert [s.startswith('<details class="more" open>') for s in sections] == [
        False,
        True,
        False,
        False,
    ]
    assert len(_draft_document(slug)["outcomes"]) == 4


def test_an_image_over_the_pixel_limit_is_refused_with_its_reason(author):
    client = client_for(author)
    slug = _studio(client)

    response = _upload(client, slug, "cover", _png_claiming(8000, 6000))

    assert TOO_MANY_PIXELS in _image_field(response.content.decode(), "cover")
    assert "cover" not in _draft_document(slug)


def test_without_javascript_a_file_goes_up_with_save_and_a_refusal_is_shown(author):
    client = client_for(author)
    slug = _studio(client)

    refused = _upload(client, slug, "cover", b"not an image", htmx=False)
    assert refused.status_code == 302
    page = client.get(refused["Location"]).content.decode()
    assert f'<li class="msg-error">{NOT_AN_IMAGE}</li>' in page
    assert "cover" not in _draft_document(slug)

    stored = _upload(client, slug, "cover", _png(), htmx=False)
    assert stored.status_code == 302
    assert _draft_document(slug)["cover"].startswith("quiz-images/")


# --- a new quiz and an import: the error is said where the page opens -----------------------


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, flags=re.S)
    assert match, "no error summary"
    assert html.index('class="error-summary"') < html.index("<h2>Blank quizzes</h2>")
    return match.group(0)


def test_a_bad_address_for_a_new_quiz_is_summed_up_at_the_top_and_tied_to_its_field(author):
    data = {"title": "Pets", "slug": "Not A Slug!", "kind": "personality", "language": "en"}

    response = client_for(author).post(reverse("quizzes:editor-create"), data)

    html = response.content.decode()
    assert response.status_code == 400
    summary = _summary(html)
    assert 'role="alert" tabindex="-1" autofocus' in summary
    assert '<a href="#id_slug">Slug: Use 1 to 60 characters of a-z, 0-9 and -.</a>' in summary
    assert 'aria-invalid="true" aria-describedby="id_slug_helptext id_slug_error"' in html
    assert '<ul class="errorlist" id="id_slug_error">' in html
    assert 'name="title" value="Pets"' in html  # what was typed is kept


def test_an_address_already_taken_is_summed_up_at_the_top(author):
    client = client_for(author)
    data = {"title": "Pets", "slug": "pets", "kind": "personality", "language": "en"}
    assert client.post(reverse("quizzes:editor-create"), data).status_code == 302

    again = client.post(reverse("quizzes:editor-create"), data)

    assert again.status_code == 400
    expected = '<a href="#id_slug">Slug: A quiz with the slug &#x27;pets&#x27; already exists.</a>'
    assert expected in _summary(again.content.decode())


def test_a_damaged_zip_is_reported_as_an_unreadable_zip_at_the_top(author):
    upload = SimpleUploadedFile("quiz.zip", bytes(range(255, 0, -1)) * 4, "application/zip")

    response = client_for(author).post("/editor/import/", {"file": upload})

    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#import-problems">The file was not imported: 1 problem to fix.</a>' in (
        _summary(html)
    )
    assert '<ul class="errorlist import-problems"><li>not a readable zip archive</li></ul>' in html
    assert "UTF-8" not in html


def test_bad_json_names_its_problems_at_the_top_too(author):
    upload = SimpleUploadedFile("quiz.json", b"{nope", "application/json")

    html = client_for(author).post("/editor/import/", {"file": upload}).content.decode()

    assert "The file was not imported: 1 problem to fix." in _summary(html)
    assert "not valid JSON" in html


def test_an_import_without_a_file_is_summed_up_at_the_top(author):
    response = client_for(author).post("/editor/import/", {})

    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert '<a href="#id_file">Quiz file: This field is required.</a>' in summary


def test_the_new_quiz_page_has_no_error_summary_when_nothing_went_wrong(author):
    html = client_for(author).get(reverse("quizzes:editor-create")).content.decode()
    assert "<h2>Blank quizzes</h2>" in html
    assert "error-summary" not in html


# --- review: sending back without a comment ------------------------------------------------


@pytest.fixture
def in_review(author) -> QuizVersion:
    version = quiz_import(data=demo_data(SLUG), user=author)
    version_submit(version=version, user=author)
    return version


@pytest.mark.parametrize("comment", ["", "   "])
def test_sending_back_without_a_comment_is_a_form_error_on_the_comment(editor, in_review, comment):
    url = reverse("quizzes:editor-action", args=[SLUG, "send-back"])

    response = client_for(editor).post(url, {"comment": comment})

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<ul class="errorlist" id="id_comment_error"><li>Say what needs to change: a comment '
        "is required to send a quiz back.</li></ul>"
    ) in html
    [textarea] = re.findall(r"<textarea[^>]*>", html)
    assert 'aria-invalid="true"' in textarea and 'aria-describedby="id_comment_error"' in textarea
    assert "autofocus" in textarea and "required" not in textarea
    in_review.refresh_from_db()
    assert in_review.status == VersionStatus.REVIEW
    assert not AuditEntry.objects.filter(action=AuditAction.SENT_BACK).exists()


def test_opening_an_action_s_address_leads_to_the_quiz_page(editor, in_review):
    url = reverse("quizzes:editor-action", args=[SLUG, "send-back"])

    response = client_for(editor).get(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:editor-quiz", args=[SLUG])
    in_review.refresh_from_db()
    assert in_review.status == VersionStatus.REVIEW


# --- one of a thing is said in the singular ------------------------------------------------


def test_a_first_version_of_one_question_says_one_question(editor, author):
    data = demo_data(SLUG)
    data["questions"] = data["questions"][:1]  # the name question goes: so do its {name}s
    for outcome in data["outcomes"]:
        outcome["description"] = outcome["description"].replace("{name}, ", "")
    quiz_import(data=data, user=author)
    answers = len(data["questions"][0]["choices"])

    html = client_for(editor).get(reverse("quizzes:editor-quiz", args=[SLUG])).content.decode()

    outcomes = len(data["outcomes"])
    assert f"Everything is new: 1 question, {answers} answers, {outcomes} results." in html


def test_one_completion_is_said_in_the_singular_on_the_quiz_page_and_the_dashboard(editor):
    version = quiz_import(data=demo_data(SLUG), user=editor, publish=True)
    ResultFactory(version=version)
    client = client_for(editor)

    page = client.get(reverse("quizzes:editor-quiz", args=[SLUG])).content.decode()
    dashboard = client.get(reverse("quizzes:dashboard")).content.decode()

    assert "<span>1 completion</span>" in page
    assert 'aria-label="1 completion: open the stats">1</a>' in dashboard
