"""The card pipeline's services and tasks: inputs -> file in storage -> status and URLs.

Tasks are called in-process here (`task(...)` or `.apply()`, which runs one task and its
retries locally); the pipeline through a real worker and broker is tests/test_worker.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.utils import timezone

from quizzes.models import Quiz, Result
from sharing.cards import inputs as card_inputs
from sharing.cards import jobs as card_jobs
from sharing.cards import show as card_show
from sharing.cards import version_jobs
from sharing.cards.render import LAYOUTS, card_inputs_hash
from sharing.media import IMMUTABLE, media_serve
from sharing.models import Channel, ResultCard, Share, ShareKind, VersionCard
from sharing.tasks import (
    SQUARE_PRIORITY,
    render_fallback_card,
    render_result_card,
    render_square_card,
    rerender_stale_cards,
)
from tests.factories import ShareFactory, card_of

CARD_NAME = re.compile(r"^cards/[0-9a-f]{32}\.(png|jpg)$")


@pytest.fixture
def drink(publish):
    """The published which-morning-drink quiz (its card: a brown-to-amber gradient)."""
    return Quiz.objects.get(pk=publish("which-morning-drink").quiz_id)


def make_result(quiz, *, outcome="latte", name="", visitor="v-1", **card_text) -> Result:
    version = quiz.live_version
    outcome_title = next(o["title"] for o in version.definition["outcomes"] if o["key"] == outcome)
    text = {"headline": f"My morning drink: {outcome_title}", **card_text}
    if name:
        text["name"] = name
    return Result.objects.create(
        quiz=quiz, version=version, visitor=visitor, take=f"take-{visitor}-{outcome}-{name}",
        outcome_key=outcome, title=outcome_title, card_text=text,
    )  # fmt: skip


def draw(result_id: str) -> None:
    """What the worker does with a new result: the og card, then the square card it sends."""
    with mock.patch.object(render_square_card, "apply_async") as send:
        render_result_card(result_id)
    for call in send.call_args_list:
        render_square_card(*call.kwargs["args"])


def card_files() -> list[str]:
    folder = Path(settings.MEDIA_ROOT) / "cards"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- result cards --------------------------------------------------------------------------


def test_a_result_card_is_stored_under_the_hash_of_its_inputs_and_marked_ready(drink):
    result = make_result(drink)

    name = card_jobs.result_card_render(result_id=result.id)

    spec = card_inputs.result_card_spec(result=result)
    digest = card_inputs_hash(spec, formats=card_jobs.FORMATS)
    assert CARD_NAME.match(name)
    assert name.startswith(f"cards/{digest}.")
    assert default_storage.exists(name)
    result.refresh_from_db()
    assert (card_of(result).status, card_of(result).name, card_of(result).error) == (
        "ready",
        name,
        "",
    )
    assert card_files() == [name.removeprefix("cards/")]


def test_the_task_renders_the_square_card_with_the_results_qr_link_for_the_result_page(
    drink, visitor
):
    import zxingcpp
    from PIL import Image

    result = make_result(drink)

    draw(result.id)
    draw(result.id)  # redelivered: nothing new

    result.refresh_from_db()
    square = card_of(result).square_name
    assert CARD_NAME.match(square) and square != card_of(result).name
    assert card_of(result).status == "ready"
    with default_storage.open(square, "rb") as f:
        image = Image.open(f)
        image.load()
    assert image.size == LAYOUTS["square"]
    share = Share.objects.get(result=result, channel=Channel.QR)
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    assert decoded == [f"{settings.SITE_URL}/s/{share.code}/"]
    assert card_files() == sorted(n.removeprefix("cards/") for n in (card_of(result).name, square))
    body = visitor.get(f"/api/results/{result.id}/").json()
    assert body["image"]["square"] == {
        "url": f"{settings.SITE_URL}{settings.MEDIA_URL}{square}",
        "width": 1080,
        "height": 1080,
    }
    assert body["image"]["url"] == f"{settings.SITE_URL}{settings.MEDIA_URL}{card_of(result).name}"


def test_the_og_card_is_ready_first_and_sends_its_square_card_behind_it(drink, visitor):
    result = make_result(drink)

    with mock.patch.object(render_square_card, "apply_async") as send:
        render_result_card(result.id)

    # Ready with its og card, before the square card is drawn: the square waits at the
    # lowest priority, so a burst's og cards all go first.
    result.refresh_from_db()
    assert (card_of(result).status, card_of(result).square_name) == ("ready", "")
    assert CARD_NAME.match(card_of(result).name)
    assert card_files() == [card_of(result).name.removeprefix("cards/")]
    send.assert_called_once()
    assert send.call_args.kwargs["args"] == (result.id,)
    assert send.call_args.kwargs["priority"] == SQUARE_PRIORITY == 9
    body = visitor.get(f"/api/results/{result.id}/").json()
    assert (body["image"]["status"], body["image"]["square"]) == ("ready", None)

    render_square_card(result.id)

    result.refresh_from_db()
    assert CARD_NAME.match(card_of(result).square_name)
    assert visitor.get(f"/api/results/{result.id}/").json()["image"]["square"]["width"] == 1080


def test_a_deleted_or_unknown_result_sends_no_square_card(drink):
    result = make_result(drink)
    result.deleted_at = timezone.now()
    result.save(update_fields=["deleted_at"])

    with mock.patch.object(render_square_card, "apply_async") as send:
        render_result_card(result.id)
        render_result_card("no-such-result")

    send.assert_not_called()


def test_a_pending_result_has_no_square_card_yet(drink, visitor):
    result = make_result(drink)

    assert card_show.result_image_info(result)["square"] is None
    assert visitor.get(f"/api/results/{result.id}/").json()["image"]["square"] is None


def test_the_card_shows_the_frozen_texts_and_the_merged_design(drink):
    result = make_result(drink, outcome="espresso", name="Zoë", subline="Which drink are you?")

    spec = card_inputs.result_card_spec(result=result)

    assert spec.layout == "og"
    assert spec.headline == "My morning drink: " + result.title
    assert (spec.subline, spec.name) == ("Which drink are you?", "Zoë")
    assert spec.quiz_title == drink.live_version.definition["title"]
    assert (spec.background, spec.gradient_to) == ("#7c2d12", "#f59e0b")
    assert spec.site_name == settings.SITE_NAME
    assert spec.language == "en"
    assert spec.share_url == ""  # the og card is a link preview: no QR code (see card_jobs)


def test_an_outcome_card_overrides_the_quiz_card_key_by_key():
    definition = {
        "card": {"background": "#111111", "gradient_to": "#222222", "subline": "quiz"},
        "outcomes": [{"key": "a", "card": {"background": "#333333", "text_color": ""}},
                     {"key": "b"}],
    }  # fmt: skip

    merged = card_inputs.card_design(definition=definition, outcome_key="a")

    assert merged == {"background": "#333333", "gradient_to": "#222222", "subline": "quiz"}


def test_a_missing_headline_falls_back_to_the_outcome_title(drink):
    result = make_result(drink)
    result.card_text = {}

    assert card_inputs.result_card_spec(result=result).headline == result.title


def test_rendering_again_writes_no_new_file_and_draws_nothing(drink):
    result = make_result(drink)
    draw(result.id)
    result.refresh_from_db()
    name, square = card_of(result).name, card_of(result).square_name
    mtime = (Path(settings.MEDIA_ROOT) / name).stat().st_mtime_ns
    # A redelivered task, and one that finds the result pending again (a lost status write).
    ResultCard.objects.update_or_create(
        result_id=result.pk, defaults={"status": "pending", "name": ""}
    )

    with mock.patch.object(card_jobs, "card_render", side_effect=AssertionError("drawn")):
        assert card_jobs.result_card_render(result_id=result.id) == name
        assert card_jobs.result_card_render(result_id=result.id) == name
        render_result_card(result.id)

    assert card_files() == sorted(n.removeprefix("cards/") for n in (name, square))
    assert (Path(settings.MEDIA_ROOT) / name).stat().st_mtime_ns == mtime
    result.refresh_from_db()
    assert (card_of(result).status, card_of(result).name) == ("ready", name)


def test_two_visitors_with_the_same_outcome_and_no_name_share_a_file(drink):
    first = make_result(drink, visitor="v-1")
    second = make_result(drink, visitor="v-2")

    assert card_jobs.result_card_render(result_id=first.id) == card_jobs.result_card_render(
        result_id=second.id
    )
    assert len(card_files()) == 1


def test_different_names_give_different_files(drink):
    ana = make_result(drink, visitor="v-1", name="Ana")
    bo = make_result(drink, visitor="v-2", name="Bo")

    assert card_jobs.result_card_render(result_id=ana.id) != card_jobs.result_card_render(
        result_id=bo.id
    )
    assert len(card_files()) == 2


def test_two_writers_of_the_same_card_end_on_one_file(drink):
    spec = card_inputs.result_card_spec(result=make_result(drink))
    name = card_jobs.card_store(spec=spec)
    default_storage.delete(name)
    real_exists = default_storage.exists

    raced = []

    # The other writer saves between our exists() check and our save().
    def exists_then_race(path):
        found = real_exists(path)
        if not found and path == name and not raced:
            raced.append(path)
            default_storage.save(name, default_storage.open(other, "rb"))
        return found

    other = card_jobs.card_store(spec=card_inputs.result_card_spec(result=make_result(
        drink, visitor="v-9", name="Other")))  # fmt: skip
    with mock.patch.object(default_storage, "exists", side_effect=exists_then_race):
        assert card_jobs.card_store(spec=spec) == name
    assert raced == [name]
    assert sorted(card_files()) == sorted([name[6:], other[6:]])


def test_a_deleted_or_unknown_result_is_not_rendered(drink):
    result = make_result(drink)
    Result.objects.filter(pk=result.pk).update(deleted_at=timezone.now())

    assert card_jobs.result_card_render(result_id=result.id) is None
    assert card_jobs.result_card_render(result_id="no-such-result") is None
    render_result_card("no-such-result")
    assert card_files() == []


@pytest.mark.parametrize("layout", ["square", "story"])
def test_square_and_story_cards_carry_the_results_qr_share_link(drink, layout):
    result = make_result(drink)

    name = card_jobs.result_card_render(result_id=result.id, layout=layout)
    again = card_jobs.result_card_render(result_id=result.id, layout=layout)

    share = Share.objects.get(result=result, channel=Channel.QR)
    assert (share.kind, share.owner, share.quiz_id) == (ShareKind.DEFAULT, "v-1", drink.pk)
    spec = card_inputs.result_card_spec(result=result, layout=layout)
    assert spec.share_url == f"{settings.SITE_URL}/s/{share.code}/"
    assert name == again and CARD_NAME.match(name)
    assert Share.objects.filter(result=result).count() == 1
    result.refresh_from_db()
    assert card_of(result).status == "pending"  # only the og card decides the status


def test_the_qr_code_uses_a_qr_share_made_by_the_button_first(drink):
    result = make_result(drink)
    button = ShareFactory(result=result, channel=Channel.QR)

    spec = card_inputs.result_card_spec(result=result, layout="square")

    assert spec.share_url.endswith(f"/s/{button.code}/")
    assert Share.objects.filter(result=result).count() == 1


# --- failures and retries ------------------------------------------------------------------


def test_a_card_fails_after_the_last_retry_with_the_error_for_editors(drink):
    result = make_result(drink)
    failing = mock.Mock(side_effect=OSError("disk full"))

    with mock.patch.object(card_jobs, "result_card_render", failing):
        outcome = render_result_card.apply(args=(result.id,))

    assert outcome.failed()
    assert failing.call_count == 1 + render_result_card.max_retries == 6
    result.refresh_from_db()
    assert (card_of(result).status, card_of(result).error) == ("failed", "OSError: disk full")


def test_an_error_not_worth_retrying_fails_at_once(drink):
    result = make_result(drink)
    failing = mock.Mock(side_effect=ValueError("unknown card layout"))

    with mock.patch.object(card_jobs, "result_card_render", failing):
        render_result_card.apply(args=(result.id,))

    assert failing.call_count == 1
    result.refresh_from_db()
    assert (card_of(result).status, card_of(result).error) == (
        "failed",
        "ValueError: unknown card layout",
    )


def test_the_task_retries_transient_errors_with_jittered_exponential_backoff():
    assert render_result_card.acks_late is True
    assert render_result_card.reject_on_worker_lost is True
    assert set(render_result_card.autoretry_for) >= {OSError}
    assert (render_result_card.retry_backoff, render_result_card.retry_jitter) == (1, True)
    assert render_result_card.max_retries == 5


def test_a_failure_never_overrides_a_ready_card(drink):
    result = make_result(drink)
    card_jobs.result_card_render(result_id=result.id)

    assert card_jobs.result_card_fail(result_id=result.id, error="late") is False
    result.refresh_from_db()
    assert (card_of(result).status, card_of(result).error) == ("ready", "")


def test_a_failed_card_renders_when_tried_again(drink):
    result = make_result(drink)
    card_jobs.result_card_fail(result_id=result.id, error="OSError: disk full")

    render_result_card(result.id)

    result.refresh_from_db()
    assert (card_of(result).status, card_of(result).error) == ("ready", "")


def test_stale_pending_cards_are_enqueued_again(drink):
    stale = make_result(drink, visitor="v-1")
    fresh = make_result(drink, visitor="v-2")
    ready = make_result(drink, visitor="v-3")
    ancient = make_result(drink, visitor="v-4")
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    Result.objects.filter(pk__in=[stale.pk, ready.pk]).update(created_at=ten_minutes_ago)
    ResultCard.objects.update_or_create(
        result_id=ready.pk,
        defaults={"status": "ready", "name": "cards/x.png", "square_name": "cards/y.png"},
    )
    Result.objects.filter(pk=ancient.pk).update(created_at=timezone.now() - timedelta(days=3))

    with mock.patch.object(render_result_card, "apply_async") as send:
        assert rerender_stale_cards() == 1

    send.assert_called_once()
    assert send.call_args.kwargs["args"] == (stale.id,)
    assert card_of(fresh).status == "pending"


def test_square_cards_still_missing_after_a_few_minutes_are_enqueued_again(drink):
    lost = make_result(drink, visitor="v-1")  # ready, its square card's message lost
    fresh = make_result(drink, visitor="v-2")  # ready a moment ago: its square is on its way
    done = make_result(drink, visitor="v-3")
    gone = make_result(drink, visitor="v-4")
    for result, square in ((lost, ""), (fresh, ""), (done, "cards/y.png"), (gone, "")):
        ResultCard.objects.create(
            result=result, status="ready", name="cards/x.png", square_name=square
        )
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    Result.objects.exclude(pk=fresh.pk).update(created_at=ten_minutes_ago)
    Result.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())

    with (
        mock.patch.object(render_result_card, "apply_async") as card,
        mock.patch.object(render_square_card, "apply_async") as square,
    ):
        assert rerender_stale_cards() == 1

    card.assert_not_called()
    square.assert_called_once()
    assert square.call_args.kwargs["args"] == (lost.id,)
    assert square.call_args.kwargs["priority"] == SQUARE_PRIORITY


# --- fallback cards ------------------------------------------------------------------------


def test_publishing_enqueues_the_fallback_card_of_the_new_version(
    publish, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(render_fallback_card, "apply_async") as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        version = publish("which-morning-drink")

    send.assert_called_once()
    assert send.call_args.kwargs["args"] == (version.pk,)


def fallback_of(version) -> str:
    """The name of a version's own (fallback) card, as sharing records it."""
    return VersionCard.objects.get(version=version).name


