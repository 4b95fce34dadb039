"""The studio's previews of an unfinished draft (issue 11): the intro, each question and each
result whose own texts allow are drawn best effort from the working copy (empty labels as
muted placeholders, a banner counting what is left to fix), the card too; and no document
the studio can save makes the page, the frame or the card fail (fuzzed with Hypothesis)."""

from __future__ import annotations

import copy
import io
import json
import os
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from benchmarks.studio_preview import StudioForm
from quizzes.authoring.document_ops import document_blank
from quizzes.authoring.preview_draft import draft_for_preview, placeholders_mark
from quizzes.authoring.preview_panels import studio_panels_html
from quizzes.authoring.rows import version_file_data
from quizzes.authoring.services import quiz_import
from quizzes.models import QuizVersion
from sharing.cards.studio import studio_card_spec
from tests.conftest import demo_data
from tests.quizzes.helpers import client_for

pytestmark = pytest.mark.django_db

SLUG = "which-morning-drink"


def _draft(user, slug: str = SLUG) -> QuizVersion:
    return quiz_import(data=demo_data(slug), user=user)


def _set(version: QuizVersion, document: Any) -> None:
    """What a studio save leaves: a new working copy and a new revision."""
    version.document = document
    version.revision += 1
    version.save(update_fields=["document", "revision"])


def _blank(version: QuizVersion, kind: str) -> None:
    _set(version, document_blank(kind=kind, title="", slug=SLUG, language="en"))


def _frame(client, page: str = "intro", **params):
    url = reverse("quizzes:studio-preview", args=[SLUG])
    return client.get(url, {"page": page, "rev": 1, **params})


def _card(client, outcome: int = 0, layout: str = "og"):
    url = reverse("sharing:studio-card", args=[SLUG, layout])
    return client.get(url, {"outcome": outcome, "rev": 1})


@pytest.mark.parametrize("kind", ["personality", "score", "trivia", "calculator"])
def test_a_blank_quiz_of_each_kind_shows_every_page_with_placeholders(author, kind):
    version = _draft(author)
    _blank(version, kind)
    client = client_for(author)

    intro = _frame(client).content.decode()
    question = _frame(client, "question:0").content.decode()
    result = _frame(client, "result:0").content.decode()

    assert 'class="intro card"' in intro
    assert '<span class="placeholder">Untitled quiz</span>' in intro
    assert "things to fix before publishing" in intro
    assert '<span class="placeholder">Question 1</span>' in question
    if kind != "calculator":
        assert '<span class="placeholder">Answer 2</span>' in question
    assert 'class="result"' in result
    assert '<span class="placeholder">Result 1</span>' in result
    for html in (intro, question, result):
        assert "This draft cannot be shown yet" not in html
        assert "\ue000" not in html and "\ue001" not in html


def test_the_banner_counts_the_problems(author):
    version = _draft(author)
    _blank(version, "personality")

    html = _frame(client_for(author)).content.decode()

    # The title, two result titles, the prompt and two answer labels are empty.
    assert "6 things to fix before publishing" in html


def test_a_valid_draft_has_no_banner(author):
    _draft(author)

    html = _frame(client_for(author)).content.decode()

    assert "to fix before publishing" not in html


def test_a_missing_key_is_tolerated(author):
    version = _draft(author)
    document = version_file_data(version=version)
    del document["questions"][1]["key"]
    del document["questions"][1]["choices"][0]["key"]
    _set(version, document)

    page = _frame(client_for(author), "question:1")

    assert page.status_code == 200
    assert document["questions"][1]["prompt"] in page.content.decode()


def test_a_result_whose_own_text_breaks_a_rule_lists_the_problems_the_others_are_drawn(author):
    version = _draft(author)
    document = version_file_data(version=version)
    document["outcomes"][1]["description"] = "You are {nobody_knows}"
    document["questions"][0]["prompt"] = ""
    _set(version, document)
    client = client_for(author)

    broken = _frame(client, "result:1").content.decode()
    other = _frame(client, "result:0").content.decode()
    question = _frame(client, "question:0").content.decode()

    assert "This draft cannot be shown yet" in broken and "Result 2: " in broken
    assert 'class="result"' in other and "2 things to fix before publishing" in other
    assert '<span class="placeholder">Question 1</span>' in question


def test_the_switch_lists_every_result_of_an_unfinished_draft(author):
    version = _draft(author)
    _blank(version, "score")

    body = json.loads(_frame(client_for(author), outcomes=1).content)

    assert [o["title"] for o in body["outcomes"]] == ["Result 1", "Result 2"]


def test_the_card_of_an_unfinished_draft_is_drawn_from_its_placeholders(author):
    version = _draft(author)
    document = version_file_data(version=version)
    document["title"] = ""
    document["questions"][0]["choices"][0]["label"] = ""
    document["outcomes"][1]["card"] = {"headline": "Tea it is", "background": "#123456"}
    _set(version, document)
    version.refresh_from_db()

    spec = studio_card_spec(version=version, outcome_index=1, layout="og")
    png = _card(client_for(author), outcome=1)

    assert (spec.headline, spec.quiz_title, spec.background) == (
        "Tea it is",
        "Untitled quiz",
        "#123456",
    )
    assert png.status_code == 200
    assert Image.open(io.BytesIO(png.content)).size == (1200, 630)


