"""The lead API (spec/integrations.md, "Leads"): integrations' Router of the JSON API
(core.api_v1), added in IntegrationsConfig.ready(). api.md's conventions (core.api)."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from ninja import Router
from ninja.decorators import decorate_view

from core.api import error, json_body
from core.api_v1 import answers, body_doc
from core.visitors import VisitorRequest
from quizzes.models import Result
from quizzes.taking.contexts import result_find

from .schemas import LeadIn, LeadOut
from .services import LeadInvalid, LeadNotAsked, lead_save
from .views import lead_confirm_url

router = Router(tags=["integrations"])


def _owned_result(request: VisitorRequest, result_id: str) -> Result | JsonResponse:
    result = result_find(result_id)
    if result is None:
        return error(404, "result", "There is no result at this address.")
    if result.deleted_at is not None:
        return error(410, "result", "This result was deleted by its owner.")
    if result.visitor != request.visitor:
        return error(403, "result", _("Only the visitor who got this result can send this."))
    return result


@router.post(
    "/results/{str:result_id}/lead/",
    response=answers({201: LeadOut}, 400, 403, 404, 405, 410, 413, 415),
    url_name="lead",
    summary="The visitor's contact details for their result",
    openapi_extra=body_doc(LeadIn, "Only the visitor who owns the result (cookie) may post it."),
)
@decorate_view(cache_control(private=True, no_store=True))
def lead_create(request: VisitorRequest, result_id: str) -> JsonResponse:
    """POST /api/results/<id>/lead/: the visitor's contact details for their result."""
    found = _owned_result(request, result_id)
    if isinstance(found, JsonResponse):
        return found
    data, problem = json_body(request)
    if problem is not None or data is None:
        return problem or error(400, "body", "The body must be a JSON object.")
    try:
        lead_save(result=found, data=data, confirm_url=lead_confirm_url(request))
    except LeadNotAsked:
        return error(400, "lead", _("This quiz does not ask for contact details."))
    except LeadInvalid as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    return JsonResponse({"status": "saved"}, status=201)