def test_the_fallback_card_is_the_quiz_title_on_the_quiz_design(drink):
    version = drink.live_version

    render_fallback_card(version.pk)

    version.refresh_from_db()
    assert CARD_NAME.match(fallback_of(version))
    assert default_storage.exists(fallback_of(version))
    spec = card_inputs.fallback_card_spec(version=version)
    assert spec.headline == version.definition["title"]
    # The quiz card's subline says the title again: the description instead, the title once.
    assert spec.subline == version.definition["description"]
    assert (spec.layout, spec.name, spec.share_url, spec.background) == (
        "quiz",
        "",
        "",
        "#7c2d12",
    )


def test_a_new_version_with_a_new_card_design_gets_a_new_fallback_card(publish, drink):
    old = drink.live_version
    version_jobs.fallback_card_render(version_id=old.pk)
    card = {**old.definition["card"], "background": "#0f766e", "gradient_to": "#22d3ee"}

    same = publish("which-morning-drink")
    version_jobs.fallback_card_render(version_id=same.pk)
    new = publish("which-morning-drink", card=card)
    version_jobs.fallback_card_render(version_id=new.pk)

    old.refresh_from_db(), same.refresh_from_db(), new.refresh_from_db()
    assert same.pk != old.pk and fallback_of(same) == fallback_of(old)  # same design: reused
    assert fallback_of(new) != fallback_of(old)
    assert len(card_files()) == 2


