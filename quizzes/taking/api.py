"""The JSON API v1 for taking a quiz (../shared/spec/api.md).

Built on core.api (Origin check, JSON errors, body parser). The visitor cookie is read and set
by core's VisitorMiddleware.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control

from core.api import api_view, error, json_body
from core.bots import is_preview_bot
from core.cookies import ref_cookie_get
from core.visitors import VisitorRequest, ip_hash
from quizzes.models import Result
from quizzes.selectors import Published, published_get, quizzes_published
from quizzes.taking.contexts import result_find
from quizzes.taking.funnel import answer_record, shown_record, view_record
from quizzes.taking.payloads import quiz_public, result_body
from quizzes.taking.ratelimit import RateLimited
from quizzes.taking.services import (
    AnswersInvalid,
    response_submit,
    take_clean,
)

NOT_FOUND = {"errors": {"quiz": ["No published quiz has this address."]}}


def rate_limited(exc: RateLimited) -> JsonResponse:
    """The JSON 429 with Retry-After: the seconds until the exceeded window ends."""
    response = error(429, "rate_limit", str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


# The result body for a response: quizzes' own, or a room's above that adds to it.
ResultBody = Callable[[HttpRequest, Result, str], dict[str, Any]]


def quiz_result_body(request: HttpRequest, result: Result, slug: str) -> dict[str, Any]:
    return result_body(result, slug=slug, absolute=request.build_absolute_uri)


def _is_browser(request: HttpRequest) -> bool:
    return not is_preview_bot(request.headers.get("User-Agent"))


@api_view("GET")
def quiz_list(request: HttpRequest) -> JsonResponse:
    quizzes = quizzes_published()
    return JsonResponse(
        {
            "quizzes": [
                {
                    "slug": q.slug,
                    "title": q.live_version.title,  # type: ignore[union-attr]
                    "kind": q.live_version.kind,  # type: ignore[union-attr]
                    "url": request.build_absolute_uri(q.get_absolute_url()),
                }
                for q in quizzes
            ]
        }
    )


@api_view("GET")
def quiz_detail(request: VisitorRequest, slug: str) -> JsonResponse:
    published = published_get(slug=slug)
    if published is None:
        return JsonResponse(NOT_FOUND, status=404)
    if _is_browser(request):
        view_record(
            quiz_id=published.quiz_id,
            visitor=request.visitor,
            ip_hash=ip_hash(request),
        )
    return JsonResponse(
        quiz_public(published.definition, absolute=request.build_absolute_uri),
        json_dumps_params={"ensure_ascii": False},
    )


def _published_and_body(
    request: HttpRequest, slug: str
) -> tuple[Published, dict[str, Any]] | JsonResponse:
    """The published quiz and the JSON object posted to it, or the error response."""
    published = published_get(slug=slug)
    if published is None:
        return JsonResponse(NOT_FOUND, status=404)
    data, problem = json_body(request)
    if problem is not None or data is None:
        return problem or error(400, "body", "The body must be a JSON object.")
    return published, data


def response_create_answer(request: VisitorRequest, slug: str, *, body: ResultBody) -> JsonResponse:
    """POST a take's answers: 201 with the result body that `body` makes, or the error."""
    found = _published_and_body(request, slug)
    if isinstance(found, JsonResponse):
        return found
    published, data = found
    if "answers" not in data:
        return error(400, "answers", "Send the answers as an object of question keys and answers.")
    ref = data.get("ref") or ref_cookie_get(request, quiz_id=published.quiz_id)
    try:
        result = response_submit(
            published=published,
            answers=data["answers"],
            visitor=request.visitor,
            ip_hash=ip_hash(request),
            ref=ref,
            take=data.get("take"),
        )
    except AnswersInvalid as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    except RateLimited as exc:
        return rate_limited(exc)
    return JsonResponse(
        body(request, result, published.slug), status=201, json_dumps_params={"ensure_ascii": False}
    )


@cache_control(private=True, no_store=True)
@api_view("POST")
def response_create(request: VisitorRequest, slug: str) -> JsonResponse:
    return response_create_answer(request, slug, body=quiz_result_body)


def result_detail_answer(request: HttpRequest, result_id: str, *, body: ResultBody) -> JsonResponse:
    """GET a result: the body `body` makes, 404 unknown, 410 deleted by its owner."""
    result = result_find(result_id)
    if result is None:
        return error(404, "result", "There is no result at this address.")
    if result.deleted_at is not None:
        return error(410, "result", "This result was deleted by its owner.")
    return JsonResponse(
        body(request, result, result.quiz.slug), json_dumps_params={"ensure_ascii": False}
    )


@cache_control(private=True, no_store=True)
@api_view("GET")
def result_detail(request: HttpRequest, result_id: str) -> JsonResponse:
    return result_detail_answer(request, result_id, body=quiz_result_body)


@cache_control(private=True, no_store=True)
@api_view("POST")
def answer_create(request: VisitorRequest, slug: str) -> JsonResponse:
    """Count an answered question of a take for the funnel (take.js calls it once a question),
    or with `"shown": true` that a question with a display condition was shown."""
    found = _published_and_body(request, slug)
    if isinstance(found, JsonResponse):
        return found
    published, data = found
    take = take_clean(data.get("take"))
    keys = [q["key"] for q in published.definition["questions"]]
    if take is None:
        return error(400, "take", "Send the take id this page made.")
    if data.get("question") not in keys:
        return error(400, "question", "Unknown question.")
    if data.get("shown") is True:
        # A question with a display condition came on screen (README: the drop-off of such
        # a question is counted among the takes shown it); not an answer, never a start.
        shown_record(quiz_id=published.quiz_id, take=take, question_key=data["question"])
        return JsonResponse({}, status=202)
    try:
        answer_record(
            quiz_id=published.quiz_id,
            take=take,
            question_key=data["question"],
            position=keys.index(data["question"]),
            visitor=request.visitor,
            ip_hash=ip_hash(request),
        )
    except RateLimited as exc:
        # Past the start limits a new take is not counted; the 429 says so, and when to retry.
        return rate_limited(exc)
    return JsonResponse({}, status=202)
