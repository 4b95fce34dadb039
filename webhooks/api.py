"""The editors' webhook API (spec/integrations.md, "Webhooks"; api.md's conventions: Bearer
token, JSON errors, 401 without a valid token, 403 for a quiz the token's user may not
edit). The secret is in the answer to the POST only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control

from accounts.tokens import token_authenticate
from core.api import api_view, error, json_body
from quizzes.authoring.permissions import user_can_edit
from quizzes.models import Quiz

from .models import Webhook
from .services import WebhookRefused, webhook_create, webhook_delete

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _unauthorized() -> JsonResponse:
    response = error(401, "token", "Send a valid token: Authorization: Bearer <token>.")
    response["WWW-Authenticate"] = 'Bearer realm="quizbuilder"'
    return response


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


@cache_control(private=True, no_store=True)
@api_view("GET", "POST")
def quiz_webhooks(request: HttpRequest, slug: str) -> JsonResponse:
    user = token_authenticate(request.headers.get("Authorization"))
    if user is None:
        return _unauthorized()
    quiz = _quiz(user, slug)
    if quiz is None:
        return _forbidden()
    if request.method == "GET":
        rows = Webhook.objects.filter(quiz=quiz).order_by("created_at", "id")
        return JsonResponse({"webhooks": [webhook_listed(w) for w in rows]})
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


@cache_control(private=True, no_store=True)
@api_view("DELETE")
def webhook_detail(request: HttpRequest, webhook_id: int) -> JsonResponse:
    user = token_authenticate(request.headers.get("Authorization"))
    if user is None:
        return _unauthorized()
    webhook = Webhook.objects.filter(pk=webhook_id).select_related("quiz").first()
    if webhook is None:
        return error(404, "webhook", "There is no webhook at this address.")
    if not user_can_edit(user, webhook.quiz):
        return error(403, "webhook", "This token's user may not edit this webhook's quiz.")
    webhook_delete(webhook=webhook)
    response = JsonResponse({}, status=204)
    response.content = b""  # a 204 has no body
    return response
