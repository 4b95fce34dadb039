"""What a response POST writes, and how: one transaction of a few statements, the published
quiz read once, the card sent to the worker once it commits (issue 14: a visitor's POST
answers at once while its picture is drawn behind it)."""

from __future__ import annotations

import datetime as dt
import json
import re
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.models import AnswerEvent, Result
from quizzes.selectors import CACHE_PREFIX
from sharing.models import Channel, Share, ShareKind
from sharing.tasks import render_fallback_card, render_result_card

from .conftest import ANSWERS, SLUG, code_of, complete, own_code, path_of, share

pytestmark = pytest.mark.django_db

URL = f"/api/quizzes/{SLUG}/responses/"
# The result, its answer events, its default link and the hand-over of the visitor's
# address-bar links: one transaction, one statement each. Which webhooks want it is kept in
# a shared cache (Redis, webhooks.selectors); a per-process cache asks the database each time.
STATEMENTS = [
    "BEGIN",
    "INSERT quizzes_result",
    "INSERT quizzes_answerevent",
    "INSERT sharing_share",
    "UPDATE sharing_share",
    "COMMIT",
]
WEBHOOKS_READ = "SELECT webhooks_webhook"


def statement(sql: str) -> str:
    words = re.findall(r"[A-Za-z_]+", sql)
    verb = words[0].upper()
    if verb in ("BEGIN", "COMMIT"):
        return verb
    table = {"INSERT": "INTO", "UPDATE": "UPDATE", "SELECT": "FROM"}[verb]
    return f"{verb} {words[words.index(table) + 1]}"


def post(client, **extra):
    return client.post(
        URL, json.dumps({"answers": ANSWERS, **extra}), content_type="application/json"
    )


@pytest.mark.django_db(transaction=True)  # the POST's own transaction, not a savepoint
def test_a_response_post_is_one_transaction_of_four_statements(published_quiz, browser):
    render_fallback_card(published_quiz.live_version_id)  # drawn by a worker at publish
    assert post(browser()).status_code == 201  # the published cache, the webhooks' answer
    visitor = browser()

    with CaptureQueriesContext(connection) as queries:
        response = post(visitor)

    assert response.status_code == 201
    shared = not isinstance(caches["default"], LocMemCache)
    expected = STATEMENTS if shared else [*STATEMENTS[:-1], WEBHOOKS_READ, "COMMIT"]
    assert [statement(q["sql"]) for q in queries.captured_queries] == expected


def test_a_response_post_reads_the_published_quiz_once(published_quiz, browser):
    visitor = browser()
    visitor.get(f"/api/quizzes/{SLUG}/")
    reads = mock.Mock(wraps=cache.get)

    with mock.patch.object(cache, "get", reads):
        assert post(visitor).status_code == 201

    published = [c for c in reads.call_args_list if str(c.args[0]).startswith(CACHE_PREFIX)]
    # Not again for the call to action (the result carries it); with Redis, not at all: the
    # quiz API's read left a copy in this process (quizzes.selectors.LOCAL_SECONDS).
    assert len(published) == (0 if getattr(cache, "local_copies", None) is not None else 1)


def test_the_card_is_sent_once_the_response_commits(
    published_quiz, browser, django_capture_on_commit_callbacks
):
    with mock.patch.object(render_result_card, "apply_async") as send:
        with django_capture_on_commit_callbacks() as callbacks:
            response = post(browser())
        assert send.call_count == 0  # not before the commit: the worker would find no row
        for callback in callbacks:
            callback()
    send.assert_called_once()
    assert send.call_args.kwargs["args"] == (response.json()["id"],)
    assert response.json()["image"]["status"] == "pending"


def test_a_response_post_reads_the_drawn_quiz_card_once_per_process(published_quiz, browser):
    render_fallback_card(published_quiz.live_version_id)
    first = post(browser()).json()
    reads = mock.Mock(wraps=cache.get)

    with mock.patch.object(cache, "get", reads):
        body = post(browser()).json()

    cards = [c for c in reads.call_args_list if str(c.args[0]).startswith("version-card:")]
    # The pending result shows the quiz card; with Redis this process kept its name (a drawn
    # version card never changes), so no round trip for it.
    assert len(cards) == (0 if getattr(cache, "local_copies", None) is not None else 1)
    assert body["image"] == first["image"]
    assert body["image"]["status"] == "pending"
    assert "/static/" not in body["image"]["url"]  # the quiz's own card, not the site's


def test_the_default_link_is_written_and_the_address_bar_link_handed_over(published_quiz, browser):
    owner = browser()
    url = share(owner, complete(owner)["id"], "whatsapp")
    friend = browser()
    minted = own_code(friend.get(path_of(url)).content.decode())
    assert minted is not None

    theirs = complete(friend, ref=code_of(url))

    result = Result.objects.get(pk=theirs["id"])
    link = Share.objects.get(result=result, kind=ShareKind.DEFAULT)
    assert (link.channel, link.owner, link.quiz_id, link.parent_id) == (
        Channel.LINK, result.visitor, published_quiz.pk, None,
    )  # fmt: skip
    assert abs(link.created_at - result.created_at) < dt.timedelta(seconds=5)
    assert theirs["share_url"].endswith(f"/s/{link.code}/")
    # The link in their address bar now speaks for their own result.
    assert Share.objects.get(code=minted).result_id == result.pk


def test_the_answer_events_a_take_counted_on_the_way_are_kept_as_they_were(published_quiz, browser):
    visitor = browser()
    take = "t" * 20
    answered = visitor.post(
        f"/api/quizzes/{SLUG}/answers/",
        json.dumps({"take": take, "question": "alarm"}),
        content_type="application/json",
    )
    assert answered.status_code == 202
    first = AnswerEvent.objects.get(take=take)

    assert post(visitor, take=take).status_code == 201
    assert post(visitor, take=take).status_code == 201  # a double submit: the same result

    rows = AnswerEvent.objects.filter(take=take).order_by("position")
    assert [(e.question_key, e.position) for e in rows] == [(k, p) for p, k in enumerate(ANSWERS)]
    assert rows[0].created_at == first.created_at
    assert Result.objects.filter(take=take).count() == 1
