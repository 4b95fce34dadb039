"""Privacy: answers expire, a visitor deletes their own result, no IP address is stored."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import timezone

from quizzes.models import AnswerEvent, Result
from quizzes.tasks import purge_expired_answers
from tests.factories import card_of
from tests.quizzes.takehelp import BROWSER_UA, TAKES, post_json, responses_url

pytestmark = pytest.mark.django_db
IP = "203.0.113.77"
OWNER_DELETED = "Your result is deleted. Its image and share links no longer work."


def submit(client, slug="weight-in-10-years", **extra):
    response = post_json(client, responses_url(slug), {"answers": TAKES[slug]["answers"]}, **extra)
    assert response.status_code == 201, response.content
    return Result.objects.get(pk=response.json()["id"])


def expire(result: Result) -> None:
    Result.objects.filter(pk=result.pk).update(
        answers_expire_at=timezone.now() - timedelta(hours=1)
    )


# What would reveal the visitor of the weight quiz: the name, the predicted weight (95 kg) and
# the change (25 kg), from which the weight entered (70 kg) is worked back.
REVEALING = ("Ada", "95 kg", "25 kg", "weight_10y")


@pytest.mark.django_db(transaction=True)
def test_the_purge_forgets_the_name_the_values_and_the_card_and_keeps_outcome_and_score(
    visitor, friend, publish
):
    # transaction=True: card files go on commit, as in production.
    from django.core.files.storage import default_storage

    from sharing.cards.inputs import result_card_spec
    from sharing.cards.jobs import cards_due, result_cards_render

    publish("weight-in-10-years")
    old, fresh = submit(visitor), submit(visitor)
    result_cards_render(result_id=old.pk)  # what the worker does after the POST
    old.refresh_from_db()
    cards = [card_of(old).name, card_of(old).square_name]
    assert all(default_storage.exists(name) for name in cards)
    code = old.shares.exclude(channel="qr").get().code  # the QR link is the square card's
    assert "Ada" in friend.get(f"/s/{code}/").content.decode()  # before: the name is there
    expire(old)

    assert purge_expired_answers() == 1

    page = visitor.get(f"/r/{old.pk}/")
    body = visitor.get(f"/api/results/{old.pk}/")
    preview = friend.get(f"/s/{code}/")
    assert (page.status_code, body.status_code, preview.status_code) == (200, 200, 200)
    data = body.json()
    # The outcome's title and description used the values: the quiz's title, no description.
    assert data["outcome"] == {
        "key": "heavier", "title": "What will you weigh in 10 years?", "description": "",
    }  # fmt: skip
    assert data["values"] == {}
    assert data["image"]["status"] == "pending"  # the version's fallback card meanwhile
    for text in (page.content.decode(), body.content.decode(), preview.content.decode()):
        for revealing in REVEALING:
            assert revealing not in text, revealing
    assert not any(default_storage.exists(name) for name in cards)
    # Its new card is enqueued; were that message lost, the card job sends it again later.
    later = timezone.now() + timedelta(minutes=10)
    assert cards_due(now=later, lease=timedelta(minutes=15), limit=10) == [old.pk]
    # The card is drawn again (the purge enqueued it) from the kept texts only.
    result_cards_render(result_id=old.pk)
    assert visitor.get(f"/api/results/{old.pk}/").json()["image"]["status"] == "ready"
    old.refresh_from_db()
    spec = result_card_spec(result=old)
    assert (spec.name, spec.headline) == ("", "What will you weigh in 10 years?")
    assert spec.subline == "What will you weigh? Take the 30-second test"
    assert card_of(old).name not in cards and default_storage.exists(card_of(old).name)
    assert card_of(old).retry_at is None  # drawn: nothing left for the card job
    # Kept for the stats: the outcome and the score; the fresh result is untouched.
    assert (old.outcome_key, old.score, old.answers, old.answers_expire_at) == (
        "heavier", None, None, None,
    )  # fmt: skip
    fresh.refresh_from_db()
    assert fresh.answers["weight"] == 70.0 and fresh.title == "Ada, in 10 years you'll weigh 95 kg"
    assert fresh.values == {"age_drift": 0.4, "weight_10y": 95, "change": 25}
    assert purge_expired_answers() == 0  # idempotent


def test_the_purge_keeps_a_text_that_only_named_the_visitor_without_the_name(visitor, publish):
    publish("which-morning-drink")
    result = submit(visitor, slug="which-morning-drink")
    assert result.description == "Ada, you're short, strong and already on your third task."
    expire(result)
    assert purge_expired_answers() == 1
    data = visitor.get(f"/api/results/{result.pk}/").json()
    assert data["outcome"] == {
        "key": "espresso", "title": "Espresso",
        "description": "You're short, strong and already on your third task.",
    }  # fmt: skip
    assert data["score"] == 5
    result.refresh_from_db()
    assert "name" not in result.card_text and "Ada" not in json.dumps(result.card_text)


def test_the_purge_stops_after_its_time_budget_and_the_next_run_goes_on(
    visitor, publish, monkeypatch
):
    from quizzes.taking import retention

    publish("which-morning-drink")
    results = [submit(visitor, slug="which-morning-drink") for _ in range(3)]
    for result in results:
        expire(result)
    monkeypatch.setattr(retention, "PURGE_BATCH", 2)
    assert retention.answers_purge(budget=0) == 2  # one batch, then the budget is spent
    assert retention.answers_purge(budget=0) == 1
    assert Result.objects.filter(answers__isnull=False).count() == 0


def test_the_privacy_page_says_what_is_kept_after_the_retention_period(client):
    html = client.get("/privacy/").content.decode()
    assert "After that we keep only your outcome and your score" in html
    assert "your name, the numbers computed from your answers and your result's picture" in html


def test_answers_expire_after_the_quizs_retention_days(visitor, publish):
    publish("weight-in-10-years", retention_days=7)  # a reviewed part of the version
    result = submit(visitor)
    assert round((result.answers_expire_at - result.created_at).total_seconds() / 86400) == 7


def test_a_visitor_deletes_their_own_result_and_its_links_stop_working(visitor, friend, publish):
    publish("weight-in-10-years")
    result = submit(visitor)
    code = result.shares.get().code
    referred = post_json(
        friend,
        responses_url("weight-in-10-years"),
        {"answers": TAKES["weight-in-10-years"]["answers"], "ref": code},
    )
    assert referred.status_code == 201
    events = AnswerEvent.objects.count()
    response = visitor.post(f"/r/{result.id}/delete/")
    assert response.status_code == 302 and response["Location"] == f"/r/{result.id}/"
    gone = visitor.get(f"/r/{result.id}/")
    assert gone.status_code == 410
    assert OWNER_DELETED in gone.content.decode()
    assert "Its owner deleted it" not in gone.content.decode()
    others = friend.get(f"/r/{result.id}/")
    assert others.status_code == 410 and "This result was deleted" in others.content.decode()
    assert "Its owner deleted it." in others.content.decode()
    assert OWNER_DELETED not in others.content.decode()
    assert visitor.get(f"/api/results/{result.id}/").status_code == 410
    assert friend.get(f"/s/{code}/").status_code == 410
    result.refresh_from_db()
    assert result.deleted_at is not None
    assert result.answers is None and result.title == "" and result.description == ""
    assert result.values == {} and result.card_text == {} and card_of(result).name == ""
    # Counts already made stay: the completion, its answers in the funnel, the referral.
    assert Result.objects.count() == 2 and AnswerEvent.objects.count() == events
    assert Result.objects.filter(referral__share__code=code).count() == 1


def test_a_chinese_speaking_owner_is_told_in_chinese_that_it_is_deleted(visitor, friend, publish):
    # The interface is the visitor's language (README "Languages"), not the quiz's.
    for client in (visitor, friend):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    publish("ni-shi-na-zhong-ka-fei")
    result = submit(visitor, slug="ni-shi-na-zhong-ka-fei")
    visitor.post(f"/r/{result.id}/delete/")
    mine = visitor.get(f"/r/{result.id}/").content.decode()
    assert "你的结果已删除，图片和分享链接均已失效。" in mine and "主人" not in mine
    theirs = friend.get(f"/r/{result.id}/").content.decode()
    assert "结果的主人已将其删除" in theirs


def test_deleting_twice_is_harmless(visitor, publish):
    publish("weight-in-10-years")
    result = submit(visitor)
    visitor.post(f"/r/{result.id}/delete/")
    assert visitor.post(f"/r/{result.id}/delete/").status_code == 302


def test_another_visitor_cannot_delete_a_result(visitor, friend, publish):
    publish("weight-in-10-years")
    result = submit(visitor)
    response = friend.post(f"/r/{result.id}/delete/")
    assert response.status_code == 403
    result.refresh_from_db()
    assert result.deleted_at is None and result.answers is not None
    assert visitor.get(f"/r/{result.id}/").status_code == 200


def test_deleting_needs_a_post(visitor, publish):
    publish("weight-in-10-years")
    result = submit(visitor)
    assert visitor.get(f"/r/{result.id}/delete/").status_code == 405


def test_no_model_has_a_field_for_an_ip_address():
    for model in apps.get_models():
        for f in model._meta.get_fields():
            name = f.name.lower()
            assert "ip" not in name.split("_"), f"{model.__name__}.{f.name}"
            assert f.get_internal_type() != "GenericIPAddressField" if f.concrete else True


def test_no_row_anywhere_holds_the_visitors_ip_address(publish):
    publish("weight-in-10-years")
    client = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR=IP)
    client.get("/q/weight-in-10-years/")
    submit(client, REMOTE_ADDR=IP)
    client.post(
        "/api/quizzes/weight-in-10-years/answers/",
        {"take": "a" * 20, "question": "age"},
        content_type="application/json",
        REMOTE_ADDR=IP,
    )
    for model in apps.get_models():
        for row in model.objects.all():
            for f in model._meta.concrete_fields:
                assert IP not in str(getattr(row, f.attname)), f"{model.__name__}.{f.name}"


@pytest.mark.django_db(transaction=True)
def test_deleting_a_result_removes_its_own_card_files(visitor, publish, settings):
    # transaction=True: files go on commit, as in production.
    from django.core.files.storage import default_storage

    from sharing.cards.jobs import result_cards_render

    publish("weight-in-10-years")
    created = post_json(
        visitor,
        responses_url("weight-in-10-years"),
        {"answers": TAKES["weight-in-10-years"]["answers"]},
    )
    result_cards_render(result_id=created.json()["id"])
    result = Result.objects.get(pk=created.json()["id"])
    og, square = card_of(result).name, card_of(result).square_name
    assert default_storage.exists(og) and default_storage.exists(square)

    assert visitor.post(f"/r/{result.id}/delete/").status_code == 302

    assert not default_storage.exists(square)  # it holds this result's own QR link
    assert not default_storage.exists(og)  # no other result shares it
