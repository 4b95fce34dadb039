"""The visitor pages' look in real Chromium (issue 12): axe-core finds no serious or
critical violation on the home, a themed intro with a cover, a question with image answers
and the result with its share bar (WeChat panel open), on a phone and a desktop; control
borders and focus rings reach 3:1 on the page they sit on; image answers form two columns.
Screenshots (phone and desktop, English and Chinese) land in /tmp/shots-h8/ to look at.

axe-core comes from node_modules/ (`npm install --no-save axe-core@4`) or from the copy that
`make lighthouse` installs with Lighthouse (var/lighthouse/node_modules/).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from quizzes.format.theme import colour_contrast
from tests.browser.conftest import CHROMIUM, PHONE_UA
from tests.browser.test_take import take_with_js
from tests.conftest import IN_CI

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not IN_CI, reason="Debian's Chromium is not installed"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
AXES = [
    ROOT / "node_modules" / "axe-core" / "axe.min.js",
    ROOT / "var" / "lighthouse" / "node_modules" / "axe-core" / "axe.min.js",
]
SHOTS = Path("/tmp/shots-h8")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "user_agent": PHONE_UA,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SLUG = "pick-a-view"


def _png(background: str, disc: str) -> bytes:
    im = Image.new("RGB", (640, 480), background)
    ImageDraw.Draw(im).ellipse((170, 90, 470, 390), fill=disc)
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def image_quiz(user) -> None:
    """A themed personality quiz with a cover and a question answered with pictures."""
    from quizzes.authoring.services import quiz_import

    def choice(key: str, label: str, outcome: str, image: bool = True) -> dict:
        c: dict = {"key": key, "label": label, "points": {outcome: 2}}
        if image:
            c["image"] = f"images/{key}.png"
        return c

    data = {
        "format": "quizbuilder/1",
        "slug": SLUG,
        "title": "Pick a view, get a holiday",
        "description": "Two questions, one trip.",
        "cover": "images/cover.png",
        "theme": {"brand": "#0f766e", "background": "#f0fdfa", "font": "lora"},
        "kind": "personality",
        "questions": [
            {
                "key": "view",
                "type": "single",
                "prompt": "Which view calms you most?",
                "choices": [
                    choice("sea", "The sea", "beach"),
                    choice("peak", "A mountain", "hike"),
                    choice("city", "City lights", "city"),
                    choice("wood", "A forest", "hike"),
                ],
            },
            {
                "key": "pace",
                "type": "single",
                "prompt": "Your pace on holiday?",
                "choices": [
                    choice("slow", "Slow", "beach", image=False),
                    choice("busy", "Busy", "city", image=False),
                ],
            },
        ],
        "outcomes": [
            {"key": "beach", "title": "Beach days", "description": "Sun, sand, a book."},
            {"key": "hike", "title": "Trail weeks", "description": "Boots on, phone off."},
            {"key": "city", "title": "City breaks", "description": "Museums, then food."},
        ],
    }
    images = {
        "images/cover.png": _png("#115e59", "#fbbf24"),
        "images/sea.png": _png("#0369a1", "#fde68a"),
        "images/peak.png": _png("#475569", "#f8fafc"),
        "images/city.png": _png("#1e1b4b", "#f472b6"),
        "images/wood.png": _png("#14532d", "#86efac"),
    }
    quiz_import(data=data, user=user, images=images, publish=True)


@pytest.fixture
def axe_source() -> str:
    for path in AXES:
        if path.exists():
            return path.read_text(encoding="utf-8")
    message = f"axe-core is not installed ({AXES[0]}): npm install --no-save axe-core@4"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def violations(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    found = page.evaluate(
        """() => axe.run(document).then(r => r.violations.map(v => ({id: v.id,
            impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))"""
    )
    return [f"{v['impact']}: {v['id']} at {v['nodes']}" for v in found
            if v["impact"] in ("serious", "critical")]  # fmt: skip


def hex_of(css: str) -> str:
    r, g, b = (int(float(x)) for x in re.findall(r"[\d.]+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_visitor_pages_look_right_and_pass_axe(
    browser, live_server, editor, device, axe_source
):
    image_quiz(editor)
    # The site's CSP forbids the injected axe script (as it should): the test context bypasses it.
    context = browser.new_context(
        **(PHONE if device == "phone" else DESKTOP), bypass_csp=True, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    page.goto(f"{live_server.url}/")
    found["home"] = violations(page, axe_source)
    shot(page, f"home-{device}")

    page.goto(f"{live_server.url}/q/{SLUG}/")
    assert page.locator(".intro-cover img.cover-img").is_visible()
    assert "lora" in page.evaluate("getComputedStyle(document.body).fontFamily").lower()
    found["intro"] = violations(page, axe_source)
    shot(page, f"intro-en-{device}")

    page.locator("[data-start]").click()
    screen = page.locator('[data-screen="0"]')
    screen.wait_for(state="visible")
    grid = screen.locator(".image-grid")
    assert len(grid.evaluate("g => getComputedStyle(g).gridTemplateColumns").split()) == 2
    page_bg = hex_of(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    choice = screen.locator("label.choice").first
    border = hex_of(choice.evaluate("c => getComputedStyle(c).borderTopColor"))
    inside = hex_of(choice.evaluate("c => getComputedStyle(c).backgroundColor"))
    assert colour_contrast(border, page_bg) >= 3 and colour_contrast(border, inside) >= 3
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # the keyboard puts focus-visible on the chosen radio
    ring = page.evaluate(
        "() => { const c = document.activeElement.closest('label.choice');"
        " const s = getComputedStyle(c); return [s.outlineStyle, s.outlineColor]; }"
    )
    assert ring[0] == "solid" and colour_contrast(hex_of(ring[1]), page_bg) >= 3
    found["question with image answers"] = violations(page, axe_source)
    shot(page, f"question-images-en-{device}")

    screen.locator('label.choice:has(input[value="sea"])').click()
    page.locator('[data-screen="1"]').wait_for(state="visible")
    page.locator('label.choice:has(input[value="slow"])').click()
    page.wait_for_url("**/r/*/")
    bar = page.locator("[data-share-bar]")
    bar.wait_for()
    assert page.locator(".share-btn svg.icon").count() == 8
    page.locator("summary[data-channel=wechat]").click()
    panel = page.locator("[data-qr-panel]")
    panel.wait_for(state="visible")
    if device == "phone":
        assert page.locator(".wechat-phone").is_visible()
        assert not page.locator(".wechat-desktop").is_visible()
    else:
        assert page.locator(".wechat-desktop img[data-qr]").is_visible()
    found["result with the share bar"] = violations(page, axe_source)
    shot(page, f"result-share-en-{device}")
    context.close()
    assert found == {name: [] for name in found}


def test_the_chinese_pages_on_a_phone_and_a_desktop(browser, live_server, publish, axe_source):
    publish("ni-shi-na-zhong-ka-fei")
    # take_with_js taps: the desktop gets a touch screen too (a wide laptop with one).
    for device, options in (("phone", PHONE), ("desktop", {**DESKTOP, "has_touch": True})):
        context = browser.new_context(
            **options, bypass_csp=True, locale="zh-CN", reduced_motion="reduce"
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{live_server.url}/q/ni-shi-na-zhong-ka-fei/")
        shot(page, f"intro-zh-{device}")
        take_with_js(page, live_server.url, "ni-shi-na-zhong-ka-fei", shot_name=None)
        page.locator("[data-share-bar]").wait_for()
        page.locator("summary[data-channel=wechat]").click()
        assert violations(page, axe_source) == []
        shot(page, f"result-share-zh-{device}")
        context.close()