def test_a_shape_no_repair_can_fix_falls_back_to_the_problems_list(author):
    assert draft_for_preview({"kind": "nonsense"}).definition is None
    assert draft_for_preview([1, 2]).definition is None
    version = _draft(author)
    _set(version, {"kind": "personality", "questions": [], "outcomes": "x"})

    page = _frame(client_for(author))

    assert page.status_code == 200
    assert "This draft cannot be shown yet" in page.content.decode()


# Fuzz: random deletions and garbage anywhere in a demo document.
GARBAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", " ", "{", "{nobody}", "#zzzzzz", "../x.png", "单选", "a" * 600]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["key", "label", "x"]), st.text(max_size=3), max_size=2),
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            found += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _paths(v, (*path, i))
    return found


def _mutate(document: dict[str, Any], picks: list[tuple[int, bool, Any]]) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    for pick, delete, value in picks:
        paths = _paths(doc)
        if not paths:
            break
        *parents, last = paths[pick % len(paths)]
        holder: Any = doc
        for step in parents:
            holder = holder[step]
        if delete:
            del holder[last]
        else:
            holder[last] = value
    return doc


MUTATIONS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**6), st.booleans(), GARBAGE),
    min_size=1,
    max_size=6,
)


@pytest.mark.parametrize("slug", [SLUG, "how-stressed-are-you", "weight-in-10-years"])
def test_no_document_makes_a_preview_fail(author, slug):
    version = _draft(author, slug)
    original = version_file_data(version=version)
    client = client_for(author)
    frame = reverse("quizzes:studio-preview", args=[slug])
    card = reverse("sharing:studio-card", args=[slug, "square"])
    request = RequestFactory().get("/")
    request.user = author

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(picks=MUTATIONS, page=st.sampled_from(["intro", "question:1", "result:1"]))
    def check(picks, page):
        _set(version, _mutate(original, picks))
        assert client.get(frame, {"page": page, "rev": 1}).status_code == 200
        assert client.get(frame, {"outcomes": 1}).status_code == 200
        assert client.get(card, {"outcome": 1}).status_code == 200
        studio_panels_html(request=request, version=version)

    check()


TYPED = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "1e309", "nan", "{", "{nobody}", "#zzz", "3", "x"]),
    st.text(max_size=12),
)


@pytest.mark.parametrize("slug", [SLUG, "weight-in-10-years", "solar-system-trivia"])
def test_no_studio_save_makes_a_page_fail(author, slug):
    """Whatever is typed or emptied in the studio's form, whatever button is pressed: the
    save answers, and the studio, the frame and the card draw what it saved."""
    version = _draft(author, slug)
    original = version_file_data(version=version)
    client = client_for(author)
    studio = reverse("quizzes:studio", args=[slug])
    save = reverse("quizzes:studio-save", args=[slug])
    frame = reverse("quizzes:studio-preview", args=[slug])
    card = reverse("sharing:studio-card", args=[slug, "og"])
    form = StudioForm(client.get(studio).content.decode())
    names = [name for name, _v in form.fields if name not in ("csrfmiddlewaretoken", "revision")]

    @settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        edits=st.lists(
            st.tuples(st.sampled_from(names), st.booleans(), TYPED), min_size=1, max_size=8
        ),
        op=st.one_of(st.just(""), st.sampled_from(form.ops or [""])),
        page=st.sampled_from(["intro", "question:0", "question:2", "result:0", "result:1"]),
    )
    def check(edits, op, page):
        _set(version, copy.deepcopy(original))
        fields = {name: value for name, value in form.items()}
        fields["revision"] = str(version.revision)
        for name, delete, value in edits:
            if delete:
                fields.pop(name, None)
            else:
                fields[name] = value
        fields["op"] = op
        answer = client.post(save, fields, headers={"HX-Request": "true"})
        assert answer.status_code in (200, 409), answer.status_code
        assert client.get(studio).status_code == 200
        assert client.get(frame, {"page": page, "rev": 1}).status_code == 200
        assert client.get(frame, {"outcomes": 1}).status_code == 200
        assert client.get(card, {"outcome": 1}).status_code == 200

    check()


def test_placeholders_are_muted_in_text_and_plain_where_only_text_may_go():
    html = (
        "<title>\ue000Untitled quiz\ue001 · Site</title>"
        '<h1 title="\ue000Untitled quiz\ue001">\ue000Untitled quiz\ue001</h1>'
    )

    assert placeholders_mark(html) == (
        "<title>Untitled quiz · Site</title>"
        '<h1 title="Untitled quiz"><span class="placeholder">Untitled quiz</span></h1>'
    )


def test_the_placeholders_are_in_the_quizs_language(author):
    version = _draft(author)
    _set(version, document_blank(kind="personality", title="", slug=SLUG, language="zh-hans"))

    html = _frame(client_for(author)).content.decode()

    assert '<span class="placeholder">未命名测试</span></h1>' in html


def test_a_pasted_nul_character_is_dropped_by_the_save(author):
    version = _draft(author)
    client = client_for(author)
    form = StudioForm(client.get(reverse("quizzes:studio", args=[SLUG])).content.decode())
    form.set("title", "Which\x00 drink")

    answer = client.post(
        reverse("quizzes:studio-save", args=[SLUG]),
        dict(form.items()),
        headers={"HX-Request": "true"},
    )

    assert answer.status_code == 200
    version.refresh_from_db()
    assert version.document["title"] == "Which drink"
