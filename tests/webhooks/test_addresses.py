"""The SSRF guard: webhook URLs pointing inside the network are refused at creation (a 400)
and again at delivery (an error in the log), unless WEBHOOK_ALLOW_PRIVATE_HOSTS."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import WebhookFactory
from webhooks.models import Delivery, Dispatch, DispatchState, Webhook
from webhooks.services import dispatch_attempt, event_test_send

URL = "/api/quizzes/which-morning-drink/webhooks/"
REFUSED = {"errors": {"url": ["The URL points at a private or local address."]}}


def create(token: str, url: str):
    body = json.dumps({"url": url, "events": ["result.created"]})
    return Client().post(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "http://240.0.0.1/hook",
        "https://sneaky.example.com/hook",
    ],
)
def test_a_private_or_local_address_is_refused_at_creation(quiz, token, resolver, url):
    resolver({"sneaky.example.com": "127.0.0.1", "localhost": "127.0.0.1"})
    response = create(token, url)
    assert response.status_code == 400
    assert response.json() == REFUSED
    assert not Webhook.objects.exists()


def test_a_name_with_one_private_address_among_public_ones_is_refused(quiz, token, monkeypatch):
    import socket

    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert create(token, "https://mixed.example.com/hook").json() == REFUSED


def test_the_setting_allows_private_hosts(quiz, token, resolver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    resolver({"sneaky.example.com": "127.0.0.1"})
    assert create(token, "http://127.0.0.1:9/hook").status_code == 201
    assert create(token, "https://sneaky.example.com/hook").status_code == 201


def test_a_name_that_later_resolves_inside_is_refused_at_delivery(db, resolver):
    # Saved while it pointed outside; by the time of the delivery it points at 127.0.0.1.
    webhook = WebhookFactory(url="https://rebind.example.com/hook")
    resolver({"rebind.example.com": "127.0.0.1"})
    event = event_test_send(webhook=webhook)
    dispatch = Dispatch.objects.get(event=event)
    delivery = dispatch_attempt(dispatch_id=dispatch.pk).delivery
    assert delivery is not None
    assert (delivery.status_code, delivery.attempt) == (None, 1)
    assert delivery.error == "Refused: The URL points at a private or local address."
    dispatch.refresh_from_db()
    assert (dispatch.state, dispatch.attempts) == (DispatchState.PENDING, 1)
    assert Delivery.objects.count() == 1
