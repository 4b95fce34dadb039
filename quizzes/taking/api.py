"""The JSON API v1 for taking a quiz (../shared/spec/api.md): quizzes' Router of the API
(core.api_v1), added in QuizzesConfig.ready().

Built on core.api (Origin check, JSON errors, body parser). The visitor cookie is read and set
by core's VisitorMiddleware. The rooms above add their part of a result body through the
`result_body_extras` signal (sharing: the share link and the card).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from ninja import Router
from ninja.decorators import decorate_view

from core.api import error, json_body
from core.api_v1 import answers, body_doc
from core.bots import is_preview_bot
from core.cookies import ref_cookie_get
from core.visitors import VisitorRequest, ip_hash
from quizzes.models import Result
from quizzes.selectors import Published, published_get, quizzes_published
from quizzes.signals import result_body_extras
from quizzes.taking.contexts import result_find
from quizzes.taking.funnel import answer_record, shown_record, view_record
from quizzes.taking.payloads import quiz_public, result_body
from quizzes.taking.ratelimit import RateLimited
from quizzes.taking.services import (
    AnswersInvalid,
    response_submit,
    take_clean,
)

from .schemas import Accepted, AnswerIn, QuizListOut, QuizOut, ResponseIn, ResultOut

NOT_FOUND = {"errors": {"quiz": ["No published quiz has this address."]}}
NO_STORE = decorate_view(cache_control(private=True, no_store=True))

router = Router(tags=["quizzes"])


def rate_limited(exc: RateLimited) -> JsonResponse:
    """The JSON 429 with Retry-After: the seconds until the exceeded window ends."""
    response = error(429, "rate_limit", str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


def quiz_result_body(
    request: HttpRequest, result: Result, slug: str, *, created: bool
) -> dict[str, Any]:
    """api.md's result body: quizzes' part, then what the rooms above add (in their order)."""
    body = result_body(result, slug=slug, absolute=request.build_absolute_uri)
    for _receiver, extra in result_body_extras.send(
        sender=Result, request=request, result=result, slug=slug, created=created
    ):
        if isinstance(extra, dict):
            body.update(extra)
    return body


def _is_browser(request: HttpRequest) -> bool:
    return not is_preview_bot(request.headers.get("User-Agent"))


@router.get(
    "/quizzes/",
    response=answers({200: QuizListOut}, 405),
    url_name="quiz-list",
    summary="The published quizzes",
)
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


@router.get(
    "/quizzes/{slug:slug}/",
    response=answers({200: QuizOut}, 404, 405),
    url_name="quiz-detail",
    summary="A published quiz as a visitor sees it",
)
def quiz_detail(request: VisitorRequest, slug: str) -> JsonResponse:
    published = published_get(slug=slug)
    if published is None:
        return JsonResponse(NOT_FOUND, status=404)
    if _is_browser(request):
        view_record(
            quiz_id=published.quiz_id,
            visitor=request.visitor,
            ip_hash=partial(ip_hash, request),
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


@router.post(
    "/quizzes/{slug:slug}/responses/",
    response=answers({201: ResultOut}, 400, 403, 404, 405, 413, 415, 429),
    url_name="response-create",
    summary="Submit a take's answers",
    openapi_extra=body_doc(ResponseIn),
)
@NO_STORE
def response_create(request: VisitorRequest, slug: str) -> JsonResponse:
    """POST a take's answers: 201 with the result body, or the error."""
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
        quiz_result_body(request, result, published.slug, created=True),
        status=201,
        json_dumps_params={"ensure_ascii": False},
    )


@router.get(
    "/results/{str:result_id}/",
    response=answers({200: ResultOut}, 404, 405, 410),
    url_name="result-detail",
    summary="A result again (poll it until the image is ready)",
)
@NO_STORE
def result_detail(request: HttpRequest, result_id: str) -> JsonResponse:
    """GET a result: its body, 404 unknown, 410 deleted by its owner."""
    result = result_find(result_id)
    if result is None:
        return error(404, "result", "There is no result at this address.")
    if result.deleted_at is not None:
        return error(410, "result", "This result was deleted by its owner.")
    return JsonResponse(
        quiz_result_body(request, result, result.quiz.slug, created=False),
        json_dumps_params={"ensure_ascii": False},
    )


@router.post(
    "/quizzes/{slug:slug}/answers/",
    response=answers({202: Accepted}, 400, 403, 404, 405, 413, 415, 429),
    url_name="answer-create",
    summary="Count an answered (or shown) question for the funnel",
    openapi_extra=body_doc(AnswerIn),
)
@NO_STORE
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
