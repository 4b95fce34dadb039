"""In real Chromium: "Submit for review" on a draft with problems keeps the author on the
studio, with the problems in the studio's words on top, beside their fields, and a tap on one
puts the cursor in its field; a link from elsewhere (?focus=) does the same."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

from quizzes.models import Quiz, VersionStatus

DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path("/tmp/shots")


def _page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.name")


def test_a_refused_submit_keeps_the_author_on_the_studio_and_leads_to_each_field(
    browser, live_server, author
):
    context, page = _page(browser, live_server, author)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/editor/new/")
    page.locator("form[action='/editor/new/blank-personality/'] button").click()
    page.wait_for_url("**/studio/")
    slug = page.url.rstrip("/").split("/")[-2]

    page.locator("#studio-submit").click()
    refused = page.locator("#studio-refused")
    refused.wait_for()

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "studio-refused-submit.png"))
    assert page.url.endswith(f"/editor/quizzes/{slug}/submit/")
    assert "Result 1: Fill this in." in refused.inner_text()
    assert "must not be empty" not in page.content()
    # Every problem beside its field at once, the draft being fresh or not.
    title = page.locator("[name='outcomes.0.title']")
    assert title.get_attribute("aria-invalid") == "true"
    refused.get_by_role("link", name="Result 1").first.click()
    assert _focused(page) == "outcomes.0.title"

    page.goto(f"{live_server.url}/editor/quizzes/{slug}/studio/?focus=questions.0.prompt")
    page.wait_for_function("() => document.activeElement.name === 'questions.0.prompt'")
    assert Quiz.objects.get(slug=slug).versions.get().status == VersionStatus.DRAFT
    context.close()
    assert [e for e in errors if "Permissions-Policy" not in e and "400" not in e] == []
