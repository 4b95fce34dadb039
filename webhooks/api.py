"""The editors' webhook API (spec/integrations.md, "Webhooks"; api.md's conventions: Bearer
token, JSON errors, 401 without a valid token, 403 for a quiz the token's user may not
edit). The secret is in the answer to the POST only. webhooks' Router of the JSON API
(core.api_v1), added in WebhooksConfig.ready()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from ninja import Router
from ninja.decorators import decorate_view

from accounts.api_auth import bearer_token
from core.api import error, json_body
from core.api_v1 import answers, body_doc
from quizzes.authoring.permissions import user_can_edit
from quizzes.models import Quiz

from .models import Webhook
from .schemas import WebhookCreated, WebhookIn, WebhookListOut
from .services import WebhookRefused, webhook_create, webhook_delete

if TYPE_CHECKING:
    from django.contrib.auth.models import User


NO_STORE = decorate_view(cache_control(private=True, no_store=True))

router = Router(tags=["webhooks"], auth=bearer_token)


def _forbidden() -> JsonResponse:
    # One answer for an unknown slug and another's quiz, as the stats API gives.
    return error(403, "quiz", "This token's user may not edit a quiz at this address.")


def _quiz(user: User, slug: str) -> Quiz | None:
    quiz = Quiz.objects.filter(slug=slug).first()
    return quiz if quiz is not None and user_can_edit(user, quiz) else None


def webhook_listed(webhook: Webhook) -> dict[str, object]:
    return {
        "id": webhook.pk,
        "url": webhook.url,
        "events": webhook.events,
        "active": webhook.active,
        "last_status": webhook.last_status,
    }


@router.get(
    "/quizzes/{slug:slug}/webhooks/",
    response=answers({200: WebhookListOut}, 401, 403, 405),
    url_name="quiz-webhooks",
    summary="A quiz's webhooks (editors, Bearer token)",
)
@NO_STORE
def quiz_webhooks(request: HttpRequest, slug: str) -> JsonResponse:
    quiz = _quiz(request.auth, slug)  # type: ignore[attr-defined]
    if quiz is None:
        return _forbidden()
    rows = Webhook.objects.filter(quiz=quiz).order_by("created_at", "id")
    return JsonResponse({"webhooks": [webhook_listed(w) for w in rows]})


@router.post(
    "/quizzes/{slug:slug}/webhooks/",
    response=answers({201: WebhookCreated}, 400, 401, 403, 405, 413, 415),
    url_name="quiz-webhook-create",
    summary="Add a webhook to a quiz (editors, Bearer token)",
    openapi_extra=body_doc(WebhookIn),
)
@NO_STORE
def quiz_webhook_create(request: HttpRequest, slug: str) -> JsonResponse:
    user = request.auth  # type: ignore[attr-defined]
    quiz = _quiz(user, slug)
    if quiz is None:
        return _forbidden()
    data, problem = json_body(request)
    if problem is not None or data is None:
        return problem or error(400, "body", "The body must be a JSON object.")
    try:
        webhook = webhook_create(
            quiz=quiz, url=data.get("url"), events=data.get("events"), user=user
        )
    except WebhookRefused as exc:
        return error(400, exc.field, exc.message)
    body = {
        "id": webhook.pk,
        "url": webhook.url,
        "events": webhook.events,
        "secret": webhook.secret,
    }
    return JsonResponse(body, status=201)


@router.delete(
    "/webhooks/{int:webhook_id}/",
    response=answers({204: None}, 401, 403, 404, 405),
    url_name="webhook",
    summary="Delete a webhook (editors, Bearer token)",
)
@NO_STORE
def webhook_detail(request: HttpRequest, webhook_id: int) -> JsonResponse:
    user = request.auth  # type: ignore[attr-defined]
    webhook = Webhook.objects.filter(pk=webhook_id).select_related("quiz").first()
    if webhook is None:
        return error(404, "webhook", "There is no webhook at this address.")
    if not user_can_edit(user, webhook.quiz):
        return error(403, "webhook", "This token's user may not edit this webhook's quiz.")
    webhook_delete(webhook=webhook)
    response = JsonResponse({}, status=204)
    response.content = b""  # a 204 has no body
    return response
