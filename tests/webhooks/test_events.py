"""What happens becomes an event for the quiz's webhooks: result.created and share.created
through HTTP as a visitor does them; lead.created and cta.clicked through their signals (the
integrations room sends them) with stand-in objects. Nothing is sent in the request: the
deliveries are enqueued on commit."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from integrations.signals import cta_clicked, lead_created
from quizzes.taking.retention import answers_purge
from tests.factories import ResultFactory, WebhookFactory
from tests.sharing.conftest import code_of, complete, share
from webhooks.models import Dispatch, Event

pytestmark = pytest.mark.django_db


def test_a_result_is_an_event_with_the_api_result_body(
    quiz, settings, enqueued, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"  # the API builds its URLs from the request
    webhook = WebhookFactory(quiz=quiz, events=["result.created"])
    WebhookFactory(quiz=quiz, events=["share.created"])  # not told of results
    with django_capture_on_commit_callbacks(execute=True):
        body = complete(Client())
    event = Event.objects.get()
    assert (event.type, event.quiz_id) == ("result.created", quiz.pk)
    assert event.data == {"result": body, "referred_by": None}
    assert enqueued == [Dispatch.objects.get(event=event, webhook=webhook).pk]


def test_a_referred_result_says_which_share_brought_it(
    quiz, settings, enqueued, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    WebhookFactory(quiz=quiz, events=["result.created"])
    owner = Client()
    mine = complete(owner)
    url = share(owner, mine["id"], "whatsapp")
    friend = Client()
    assert friend.get(f"/s/{code_of(url)}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        theirs = complete(friend, ref=code_of(url))
    event = Event.objects.get(data__result__id=theirs["id"])
    assert event.data["referred_by"] == {"channel": "whatsapp", "share_url": url}


def test_a_share_is_an_event(quiz, settings, enqueued, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://testserver"
    owner = Client()
    result = complete(owner)
    WebhookFactory(quiz=quiz, events=["share.created"])
    with django_capture_on_commit_callbacks(execute=True):
        url = share(owner, result["id"], "x")
    event = Event.objects.get()
    assert event.type == "share.created"
    assert event.data == {"result_id": result["id"], "channel": "x", "share_url": url}
    assert len(enqueued) == 1


def test_a_lead_and_a_cta_click_are_events(db, enqueued, django_capture_on_commit_callbacks):
    result = ResultFactory()
    WebhookFactory(quiz=result.quiz, events=["lead.created", "cta.clicked"])
    lead = SimpleNamespace(result=result, result_id=result.pk, email="ana@example.com", name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        lead_created.send(sender=object, lead=lead)
        cta_clicked.send_robust(sender=object, result=result, url="https://shop.example.com/")
    events = {e.type: e.data for e in Event.objects.all()}
    assert events == {
        "lead.created": {
            "result_id": result.pk, "email": "ana@example.com", "name": "Ana", "phone": "",
        },
        "cta.clicked": {"result_id": result.pk, "url": "https://shop.example.com/"},
    }  # fmt: skip
    assert len(enqueued) == 2


def test_without_a_webhook_nothing_is_recorded(quiz):
    complete(Client())
    assert not Event.objects.exists()


def test_a_turned_off_webhook_is_not_told(quiz, enqueued):
    WebhookFactory(quiz=quiz, active=False)
    complete(Client())
    assert not Event.objects.exists()


def test_a_failing_webhook_record_never_fails_the_visitor(quiz, monkeypatch):
    WebhookFactory(quiz=quiz, events=["result.created"])

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("webhooks.receivers.event_record", broken)
    body = complete(Client())  # a 201 (complete checks it)
    assert body["id"] and not Event.objects.exists()


def test_a_deleted_result_takes_its_events_with_it(
    quiz, settings, enqueued, django_capture_on_commit_callbacks
):
    WebhookFactory(quiz=quiz)
    owner = Client()
    with django_capture_on_commit_callbacks(execute=True):
        mine = complete(owner)
        share(owner, mine["id"], "x")
        other = complete(Client())
    assert Event.objects.count() == 3
    response = owner.post(f"/r/{mine['id']}/delete/")
    assert response.status_code == 302
    assert [e.data["result"]["id"] for e in Event.objects.all()] == [other["id"]]
    assert Dispatch.objects.count() == 1


def test_a_result_whose_answers_expired_takes_its_events_with_it(
    quiz, enqueued, django_capture_on_commit_callbacks
):
    WebhookFactory(quiz=quiz, events=["result.created"])
    with django_capture_on_commit_callbacks(execute=True):
        body = complete(Client())
    assert Event.objects.filter(data__result__id=body["id"]).exists()
    assert answers_purge(now=timezone.now() + dt.timedelta(days=400)) == 1
    assert not Event.objects.exists()
