"""Privacy: answers expire, a visitor deletes their own result, no IP address is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from quizzes.models import AnswerEvent, Result
from quizzes.tasks import purge_expired_answers
from tests.quizzes.takehelp import BROWSER_UA, TAKES, post_json, responses_url

pytestmark = pytest.mark.django_db
IP = "203.0.113.77"
OWNER_DELETED = "Your result is deleted. Its image and share links no longer work."


def submit(client, slug="weight-in-10-years", **extra):
    response = post_json(client, responses_url(slug), {"answers": TAKES[slug]["answers"]}, **extra)
    assert response.status_code == 201, response.content
    return Result.objects.get(pk=response.json()["id"])


def test_the_purge_drops_expired_answers_and_keeps_outcome_texts_and_values(visitor, publish):
    publish("weight-in-10-years")
    old, fresh = submit(visitor), submit(visitor)
    Result.objects.filter(pk=old.pk).update(answers_expire_at=timezone.now() - timedelta(hours=1))
    assert purge_expired_answers() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.answers is None and old.answers_expire_at is None
    assert old.outcome_key == "heavier"
    assert old.title == "Ada, in 10 years you'll weigh 95 kg"
    assert old.values == {"age_drift": 0.4, "weight_10y": 95, "change": 25}
    assert fresh.answers["weight"] == 70.0
    assert purge_expired_answers() == 0  # idempotent


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
    assert friend.get(f"/s/{code}/").status_code in (404, 410)
    result.refresh_from_db()
    assert result.deleted_at is not None
    assert result.answers is None and result.title == "" and result.description == ""
    assert result.values == {} and result.card_text == {} and result.card_name == ""
    # Counts already made stay: the completion, its answers in the funnel, the referral.
    assert Result.objects.count() == 2 and AnswerEvent.objects.count() == events
    assert Result.objects.filter(referred_by__code=code).count() == 1


def test_the_owner_of_a_chinese_result_is_told_in_chinese_that_it_is_deleted(
    visitor, friend, publish
):
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

    from sharing.card_jobs import result_cards_render

    publish("weight-in-10-years")
    created = post_json(
        visitor,
        responses_url("weight-in-10-years"),
        {"answers": TAKES["weight-in-10-years"]["answers"]},
    )
    result_cards_render(result_id=created.json()["id"])
    result = Result.objects.get(pk=created.json()["id"])
    og, square = result.card_name, result.card_text["square_card"]
    assert default_storage.exists(og) and default_storage.exists(square)

    assert visitor.post(f"/r/{result.id}/delete/").status_code == 302

    assert not default_storage.exists(square)  # it holds this result's own QR link
    assert not default_storage.exists(og)  # no other result shares it