def test_old_results_keep_their_versions_design_after_a_redesign(publish, drink):
    result = make_result(drink)
    before = card_jobs.result_card_render(result_id=result.id)
    publish("which-morning-drink", card={"background": "#0f766e"})
    ResultCard.objects.update_or_create(
        result_id=result.pk, defaults={"status": "pending", "name": ""}
    )

    assert card_jobs.result_card_render(result_id=result.id) == before


# --- what the API and pages show ------------------------------------------------------------


def test_image_info_of_a_pending_card_is_the_versions_fallback_card(drink):
    result = make_result(drink)
    version_jobs.fallback_card_render(version_id=drink.live_version.pk)
    result.refresh_from_db()

    info = card_show.result_image_info(result)

    fallback = fallback_of(result.version)
    assert info == {"status": "pending", "url": f"{settings.SITE_URL}/media/{fallback}",
                    "width": 1200, "height": 630, "square": None}  # fmt: skip


def test_image_info_before_any_fallback_card_is_the_static_default_card(drink):
    info = card_show.result_image_info(make_result(drink))

    assert info["status"] == "pending"
    assert info["url"] == f"{settings.SITE_URL}/static/{card_show.DEFAULT_CARD}"
    assert (Path(settings.BASE_DIR) / "static" / card_show.DEFAULT_CARD).exists()


