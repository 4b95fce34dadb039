"""The webhook page on a phone and a desktop: add a webhook to a receiver on 127.0.0.1, see
the secret once with its Copy button, send a test event, read the delivery log. Screenshots
land in /tmp/shots-h6/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from quizzes.authoring.services import quiz_import
from tests.conftest import demo_data
from tests.webhooks.receiver import http_receiver
from webhooks.models import Delivery, Dispatch, Webhook
from webhooks.services import dispatch_attempt

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]
SHOTS = Path("/tmp/shots-h6")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SLUG = "which-morning-drink"


def test_the_webhook_page_on_a_phone_and_a_desktop(browser, live_server, editor, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    SHOTS.mkdir(parents=True, exist_ok=True)
    quiz_import(data=demo_data(SLUG), user=editor, publish=True)
    client = Client()
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    with http_receiver(fail_first=1) as receiver:
        for name, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport)
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
            page.goto(f"{live_server.url}/editor/quizzes/{SLUG}/webhooks/")
            page.get_by_label("URL that receives the events").fill(f"{receiver.url}?{name}")
            page.get_by_label("A visitor followed a call to action").uncheck()
            page.get_by_role("button", name="Add the webhook").click()
            secret = page.locator("[data-webhook-secret]").input_value()
            webhook = Webhook.objects.get(url=f"{receiver.url}?{name}")
            assert secret == webhook.secret and "cta.clicked" not in webhook.events
            page.get_by_role("button", name="Copy", exact=True).click()
            assert page.evaluate("navigator.clipboard.readText()") == secret
            page.screenshot(path=str(SHOTS / f"webhooks-added-{name}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

            card = page.locator(f'[data-webhook="{webhook.pk}"]')
            card.get_by_role("button", name="Send a test event").click()
            assert "A test event is on its way" in page.locator(".messages").inner_text()
            assert secret not in page.content()
            # A worker's part, done here: a failed try and a successful one.
            dispatch = Dispatch.objects.get(webhook=webhook)
            dispatch_attempt(dispatch_id=dispatch.pk)
            Dispatch.objects.filter(pk=dispatch.pk).update(next_at=dispatch.created_at)
            dispatch_attempt(dispatch_id=dispatch.pk)
            assert Delivery.objects.filter(webhook=webhook).count() == 2
            page.reload()
            page.locator(".webhook-log details").first.locator("summary").click()
            page.screenshot(path=str(SHOTS / f"webhooks-log-{name}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            assert errors == []
            receiver.fail_first = len(receiver.received) + 1  # the next webhook fails once too
            context.close()
