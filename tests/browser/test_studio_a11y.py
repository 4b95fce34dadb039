"""Accessibility of the studio and the pages around it (issue 11), in real Chromium.

axe-core (npm `axe-core@4`, installed into node_modules/ by `.ci/run`, see the README) runs on
the studio of each kind, the dashboard, the gallery and a quiz's pages, on a phone and a
desktop: no serious or critical violation. A keyboard-only author reorders a question and sets
a matrix cell; a tablet shows the studio without sideways scrolling. Screenshots land in
/tmp/shots-h4/ for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from quizzes.authoring.rows import version_file_data
from quizzes.authoring.services import quiz_import
from quizzes.authoring.studio_services import quiz_start_blank
from quizzes.models import QuizVersion
from tests.conftest import demo_data

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/shots-h4")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE}): npm install --no-save axe-core@4"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def _context(browser, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    # The site's CSP forbids the injected script (as it should): the test context bypasses it.
    context = browser.new_context(viewport=viewport, bypass_csp=True, reduced_motion="reduce")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _violations(page, axe_source: str) -> list[str]:
    """axe's serious and critical violations on the page (every rule axe runs by default:
    WCAG 2.x A and AA and its best practices). AXE_VERBOSE=1 prints all it found, and what
    it could not decide (to look at by hand)."""
    page.add_script_tag(content=axe_source)
    found = page.evaluate(
        """() => axe.run(document).then(r => {
            const brief = v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(" "))});
            return {violations: r.violations.map(brief), incomplete: r.incomplete.map(brief)};
        })"""
    )
    if os.environ.get("AXE_VERBOSE"):
        print(page.url, found)
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}"
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _studio_drafts(author) -> dict[str, str]:
    """The four kinds in the studio: two blanks, two demos; name -> slug."""
    blank_p = quiz_start_blank(kind="personality", title="", language="en", user=author)
    blank_s = quiz_start_blank(kind="score", title="", language="en", user=author)
    quiz_import(data=demo_data("solar-system-trivia"), user=author)
    # With a button after the result and a contact form: their fields are checked too.
    lead = {"fields": ["email", "name"], "position": "before_result", "consent": "I agree."}
    cta = {"label": "Book a check-up", "url": "https://clinic.example/"}
    quiz_import(data={**demo_data("weight-in-10-years"), "lead": lead, "cta": cta}, user=author)
    return {
        "blank-personality": blank_p.quiz.slug,
        "blank-score": blank_s.quiz.slug,
        "trivia": "solar-system-trivia",
        "calculator": "weight-in-10-years",
    }


def test_no_serious_violation_in_the_studio_and_the_editor_pages(
    browser, live_server, editor, publish, axe_source
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    drafts = _studio_drafts(editor)
    publish("which-morning-drink")
    pages = {f"studio-{name}": f"/editor/quizzes/{slug}/studio/" for name, slug in drafts.items()}
    frame = f"/editor/quizzes/{drafts['blank-personality']}/studio/preview/?page="
    pages.update(
        {f"frame-{p}": f"{frame}{p}" for p in ("intro", "question:0", "result:0")},
        dashboard="/editor/",
        gallery="/editor/new/",
        intro="/q/which-morning-drink/",
    )
    found: dict[str, list[str]] = {}
    for size, viewport in VIEWPORTS.items():
        context = _context(browser, live_server, editor, viewport)
        page = context.new_page()
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            found[f"{name} ({size})"] = _violations(page, axe_source)
            page.screenshot(path=str(SHOTS / f"a11y-{name}-{size}.png"), full_page=True)
            if name == "intro":
                # The question screen the visitor reaches with Start.
                page.locator("[data-start]").click()
                page.locator(".q-screen:not([hidden])").wait_for()
                found[f"question ({size})"] = _violations(page, axe_source)
        context.close()

    assert {k: v for k, v in found.items() if v} == {}


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
            return {cls: e.className || "", move: e.getAttribute("data-move") || "",
                    cell: e.getAttribute("data-cell") || "", label: e.getAttribute("aria-label")
                      || e.labels?.[0]?.textContent || e.textContent || ""}; }"""
    )


def _tab_to(page, test, limit: int = 200) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = _focused(page)
        if test(now):
            return now
    raise AssertionError("never reached by Tab")


def _prompts(version: QuizVersion) -> list[str]:
    version.refresh_from_db()
    return [q["prompt"] for q in version_file_data(version=version)["questions"]]


def test_a_keyboard_only_author_moves_a_question_and_sets_a_matrix_cell(
    browser, live_server, author
):
    version = quiz_import(data=demo_data("which-morning-drink"), user=author)
    before = _prompts(version)
    context = _context(browser, live_server, author, VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(f"{live_server.url}/editor/quizzes/which-morning-drink/studio/")
    page.locator("#f-title").focus()

    handle = _tab_to(page, lambda f: f["move"] == "question.move:0")
    assert handle["label"].startswith("Move question 1")
    page.keyboard.press("ArrowDown")
    for _ in range(50):
        if _prompts(version)[:2] == [before[1], before[0]]:
            break
        page.wait_for_timeout(100)
    assert _prompts(version) == [before[1], before[0], *before[2:]]
    # Focus stays with the question that moved: its handle, now the second (the editor is
    # drawn again by the save's answer, so wait for it).
    for _ in range(50):
        if _focused(page)["move"] == "question.move:1":
            break
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")
    assert _focused(page)["move"] == "question.move:1"

    cell = _tab_to(page, lambda f: bool(f["cell"]))
    name = cell["cell"]
    start = page.locator(f'[data-cell="{name}"]').inner_text()
    page.keyboard.press("Space")
    after = page.locator(f'[data-cell="{name}"]').inner_text()
    assert after == str((int(start) + 1) % 4)
    assert f"{after} of 3" in page.locator(f'[data-cell="{name}"]').get_attribute("aria-label")
    context.close()


def test_the_studio_fits_a_tablet(browser, live_server, author):
    SHOTS.mkdir(parents=True, exist_ok=True)
    quiz_import(data=demo_data("which-morning-drink"), user=author)
    context = _context(browser, live_server, author, TABLET)
    page = context.new_page()
    page.goto(f"{live_server.url}/editor/quizzes/which-morning-drink/studio/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / "studio-tablet.png"))
    page.screenshot(path=str(SHOTS / "studio-tablet-full.png"), full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    assert page.locator("#f-title").is_visible()
    context.close()
