"""A question's answer type in real Chromium: the name question of "Which morning drink are
you?" (a text question in a personality quiz) shows as text, stays text through an edit and a
reload, and becomes a choice question only when the author switches it and confirms."""

from __future__ import annotations

from django.test import Client

from quizzes.models import QuizVersion
from tests.browser.test_studio import Author, _context


def _name_question(slug: str) -> dict:
    version = QuizVersion.objects.get(quiz__slug=slug, status="draft")
    document = version.document or {}
    return document["questions"][3] if document else {"type": version.questions.all()[3].type}


def test_the_name_question_keeps_its_type_until_the_author_switches_it(
    browser, live_server, author
):
    client = Client()
    client.force_login(author)
    slug = client.post("/editor/new/demo-which-morning-drink/")["Location"].split("/")[-3]
    context = _context(browser, live_server, author)
    page = context.new_page()
    dialogs: list[str] = []
    page.goto(f"{live_server.url}/editor/quizzes/{slug}/studio/")
    a = Author(page)
    assert page.locator("#f-q3-type").input_value() == "text"

    a.type("[name=description]", "Four questions, edited intro.")
    a.saved()
    page.reload()

    assert page.locator("#f-q3-type").input_value() == "text"
    assert page.locator("#studio-status").get_by_text("Ready to publish").is_visible()
    assert _name_question(slug)["type"] == "text"

    # One answer to several keeps the answers: nothing is asked.
    def accept(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.select_option("#f-q0-type", "multi")
    page.wait_for_function("() => document.querySelector('#f-q0-min_choices') !== null")
    page.remove_listener("dialog", accept)
    assert dialogs == []

    # Text to one answer drops its limit: asked; declined, nothing changes.
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.select_option("#f-q3-type", "single")
    a.saved()
    assert len(dialogs) == 1 and "question 4" in dialogs[0]
    assert page.locator("#f-q3-type").input_value() == "text"
    assert _name_question(slug)["type"] == "text"

    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.select_option("#f-q3-type", "single")
    page.locator("[name='questions.3.choices.0.label']").wait_for()
    assert len(dialogs) == 2
    assert _name_question(slug)["type"] == "single"
    context.close()
