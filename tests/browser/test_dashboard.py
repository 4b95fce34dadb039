"""The editors' dashboard on a phone, a tablet and a desktop: the quiz table fits the screen
(a card list below a landscape tablet), each figure keeps its label, and the review list and
the changes under review read. Screenshots land in /tmp/shots-h3/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

from quizzes.authoring.services import quiz_import, version_submit
from sharing.models import Referral
from tests.conftest import demo_data
from tests.factories import ResultFactory, ShareFactory

SHOTS = Path("/tmp/shots-h3")
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "tablet": {"width": 768, "height": 1024},
    "desktop": {"width": 1280, "height": 800},
}
SLUG = "which-morning-drink"


def test_the_dashboard_fits_a_phone_a_tablet_and_a_desktop(browser, live_server, editor, author):
    SHOTS.mkdir(parents=True, exist_ok=True)
    live = quiz_import(data=demo_data(SLUG), user=editor, publish=True)
    results = [ResultFactory(version=live) for _ in range(3)]
    Referral.objects.create(
        result=ResultFactory(version=live), share=ShareFactory(result=results[0]), depth=1
    )
    changed = {**demo_data(SLUG), "title": "Which morning drink are you, really?"}
    version_submit(version=quiz_import(data=changed, user=editor), user=editor)
    draft = quiz_import(data={**demo_data(SLUG), "slug": "which-tea"}, user=author)
    version_submit(version=draft, user=author, comment="Ready for a look")
    client = Client()
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/editor/")
        page.screenshot(path=str(SHOTS / f"dashboard-{name}.png"), full_page=True)

        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert page.locator(".notice-list li").count() == 2
        row = page.locator("tbody tr", has_text=f"/{SLUG}")
        assert row.locator("td.num a").inner_text() == "4"
        assert "25.0%" in row.inner_text()
        label = (
            row.locator("td.num").nth(1).evaluate("td => getComputedStyle(td, '::before').content")
        )
        # The card list labels each figure; the table has its column headers.
        assert label == ("none" if name == "desktop" else '"Share rate, all time"')
        page.goto(f"{live_server.url}/editor/quizzes/{SLUG}/")
        page.screenshot(path=str(SHOTS / f"quiz-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert "Title changed" in page.locator("#review").inner_text()
        context.close()
