"""Done-when of issue 13: a business's page embeds a quiz with the one-line snippet.

A static page served by http.server on 127.0.0.1 (another port than the quiz's) holds the
snippet. In Chromium: the iframe grows with its content (no inner scroll bar) at phone and
desktop sizes; the page receives `start`, `complete` (with the outcome) and `share`; a friend
who opens the shared link lands on that page (the quiz's home page) and sees the sharer's
result inside the iframe; their completion is counted as referred. Screenshots of the page
at 390x844 and 1280x800 go to /tmp/shots/.

Both servers are on 127.0.0.1: the same *site* (ports do not count), so the plain-http visitor
cookie (SameSite=Lax) reaches the iframe, as it would over https with CHIPS on any site.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, PHONE_UA, SHOTS
from tests.conftest import IN_CI

SLUG = "which-morning-drink"
DESKTOP_UA = (  # Playwright's own says HeadlessChrome: a bot to the share page
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0 Safari/537.36"
)
CHOICES = {"alarm": "up", "weekend": "project", "music": "techno"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drinks Ltd</title>
<style>
body {{ margin: 0; font-family: Georgia, serif; background: #fef3c7; color: #1f2937; }}
header {{ background: #92400e; color: #fff; padding: 16px 20px; font-size: 22px; }}
main {{ max-width: 760px; margin: 0 auto; padding: 16px; }}
footer {{ padding: 24px; text-align: center; color: #78350f; }}
</style>
<script>
window.qbEvents = [];
window.addEventListener("message", function (e) {{
  if (e.data && e.data.source === "quizbuilder") window.qbEvents.push(e.data);
}});
</script></head>
<body><header>Drinks Ltd · Coffee for every morning</header>
<main><h1>Which morning drink are you?</h1>
<p>Take our one-minute test and get a discount on your drink.</p>
<script src="{base}/embed.js" data-quiz="{slug}" async></script>
<p>Free delivery on orders over 30 €.</p></main>
<footer>© Drinks Ltd</footer></body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def host_site(tmp_path):
    """A static site on 127.0.0.1 (its own port); yields (write_page(html), base URL)."""
    handler = partial(QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def write(html: str) -> None:
        (tmp_path / "quiz.html").write_text(html, encoding="utf-8")

    yield write, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def frame_of(page):
    page.wait_for_selector("iframe")
    for _ in range(100):
        frame = page.locator("iframe").element_handle().content_frame()
        if frame is not None and frame.url.startswith("http") and "/embed/" in frame.url:
            frame.wait_for_load_state("load")
            return frame
        page.wait_for_timeout(100)
    raise AssertionError("no quiz iframe")


def fits(page, frame) -> None:
    """The iframe is as tall as its content: nothing to scroll inside (waits for resize)."""
    inner = outer = 0
    for _ in range(50):
        inner = frame.evaluate("document.documentElement.scrollHeight")
        outer = page.locator("iframe").evaluate("f => f.getBoundingClientRect().height")
        overflow = frame.evaluate("document.documentElement.scrollHeight > window.innerHeight + 1")
        if not overflow and abs(inner - outer) <= 2:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"iframe {outer}px, content {inner}px")


def events(page) -> list[dict]:
    return page.evaluate("window.qbEvents")


def take_inside(page, frame, name: str) -> None:
    frame.locator("[data-start]").click()
    fits(page, frame)
    for key in ("alarm", "weekend", "music"):
        frame.locator(f'label.choice:has(input[value="{CHOICES[key]}"])').click()
        frame.locator("[data-next]").click()
        fits(page, frame)
    frame.locator("input[name=answer]").fill(name)
    frame.locator("[data-next]").click()
    frame.locator('[data-screen="result"]').wait_for(state="visible")
    fits(page, frame)


def test_a_business_page_embeds_the_quiz_and_friends_land_on_it(
    chromium, live_server, publish, settings, host_site
):
    from integrations.models import EmbedSettings
    from quizzes.models import Result
    from sharing.models import Share
    from sharing.stats.ranges import quiz_stats

    write, host = host_site
    # The quiz's server by its address too: the same site as the host page (see above).
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.SITE_URL = base
    publish(SLUG)
    from quizzes.models import Quiz

    quiz = Quiz.objects.get(slug=SLUG)
    EmbedSettings.objects.create(quiz=quiz, embed_url=f"{host}/quiz.html", allowed_origins=host)
    write(HOST_PAGE.format(base=base, slug=SLUG))

    phone = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        user_agent=PHONE_UA, device_scale_factor=2,
    )  # fmt: skip
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    page.goto(f"{host}/quiz.html")
    frame = frame_of(page)
    fits(page, frame)
    shot(page, "embed-host-phone-intro")
    take_inside(page, frame, "Ana")
    title = frame.locator("[data-outcome-title]").inner_text()
    assert title
    frame.locator('[data-share="copy"]').click()
    for _ in range(50):
        if "share" in [e["type"] for e in events(page)]:
            break
        page.wait_for_timeout(100)
    got = events(page)
    types = [e["type"] for e in got]
    assert {"resize", "start", "answer", "complete", "share"} <= set(types)
    assert types.index("start") < types.index("complete") < types.index("share")
    complete = next(e for e in got if e["type"] == "complete")
    assert complete["quiz"] == SLUG and complete["result"]["outcome"]["title"] == title
    assert next(e for e in got if e["type"] == "share")["channel"] == "copy"
    fits(page, frame)
    shot(page, "embed-host-phone-result")

    share = Share.objects.get(kind="button", channel="copy")
    friend = chromium.new_context(viewport={"width": 1280, "height": 800}, user_agent=DESKTOP_UA)
    friend.set_default_timeout(15_000)
    fpage = friend.new_page()
    fpage.goto(f"{base}/s/{share.code}/")
    fpage.wait_for_url(f"{host}/quiz.html?qb={share.code}")
    fframe = frame_of(fpage)
    fframe.locator('[data-screen="friend"]').wait_for(state="visible")
    assert fframe.locator("[data-friend-title]").inner_text() == title
    fits(fpage, fframe)
    shot(fpage, "embed-host-desktop-friend")
    fframe.locator("[data-go=intro]").click()
    take_inside(fpage, fframe, "Ben")
    shot(fpage, "embed-host-desktop-result")

    referred = Result.objects.exclude(referral=None).get()
    assert referred.referral.share == share
    stats = quiz_stats(quiz)
    assert (stats["completions"], stats["clicks"], stats["referred_completions"]) == (2, 1, 1)
    phone.close()
    friend.close()


def test_a_locked_result_shows_after_the_lead_form_inside_the_embed(
    chromium, live_server, publish, settings, host_site
):
    from integrations.models import CtaClick, EmbedSettings, Lead
    from quizzes.models import Quiz
    from tests.integrations.conftest import CTA, LEAD, definition_set

    write, host = host_site
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.SITE_URL = base
    publish(SLUG)
    quiz = Quiz.objects.select_related("live_version").get(slug=SLUG)
    definition_set(quiz, cta=CTA, lead={**LEAD, "position": "before_result", "required": True})
    EmbedSettings.objects.create(quiz=quiz, allowed_origins=host)
    write(HOST_PAGE.format(base=base, slug=SLUG))

    context = chromium.new_context(viewport={"width": 390, "height": 844}, user_agent=PHONE_UA)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{host}/quiz.html")
    frame = frame_of(page)
    frame.locator("[data-start]").click()
    for key in ("alarm", "weekend", "music"):
        frame.locator(f'label.choice:has(input[value="{CHOICES[key]}"])').click()
        frame.locator("[data-next]").click()
    frame.locator("input[name=answer]").fill("Ana")
    frame.locator("[data-next]").click()
    lead = frame.locator('[data-screen="lead"]')
    lead.wait_for(state="visible")
    assert frame.locator('[data-screen="result"]').is_hidden()
    fits(page, frame)
    frame.locator("#lead-email").fill("not-an-email")
    frame.locator("[data-lead-form] button[type=submit]").click()
    frame.locator('[data-error-for="email"]:has-text("valid email")').wait_for()
    frame.locator("#lead-email").fill("ana@example.com")
    frame.locator("#lead-name").fill("Ana")
    frame.locator("[data-lead-form] input[name=consent]").check()
    frame.locator("[data-lead-form] button[type=submit]").click()
    frame.locator('[data-screen="result"]').wait_for(state="visible")
    assert frame.locator("[data-outcome-title]").inner_text()
    cta = frame.locator("[data-cta-link]")
    assert cta.inner_text() == "Get 10% off, Ana"
    fits(page, frame)
    shot(page, "embed-host-phone-cta")
    types = [e["type"] for e in events(page)]
    assert types.index("complete") < types.index("lead")
    assert next(e for e in events(page) if e["type"] == "complete")["result"]["locked"] is True
    assert Lead.objects.get().consent_text == LEAD["consent"]
    # The tab it opens follows /go/ (counted) to the shop, which is not reachable here: the
    # redirect's target is checked over HTTP (tests/integrations/test_cta.py).
    with context.expect_page() as opened:
        cta.click()
    opened.value.wait_for_load_state()
    message = next(e for e in events(page) if e["type"] == "cta")
    assert message["url"].startswith(f"{base}/go/")
    assert CtaClick.objects.count() == 1
    context.close()


def test_the_popup_mode_opens_the_quiz_over_the_page(
    chromium, live_server, publish, settings, host_site
):
    write, host = host_site
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.SITE_URL = base
    publish(SLUG)
    from integrations.models import EmbedSettings
    from quizzes.models import Quiz

    # An http page is no https: origin: it must be allowed by name (localhost only).
    EmbedSettings.objects.create(quiz=Quiz.objects.get(slug=SLUG), allowed_origins=host)
    snippet = f'<script src="{base}/embed.js" data-quiz="{SLUG}" async></script>'
    popup = f'<script src="{base}/embed.js" data-quiz="{SLUG}" data-mode="popup" data-label="Find your drink" async></script>'  # noqa: E501
    write(HOST_PAGE.format(base=base, slug=SLUG).replace(snippet, popup))
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{host}/quiz.html")
    button = page.locator("button.quizbuilder-open")
    assert button.inner_text() == "Find your drink"
    assert page.locator("iframe").count() == 0  # nothing loaded before it is asked for
    button.click()
    frame = frame_of(page)
    assert page.locator('[role="dialog"]').is_visible()
    frame.locator("[data-start]").click()
    frame.locator('[data-screen="question"]').wait_for(state="visible")
    shot(page, "embed-host-desktop-popup")
    assert "start" in [e["type"] for e in events(page)]
    page.locator('[role="dialog"] button[aria-label="Close"]').click()
    assert page.locator('[role="dialog"]').is_hidden()
    assert button.evaluate("b => document.activeElement === b")  # focus back on the button
    context.close()


def test_the_studio_page_fits_a_phone_and_copies_the_snippet(
    chromium, live_server, publish, editor
):
    from django.test import Client

    publish(SLUG)
    client = Client()
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    for name, viewport in (("phone", (390, 844)), ("desktop", (1280, 800))):
        context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        page = context.new_page()
        page.goto(f"{live_server.url}/editor/quizzes/{SLUG}/integrations/")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
        page.locator('button[data-copy="#snippet"]').click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == (
            f'<script src="{live_server.url}/embed.js" data-quiz="{SLUG}" async></script>'
        )
        shot(page, f"embed-studio-{name}")
        context.close()
