"""The sharing and editors' JSON API (../shared/spec/api.md): share links and stats, sharing's
Router of the API (core.api_v1), added in SharingConfig.ready().

Same conventions as quizzes/taking/api.py (core.api: JSON errors, never HTML, Origin check on
POST), whose body parser these operations reuse.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from ninja import Query, Router
from ninja.decorators import decorate_view

from accounts.api_auth import bearer_token
from core.api import error, json_body
from core.api_v1 import answers, body_doc
from core.visitors import VisitorRequest
from quizzes.authoring.permissions import user_can_see_stats
from quizzes.models import Quiz
from quizzes.taking.contexts import result_find

from .schemas import ShareIn, ShareOut, StatsOut
from .services import BUTTON_CHANNELS, NotResultOwner, ShareRefused, share_create
from .stats.ranges import StatsRangeError, quiz_stats, stats_dates_parse

CHANNELS = ", ".join(["link", *sorted(BUTTON_CHANNELS)])
NO_STORE = decorate_view(cache_control(private=True, no_store=True))

router = Router(tags=["sharing"])


@router.post(
    "/results/{str:result_id}/shares/",
    response=answers({201: ShareOut}, 400, 403, 404, 405, 410, 413, 415),
    url_name="shares",
    summary="A share link of its own for a result and channel",
    openapi_extra=body_doc(ShareIn),
)
@NO_STORE
def shares(request: VisitorRequest, result_id: str) -> JsonResponse:
    result = result_find(result_id)
    if result is None:
        return error(404, "result", "There is no result at this address.")
    if result.deleted_at is not None:  # as GET /api/results/<id>/ says
        return error(410, "result", "This result was deleted by its owner.")
    data, problem = json_body(request)
    if problem is not None or data is None:
        return problem or error(400, "body", "The body must be a JSON object.")
    try:
        share = share_create(
            result=result,
            channel=data.get("channel"),
            visitor=request.visitor,
        )
    except NotResultOwner:
        # Shares are counted per result: only the visitor who got it may make them (the
        # visitor cookie set with the result), so nobody can inflate another's shares.
        return error(403, "result", _("Only the visitor who got this result can share it."))
    except ShareRefused:
        return error(400, "channel", f"Use one of: {CHANNELS}.")
    share_url = request.build_absolute_uri(share.get_absolute_url())
    return JsonResponse({"channel": share.channel, "share_url": share_url}, status=201)


@router.get(
    "/quizzes/{slug:slug}/stats/",
    auth=bearer_token,
    response=answers({200: StatsOut}, 400, 401, 403, 405),
    url_name="stats",
    summary="A quiz's share statistics (editors, Bearer token)",
)
@NO_STORE
def stats(
    request: HttpRequest,
    slug: str,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD (UTC), inclusive"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD (UTC), inclusive"),
) -> JsonResponse:
    user = request.auth  # type: ignore[attr-defined]
    quiz = Quiz.objects.filter(slug=slug).select_related("live_version").first()
    if quiz is None or not user_can_see_stats(user, quiz):
        # One answer for both (the 403 of api.md): a 404 beside it would tell a token holder
        # which slugs are private drafts of others.
        return error(403, "quiz", "This token's user may not see a quiz at this address.")
    try:
        first, last = stats_dates_parse(date_from, date_to)
        body = quiz_stats(quiz, first, last)
    except StatsRangeError as exc:
        field, _, message = str(exc).partition(": ")
        return error(400, field if message else "dates", message or str(exc))
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
