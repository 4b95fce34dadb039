"""Per-quiz themes (quizzes/format/theme.py): set in the file, checked at import, exported
back equal, and applied on the quiz's pages by /q/<slug>/theme.css. All through HTTP."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.format.theme import colour_contrast
from quizzes.taking.theme import brand_strong
from tests.conftest import demo_data
from tests.quizzes.helpers import client_for

pytestmark = pytest.mark.django_db

THEME = {"brand": "#0f766e", "background": "#f0fdfa", "font": "fredoka"}


def _import(user, data: dict):
    raw = json.dumps(data).encode()
    upload = SimpleUploadedFile("q.json", raw, content_type="application/octet-stream")
    return client_for(user).post("/editor/import/", {"file": upload})


def test_a_theme_in_the_file_imports_and_exports_back_equal(editor):
    data = demo_data("which-morning-drink")
    data["theme"] = {"brand": "#0F766E", "background": "#f0fdfa", "font": "fredoka"}

    assert _import(editor, data).status_code == 302
    exported = client_for(editor).get("/editor/quizzes/which-morning-drink/export/").json()

    assert exported["theme"] == THEME  # colours stored in lower case
    assert list(exported).index("theme") < list(exported).index("kind")


def test_a_file_without_a_theme_exports_without_one(editor):
    assert _import(editor, demo_data("solar-system-trivia")).status_code == 302
    exported = client_for(editor).get("/editor/quizzes/solar-system-trivia/export/").json()
    assert "theme" not in exported


@pytest.mark.parametrize(
    ("theme", "message"),
    [
        ({"brand": "#fbbf24"}, "too light: 1.67:1 against white, buttons need at least 3:1"),
        ({"brand": "teal"}, "must be a colour written #rrggbb"),
        ({"background": "#fff"}, "must be a colour written #rrggbb"),
        ({"font": "comic-sans"}, "must be one of: inter, lora, fredoka"),
        ({"logo": "x.png"}, "unknown key"),
        ("dark", "must be an object"),
    ],
)
def test_a_bad_theme_is_refused_at_its_path_and_nothing_is_saved(editor, theme, message):
    data = demo_data("which-morning-drink")
    data["theme"] = theme

    response = _import(editor, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Theme" in html
    assert message in html.replace("&#x27;", "'")


def test_a_themed_quiz_links_its_stylesheet_and_the_stylesheet_sets_the_tokens(client, publish):
    publish("which-morning-drink", theme=THEME)

    html = client.get("/q/which-morning-drink/").content.decode()
    start = html.index('href="/q/which-morning-drink/theme.css?v=')
    url = html[start + 6 : html.index('"', start + 6)]
    response = client.get(url)

    css = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "--brand: #0f766e;" in css
    assert f"--brand-strong: {brand_strong('#0f766e')};" in css
    assert "--bg: #f0fdfa;" in css
    assert '--font: "Fredoka", var(--system);' in css
    assert '@font-face { font-family: "Fredoka"' in css
    assert 'src: url("/static/fonts/fredoka-latin-700-normal.woff2")' in css
    assert 'class=" themed"' in html


def test_the_theme_follows_the_quiz_to_its_question_and_result_pages(client, publish):
    publish("which-morning-drink", theme=THEME)

    question = client.get("/q/which-morning-drink/take/").content.decode()

    assert "/q/which-morning-drink/theme.css?v=" in question


def test_an_unthemed_quiz_costs_no_request_more(client, publish):
    publish("solar-system-trivia")

    html = client.get("/q/solar-system-trivia/").content.decode()

    assert "theme.css" not in html
    css = client.get("/q/solar-system-trivia/theme.css")
    assert css.status_code == 200 and css.content == b"\n"
    assert css["Cache-Control"] == "public, max-age=300"


def test_an_unknown_quizs_theme_is_a_404(client, db):
    assert client.get("/q/nope/theme.css").status_code == 404


@pytest.mark.parametrize("brand", ["#0f766e", "#4338ca", "#e11d48", "#767676", "#2563eb"])
def test_the_strong_brand_carries_white_text(brand):
    strong = brand_strong(brand)
    assert colour_contrast(strong, "#ffffff") >= 4.5
    if colour_contrast(brand, "#ffffff") >= 4.5:
        assert strong == brand  # a brand already dark enough is used as it is


def test_the_intro_shows_the_cover_band_and_the_site_logo(client, publish):
    publish("solar-system-trivia")

    html = client.get("/q/solar-system-trivia/").content.decode()

    assert '<figure class="intro-cover"><img class="cover-img" src="data:image/svg+xml,' in html
    assert '<img class="brand-logo" src="/static/favicon.svg" alt=""' in html
