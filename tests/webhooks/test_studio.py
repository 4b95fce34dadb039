"""The studio's webhook page of a quiz (/editor/quizzes/<slug>/webhooks/): add a webhook
(the secret shown once), list, turn off and on, delete, send a test event, the log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import WebhookFactory
from tests.quizzes.helpers import client_for
from webhooks.models import Delivery, Dispatch, Event, EventType, Webhook

PAGE = "/editor/quizzes/which-morning-drink/webhooks/"
HOOK = "https://hooks.example.com/quizbuilder"


@pytest.fixture(autouse=True)
def _public_dns(resolver):
    resolver({"hooks.example.com": "93.184.215.14", "inside.example.com": "10.0.0.7"})


def action(webhook: Webhook, name: str) -> str:
    return f"{PAGE}{webhook.pk}/{name}/"


def test_it_needs_a_login_and_the_right_to_edit_the_quiz(quiz, other_author):
    assert Client().get(PAGE).status_code == 302
    assert client_for(other_author).get(PAGE).status_code == 404
    assert client_for(other_author).post(PAGE, {"url": HOOK}).status_code == 404
    assert not Webhook.objects.exists()


def test_an_editor_adds_a_webhook_and_sees_the_secret_once(quiz, editor):
    client = client_for(editor)
    response = client.post(PAGE, {"url": HOOK, "events": ["result.created", "cta.clicked"]})
    assert response.status_code == 200
    webhook = Webhook.objects.get()
    assert (webhook.url, webhook.events, webhook.created_by) == (
        HOOK, ["result.created", "cta.clicked"], editor,
    )  # fmt: skip
    html = response.content.decode()
    assert f'value="{webhook.secret}"' in html
    assert "Copy it now: it will not be shown again." in html
    again = client.get(PAGE).content.decode()
    assert webhook.secret not in again
    assert HOOK in again and "result.created, cta.clicked" in again


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "https://inside.example.com/x", "events": ["result.created"]},
         "The URL points at a private or local address."),
        ({"url": "ftp://hooks.example.com/", "events": ["result.created"]},
         "The URL must start with https:// or http://."),
        ({"url": HOOK}, "Choose one or more of: result.created, share.created, lead.created, "
                        "cta.clicked."),
    ],
)  # fmt: skip
def test_a_refused_webhook_shows_why_next_to_its_field(quiz, editor, data, message):
    response = client_for(editor).post(PAGE, data)
    assert response.status_code == 400
    html = response.content.decode()
    field = "url" if "url" in message.lower() else "events"
    assert re.search(rf'id="webhook-{field}-error">{re.escape(message)}<', html)
    assert f'aria-describedby="webhook-{field}-error"' in html
    assert not Webhook.objects.exists()


def test_an_editor_turns_a_webhook_off_and_on_and_deletes_it(quiz, editor):
    webhook = WebhookFactory(quiz=quiz)
    client = client_for(editor)
    assert client.post(action(webhook, "disable")).status_code == 302
    webhook.refresh_from_db()
    assert webhook.active is False and webhook.disabled_at is not None
    assert client.post(action(webhook, "enable")).status_code == 302
    webhook.refresh_from_db()
    assert webhook.active is True and webhook.disabled_at is None
    assert client.get(action(webhook, "delete")).status_code == 405
    assert client.post(action(webhook, "nonsense")).status_code == 404
    assert client.post(action(webhook, "delete")).status_code == 302
    assert not Webhook.objects.exists()


def test_another_author_cannot_touch_a_webhook(quiz, other_author):
    webhook = WebhookFactory(quiz=quiz)
    assert client_for(other_author).post(action(webhook, "delete")).status_code == 404
    assert Webhook.objects.filter(pk=webhook.pk).exists()


def test_the_test_button_sends_a_test_event_to_that_webhook_only(
    quiz, editor, enqueued, django_capture_on_commit_callbacks
):
    webhook, other = WebhookFactory(quiz=quiz), WebhookFactory(quiz=quiz)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(action(webhook, "test"), follow=True)
    assert "A test event is on its way: see the delivery log." in response.content.decode()
    event = Event.objects.get()
    assert event.type == EventType.TEST
    assert enqueued == [Dispatch.objects.get(event=event, webhook=webhook).pk]
    assert not Dispatch.objects.filter(webhook=other).exists()


def test_the_log_shows_each_try(quiz, editor, django_assert_max_num_queries):
    client = client_for(editor)
    client.get(PAGE)  # the session and the user's groups, read once
    for n in range(3):
        webhook = WebhookFactory(quiz=quiz, url=f"https://hooks.example.com/{n}")
        event = Event.objects.create(quiz=quiz, type="result.created", created=timezone.now())
        for attempt, status in [(1, 500), (2, None), (3, 204)]:
            Delivery.objects.create(
                event=event, webhook=webhook, attempt=attempt, status_code=status,
                response_ms=120 + attempt, body="<p>no</p>" if status == 500 else "",
                error="" if status else "TimeoutError: timed out",
                at=timezone.now() + dt.timedelta(seconds=attempt),
            )  # fmt: skip
    with django_assert_max_num_queries(8):
        html = client.get(PAGE).content.decode()
    assert html.count("data-delivery=") == 9
    assert html.count(f'data-event="{event.id}"') == 3
    assert "TimeoutError: timed out" in html and "123 ms" in html
    assert "&lt;p&gt;no&lt;/p&gt;" in html  # a receiver's body is text, never markup


def test_the_quiz_page_links_to_the_webhooks_page(quiz, editor):
    page = client_for(editor).get(f"/editor/quizzes/{quiz.slug}/").content.decode()
    assert f'href="{PAGE}"' in page