def test_image_info_of_a_ready_card_has_the_hash_in_its_url(drink):
    result = make_result(drink)
    name = card_jobs.result_card_render(result_id=result.id)
    result.refresh_from_db()

    info = card_show.result_image_info(result)

    assert info == {"status": "ready", "url": f"{settings.SITE_URL}/media/{name}",
                    "width": 1200, "height": 630, "square": None}  # fmt: skip
    assert re.search(r"/media/cards/[0-9a-f]{32}\.(png|jpg)$", info["url"])
    assert LAYOUTS["og"] == (1200, 630)


def test_image_info_of_a_failed_card_is_the_fallback_with_status_failed(drink):
    result = make_result(drink)
    version_jobs.fallback_card_render(version_id=drink.live_version.pk)
    card_jobs.result_card_fail(result_id=result.id, error="OSError: disk full")
    result = Result.objects.select_related("version").get(pk=result.pk)

    info = card_show.result_image_info(result)

    assert info["status"] == "failed"
    assert info["url"] == f"{settings.SITE_URL}/media/{fallback_of(result.version)}"


def test_the_api_shows_a_ready_card(drink, visitor):
    answers = {"alarm": drink.live_version.definition["questions"][0]["choices"][0]["key"]}
    for q in drink.live_version.definition["questions"][1:]:
        answers[q["key"]] = q["choices"][0]["key"] if q.get("choices") else "Ana"
    created = visitor.post(f"/api/quizzes/{drink.slug}/responses/", {"answers": answers},
                           content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    result_id = created.json()["id"]
    assert created.json()["image"]["status"] == "pending"

    draw(result_id)

    body = visitor.get(f"/api/results/{result_id}/").json()
    result = Result.objects.get(pk=result_id)
    name, square = card_of(result).name, card_of(result).square_name
    assert body["image"] == {"status": "ready", "url": f"{settings.SITE_URL}/media/{name}",
                             "width": 1200, "height": 630,
                             "square": {"url": f"{settings.SITE_URL}/media/{square}",
                                        "width": 1080, "height": 1080}}  # fmt: skip


# --- media serving -------------------------------------------------------------------------


def test_the_debug_media_view_serves_cards_with_a_year_long_cache_header(drink):
    name = card_jobs.result_card_render(result_id=make_result(drink).id)
    (Path(settings.MEDIA_ROOT) / "quiz-images").mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "quiz-images" / "a.png").write_bytes(b"\x89PNG")
    request = RequestFactory().get(f"/media/{name}")

    card = media_serve(request, name)
    other = media_serve(request, "quiz-images/a.png")

    assert card.status_code == 200
    assert card["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert card["Content-Type"] in ("image/png", "image/jpeg")
    assert other.status_code == 200 and "Cache-Control" not in other


def test_production_media_on_s3_is_stored_with_a_year_long_cache_header():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    env = {**os.environ, "AWS_STORAGE_BUCKET_NAME": "cards-bucket",
           "DJANGO_SETTINGS_MODULE": "quizbuilder.settings"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR,
                         capture_output=True, text=True, check=True)  # fmt: skip
    storage = json.loads(out.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["object_parameters"] == {"CacheControl": IMMUTABLE}
    assert storage["OPTIONS"]["querystring_auth"] is False


def test_editors_see_failed_cards_and_their_error_in_the_result_admin(drink, client):
    from tests.factories import UserFactory

    failed = make_result(drink, visitor="v-1")
    make_result(drink, visitor="v-2")
    card_jobs.result_card_fail(result_id=failed.id, error="OSError: disk full")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get("/admin/sharing/resultcard/?status__exact=failed")

    assert page.status_code == 200
    assert page.content.decode().count("OSError: disk full") == 1
    assert failed.id in page.content.decode()
