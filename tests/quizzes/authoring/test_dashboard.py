"""The editors' dashboard: each quiz's key figures linking to its stats, its actions, what
waits for review and what was sent back; the query count does not grow with the quizzes."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from quizzes.authoring.services import quiz_import, version_send_back, version_submit
from quizzes.models import QuizVersion
from sharing.models import Referral
from tests.conftest import demo_data
from tests.factories import ResultFactory, ShareFactory
from tests.quizzes.helpers import client_for

pytestmark = pytest.mark.django_db

SLUG = "which-morning-drink"


def _published_with_results(editor, slug: str = SLUG) -> QuizVersion:
    """8 completions: 2 shared, 2 brought by a share: 25% share rate, 0.25 viral."""
    data = {**demo_data(SLUG), "slug": slug}
    version = quiz_import(data=data, user=editor, publish=True)
    results = [ResultFactory(version=version) for _ in range(6)]
    shares = [ShareFactory(result=r) for r in results[:2]]
    for share in shares:
        Referral.objects.create(result=ResultFactory(version=version), share=share, depth=1)
    return version


def _row(html: str, slug: str) -> str:
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    [row] = [r for r in rows if f"/{slug}<" in r]
    return row


def test_each_quiz_shows_its_key_figures_linking_to_its_stats(editor, publish):
    _published_with_results(editor)

    response = client_for(editor).get(reverse("quizzes:dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    row = _row(html, SLUG)
    stats = reverse("sharing:stats", args=[SLUG])
    assert f'<a href="{stats}" aria-label="8 completions: open the stats">8</a>' in row
    assert ">25.0%<" in row
    assert ">0.25<" in row
    assert 'Completions<span class="th-note">all time</span>' in html
    for url in (
        reverse("quizzes:preview", args=[SLUG]),
        reverse("quizzes:editor-edit", args=[SLUG]),
        reverse("quizzes:editor-duplicate", args=[SLUG]),
        reverse("quizzes:editor-export", args=[SLUG]),
    ):
        assert f'"{url}"' in row


def test_the_figures_follow_the_language(editor, publish, settings):
    _published_with_results(editor)
    client = client_for(editor)
    # German writes a decimal comma: the figures are localised, not str(float).
    with translation.override("de"):
        settings.LANGUAGES = [*settings.LANGUAGES, ("de", "German")]
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
        row = _row(client.get(reverse("quizzes:dashboard")).content.decode(), SLUG)
    assert ">25,0%<" in row
    assert ">0,25<" in row


def test_a_quiz_with_no_completions_shows_dashes(editor, author):
    quiz_import(data=demo_data(SLUG), user=author)
    row = _row(client_for(editor).get(reverse("quizzes:dashboard")).content.decode(), SLUG)
    assert '<a href="/editor/quizzes/which-morning-drink/stats/" aria-label="0 completions' in row
    assert row.count(">–<") == 2


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("quizzes:dashboard")).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_quizzes_or_their_results(
    editor, author, publish, django_assert_max_num_queries
):
    client = client_for(editor)
    _published_with_results(editor, slug="quiz-0")
    one = _count(client)
    for n in range(1, 6):
        _published_with_results(editor, slug=f"quiz-{n}")
        draft = quiz_import(data={**demo_data(SLUG), "slug": f"draft-{n}"}, user=author)
        version_submit(version=draft, user=author)
    with django_assert_max_num_queries(one):
        assert client.get(reverse("quizzes:dashboard")).status_code == 200


def test_an_editor_sees_what_waits_for_review_and_an_author_what_was_sent_back(editor, author):
    version = quiz_import(data=demo_data(SLUG), user=author)
    version_submit(version=version, user=author, comment="Ready when you are")

    html = client_for(editor).get(reverse("quizzes:dashboard")).content.decode()
    assert "Waiting for your review" in html
    assert f'href="{reverse("quizzes:editor-quiz", args=[SLUG])}#review"' in html
    assert "submitted by alice" in html
    assert "Ready when you are" in html
    assert "Waiting for your review" not in client_for(author).get("/editor/").content.decode()

    version_send_back(version=version, user=editor, comment="Fix the <typo>")

    html = client_for(author).get(reverse("quizzes:dashboard")).content.decode()
    assert "Sent back to you: Fix the &lt;typo&gt;" in html
    assert "Waiting for your review" not in client_for(editor).get("/editor/").content.decode()

    version_submit(version=version, user=author)
    assert "Sent back to you" not in client_for(author).get("/editor/").content.decode()


def test_the_quiz_page_links_its_stats(editor, publish):
    _published_with_results(editor)
    html = client_for(editor).get(reverse("quizzes:editor-quiz", args=[SLUG])).content.decode()
    stats = reverse("sharing:stats", args=[SLUG])
    assert f'<a class="btn secondary" href="{stats}">Stats</a>' in html
    assert "8 completions" in html
