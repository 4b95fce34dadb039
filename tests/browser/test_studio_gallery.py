"""The template gallery (/editor/new/) on a phone and a desktop: every card visible, nothing
wider than the screen. Screenshots land in /tmp/shots14/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

SHOTS = Path("/tmp/shots14")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def test_the_gallery_fits_a_phone_and_a_desktop(browser, live_server, author):
    SHOTS.mkdir(parents=True, exist_ok=True)
    client = Client()
    client.force_login(author)
    session = client.cookies["sessionid"].value
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/editor/new/")
        page.screenshot(path=str(SHOTS / f"gallery-{name}.png"), full_page=True)

        assert page.locator(".template-card").count() == 9
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        context.close()
