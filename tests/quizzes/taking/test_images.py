"""Images on a question and on its answers, as the visitor sees them: the question's image
above its prompt, answers with images as a grid of tiles (label under the image), every image
with its alt text and its real width and height; the API gives absolute URLs."""

from __future__ import annotations

import re

import pytest

from quizzes.authoring.services import quiz_import
from quizzes.models import Choice, Question
from tests.quizzes.conditions import trivia_images, trivia_quiz

pytestmark = pytest.mark.django_db
SLUG = "flags-and-capitals"


@pytest.fixture
def flags(editor):
    return quiz_import(data=trivia_quiz(), user=editor, images=trivia_images(), publish=True)


def test_the_question_page_shows_the_image_and_a_grid_of_image_answers(visitor, flags):
    html = visitor.get(f"/q/{SLUG}/take/").content.decode()
    france = Question.objects.get(version=flags, key="france")
    figure = html.index('class="question-image"')
    assert figure < html.index('class="question-prompt"')
    assert (
        f'<img src="/media/{france.image.name}" alt="Capital of France?" class="question-img"'
        ' width="80" height="40" loading="lazy" decoding="async">'
    ) in html
    assert '<div class="choices image-grid">' in html
    paris = Choice.objects.get(question=france, key="paris")
    tile = re.search(r'<label class="choice image-choice">(.*?)</label>', html, re.S)
    assert tile is not None
    assert f'src="/media/{paris.image.name}" alt="Paris" class="tile-img" width="40"' in tile.group(
        1
    )
    # The label (with its radio button) comes under the image.
    assert tile.group(1).index("<img") < tile.group(1).index('value="paris"')


def test_answers_without_images_stay_a_plain_list(visitor, flags):
    html = visitor.get(f"/q/{SLUG}/").content.decode()
    # The intro holds every screen: one grid (france), the others plain.
    assert html.count("image-grid") == 1
    assert html.count('class="choices"') == 2


def test_the_api_gives_absolute_image_urls(visitor, flags):
    body = visitor.get(f"/api/quizzes/{SLUG}/").json()
    france = body["questions"][0]
    name = Question.objects.get(version=flags, key="france").image.name
    assert france["image"] == f"http://testserver/media/{name}"
    assert [
        c["image"].startswith("http://testserver/media/quiz-images/") for c in france["choices"]
    ] == [True, True]
    assert body["questions"][1]["image"] is None
    assert body["questions"][1]["choices"][0]["image"] is None
    assert "explanation" not in str(body) and "987" not in str(body)


def test_an_image_not_stored_is_drawn_without_a_size_and_its_size_is_not_remembered_long(
    flags, monkeypatch
):
    from django.core.cache import cache

    from quizzes.taking.images import MISSING_CACHE_SECONDS, image_size
    from quizzes.templatetags.taking import stored_image

    html = stored_image("quiz-images/not-there.png", "A <b> label")
    assert html == (
        '<img src="/media/quiz-images/not-there.png" alt="A &lt;b&gt; label" class=""'
        ' loading="lazy" decoding="async">'
    )
    remembered = []
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: remembered.append(timeout))
    assert image_size("quiz-images/still-not-there.png") is None
    assert remembered == [MISSING_CACHE_SECONDS] and MISSING_CACHE_SECONDS <= 60
