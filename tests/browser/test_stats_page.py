"""The editors' stats page on a phone and a desktop, in English and Chinese: no sideways
scroll, a "how to read this" link that lands on its reading. Screenshots in /tmp/shots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from quizzes.authoring.services import quiz_import
from sharing.models import ShareKind
from tests.browser.conftest import CHROMIUM, SHOTS
from tests.conftest import IN_CI, demo_data
from tests.sharing.stats.test_stats import TODAY, Events, at

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]
SLUG = "which-morning-drink"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def test_the_stats_page_reads_on_a_phone_and_a_desktop_in_both_languages(
    browser, live_server, editor
):
    quiz_import(data=demo_data(SLUG), user=editor, publish=True)
    from quizzes.models import Quiz

    events = Events(Quiz.objects.select_related("live_version").get(slug=SLUG))
    first = events.result(at(TODAY), answers=("alarm", "weekend", "music"))
    events.result(at(TODAY), outcome="latte", answers=("alarm",))
    for channel in ("wechat", "whatsapp", "copy"):
        share = events.share(first, channel, at(TODAY), kind=ShareKind.BUTTON)
        events.click(share, f"friend-{channel}", at(TODAY))
    events.result(at(TODAY), referred_by=share, depth=1, answers=("alarm", "weekend"))
    client = Client()
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    SHOTS.mkdir(parents=True, exist_ok=True)
    for language in ("en", "zh-hans"):
        for name, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport)
            context.add_cookies(
                [
                    {"name": "sessionid", "value": session, "url": live_server.url},
                    {"name": "django_language", "value": language, "url": live_server.url},
                ]
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/editor/quizzes/{SLUG}/stats/")
            page.screenshot(path=str(SHOTS / f"stats-{name}-{language}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            assert page.locator('[data-figure="share_rate"] b').inner_text() == "33.3%"
            wechat = page.locator('tr[data-channel="wechat"] td').first.inner_text()
            assert wechat == ("WeChat" if language == "en" else "微信")
            page.locator('[data-figure="completion_rate"] a.how').click()
            assert page.evaluate("location.hash") == "#read-completion_rate"
            assert page.locator("#read-completion_rate").is_visible()
            context.close()
