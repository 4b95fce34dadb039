"""The studio's result image preview (issue 11): the draft's card drawn by the real renderer
for the chosen result, in every layout, straight from an editor-only endpoint."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from quizzes.authoring.preview_panels import studio_panels_html
from quizzes.authoring.rows import version_file_data
from quizzes.authoring.services import quiz_import
from quizzes.models import QuizVersion
from tests.conftest import demo_data
from tests.quizzes.authoring.test_import_export import png_bytes
from tests.quizzes.helpers import client_for

pytestmark = pytest.mark.django_db

SLUG = "which-morning-drink"
SIZES = {"og": (1200, 630), "square": (1080, 1080), "story": (1080, 1920)}


def _draft(user, slug: str = SLUG) -> QuizVersion:
    return quiz_import(data=demo_data(slug), user=user)


def _edit(version: QuizVersion, change) -> None:
    document = version_file_data(version=version)
    change(document)
    version.document = document
    version.revision += 1
    version.save(update_fields=["document", "revision"])


def _card(client, layout: str = "og", outcome: int = 0, slug: str = SLUG):
    url = reverse("sharing:studio-card", args=[slug, layout])
    return client.get(url, {"outcome": outcome, "rev": 1})


def test_each_layout_is_a_png_of_its_size_never_cached_or_stored(author, settings):
    _draft(author)
    client = client_for(author)

    for layout, size in SIZES.items():
        page = _card(client, layout)
        assert page.status_code == 200
        assert page["Content-Type"] == "image/png"
        assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
        image = Image.open(io.BytesIO(page.content))
        assert (image.format, image.size) == ("PNG", size)
    assert not (settings.MEDIA_ROOT / "cards").exists()


def test_the_card_changes_when_a_colour_changes(author):
    version = _draft(author)
    client = client_for(author)
    before = _card(client).content

    _edit(version, lambda d: d["card"].update(background="#065f46", gradient_to="#065f46"))

    after = _card(client).content
    assert after != before
    corner = Image.open(io.BytesIO(after)).convert("RGB").getpixel((2, 628))
    assert corner == (0x06, 0x5F, 0x46)


def test_the_card_changes_when_a_background_photo_is_set(author):
    version = _draft(author)
    client = client_for(author)
    before = _card(client, outcome=1).content
    name = default_storage.save("quiz-images/photo.png", ContentFile(png_bytes((800, 500))))

    _edit(version, lambda d: d["outcomes"][1].update(card={"image": name}))

    after = _card(client, outcome=1).content
    assert after != before
    assert _card(client, outcome=0).content != after  # only that result's card has it


def test_the_card_shows_the_chosen_result(author):
    _draft(author)
    client = client_for(author)

    cards = {_card(client, outcome=i).content for i in range(4)}

    assert len(cards) == 4  # four results, four headlines ("My morning drink: …")


def test_an_outcome_past_the_end_or_not_a_number_draws_a_card_all_the_same(author):
    _draft(author)
    client = client_for(author)

    assert _card(client, outcome=99).status_code == 200
    url = reverse("sharing:studio-card", args=[SLUG, "og"])
    assert client.get(url, {"outcome": "x"}).status_code == 200


@pytest.mark.parametrize("kind", ["personality", "score", "trivia", "calculator"])
def test_a_blank_quiz_from_the_gallery_has_a_card_in_every_layout(author, kind):
    client = client_for(author)
    client.post(f"/editor/new/blank-{kind}/")
    slug = QuizVersion.objects.get(quiz__owner=author).quiz.slug

    for layout, size in SIZES.items():
        page = _card(client, layout, slug=slug)
        assert Image.open(io.BytesIO(page.content)).size == size


def test_an_invalid_draft_still_has_a_card(author):
    version = _draft(author)
    _edit(version, lambda d: d["questions"][0].update(choices=[]))

    page = _card(client_for(author), "square")

    assert page.status_code == 200
    assert Image.open(io.BytesIO(page.content)).size == SIZES["square"]


def test_unknown_layouts_other_authors_and_strangers_get_nothing(author, other_author, client):
    _draft(author)

    assert _card(client_for(author), "poster").status_code == 404
    assert _card(client_for(other_author)).status_code == 404
    assert _card(client).status_code == 302


def test_the_card_endpoint_may_not_be_framed(author):
    _draft(author)

    page = _card(client_for(author))

    assert page["X-Frame-Options"] == "DENY"


def test_the_panel_has_a_tab_per_layout_and_the_card_of_the_first_result(author):
    version = _draft(author)
    request = RequestFactory().get("/")
    request.user = author
    _phone, card = studio_panels_html(request=request, version=version)

    base = reverse("sharing:studio-card", args=[SLUG, "og"]).removesuffix("og.png")
    assert f'src="{base}og.png?outcome=0&amp;rev={version.revision}"' in card
    assert card.count('role="tab"') == 3
    assert 'aria-selected="true"' in card and 'role="tabpanel"' in card


def test_the_card_costs_the_same_few_queries_however_long_the_quiz(
    author, django_assert_max_num_queries
):
    # With the studio's working copy: session, user, roles, quiz, draft; nothing per row.
    _edit(_draft(author, "solar-system-trivia"), lambda d: None)
    client = client_for(author)
    _card(client, slug="solar-system-trivia")  # the session and the user, once

    with django_assert_max_num_queries(5):
        _card(client, slug="solar-system-trivia")
