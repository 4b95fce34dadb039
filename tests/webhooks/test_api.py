"""The editors' webhook API: POST/GET /api/quizzes/<slug>/webhooks/, DELETE
/api/webhooks/<id>/ (spec/integrations.md, "Webhooks"; api.md's token rules)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.tokens import token_create
from webhooks.models import Webhook

URL = "/api/quizzes/which-morning-drink/webhooks/"
HOOK = "https://hooks.example.com/quizbuilder"


@pytest.fixture(autouse=True)
def _public_dns(resolver):
    resolver({"hooks.example.com": "93.184.215.14"})


def call(method: str, url: str, token: str | None, body: dict | None = None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = json.dumps(body) if body is not None else None
    client = Client()
    return getattr(client, method)(url, data, content_type="application/json", **headers, **extra)


def create(token: str, **body):
    return call("post", URL, token, {"url": HOOK, "events": ["result.created"], **body})


def test_an_editor_adds_a_webhook_and_sees_its_secret_once(quiz, token):
    response = create(token, events=["share.created", "result.created"])
    assert response.status_code == 201
    body = response.json()
    webhook = Webhook.objects.get()
    assert body == {
        "id": webhook.pk,
        "url": HOOK,
        "events": ["result.created", "share.created"],
        "secret": webhook.secret,
    }
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    listed = call("get", URL, token)
    assert listed.status_code == 200
    assert listed.json() == {
        "webhooks": [
            {
                "id": webhook.pk,
                "url": HOOK,
                "events": ["result.created", "share.created"],
                "active": True,
                "last_status": None,
            }
        ]
    }
    assert webhook.secret not in listed.content.decode()


def test_an_editor_deletes_a_webhook(quiz, token):
    webhook_id = create(token).json()["id"]
    response = call("delete", f"/api/webhooks/{webhook_id}/", token)
    assert response.status_code == 204
    assert response.content == b""
    assert not Webhook.objects.exists()
    again = call("delete", f"/api/webhooks/{webhook_id}/", token)
    assert again.status_code == 404
    assert again.json() == {"errors": {"webhook": ["There is no webhook at this address."]}}


@pytest.mark.parametrize("header", [None, "Bearer qb_wrong", "Basic dXNlcjpwYXNz"])
def test_without_a_valid_token_it_is_a_401(quiz, token, header):
    webhook_id = create(token).json()["id"]
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    for method, url in [("get", URL), ("post", URL), ("delete", f"/api/webhooks/{webhook_id}/")]:
        data = {} if method == "get" else "{}"
        response = getattr(Client(), method)(url, data, content_type="application/json", **extra)
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert list(response.json()["errors"]) == ["token"]
    assert Webhook.objects.count() == 1


def test_a_user_who_may_not_edit_the_quiz_gets_a_403(quiz, token, other_author):
    webhook_id = create(token).json()["id"]
    other = token_create(user=other_author)[1]
    message = {"errors": {"quiz": ["This token's user may not edit a quiz at this address."]}}
    for response in (call("get", URL, other), create(other)):
        assert response.status_code == 403
        assert response.json() == message
    unknown = call("get", "/api/quizzes/no-such-quiz/webhooks/", token)
    assert (unknown.status_code, unknown.json()) == (403, message)
    deleted = call("delete", f"/api/webhooks/{webhook_id}/", other)
    assert deleted.status_code == 403
    assert Webhook.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"url": ""}, "url", "Enter the URL that receives the events."),
        ({"url": 7}, "url", "Enter the URL that receives the events."),
        ({"url": "ftp://hooks.example.com/x"}, "url", "The URL must start with https:// or http://."),
        ({"url": "javascript:alert(1)"}, "url", "The URL must start with https:// or http://."),
        ({"url": "https://"}, "url", "The URL has no host name."),
        ({"url": "https://nowhere.invalid/"}, "url", "The host name does not resolve."),
        ({"url": "https://u:p@hooks.example.com/"}, "url",
         "The URL must not hold a user name or password."),
        ({"events": []}, "events",
         "Choose one or more of: result.created, share.created, lead.created, cta.clicked."),
        ({"events": "result.created"}, "events",
         "Choose one or more of: result.created, share.created, lead.created, cta.clicked."),
        ({"events": ["test"]}, "events",
         "Unknown event test: use result.created, share.created, lead.created, cta.clicked."),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_with_the_field(quiz, token, body, field, message):
    response = create(token, **body)
    assert response.status_code == 400
    assert response.json() == {"errors": {field: [message]}}
    assert not Webhook.objects.exists()


def test_a_body_that_is_not_json_is_a_400(quiz, token):
    response = Client().post(
        URL, "{", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert response.json() == {"errors": {"body": ["The body is not valid JSON."]}}
