"""The studio's webhook page of a quiz: add one (the secret shown once), list them, turn
them off or on, delete them, send a test event, and read the delivery log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from quizzes.authoring.permissions import quizzes_visible_to, user_can_edit
from quizzes.models import Quiz

from .models import SUBSCRIBABLE, Delivery, Webhook
from .services import (
    WebhookRefused,
    event_test_send,
    webhook_activate,
    webhook_create,
    webhook_delete,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LOG_ROWS = 50


def _quiz(request: HttpRequest, slug: str) -> Quiz:
    # Not "forbidden" for a quiz the user cannot see: that would tell a private draft from a
    # slug nobody took (as the stats page does).
    quiz = get_object_or_404(quizzes_visible_to(request.user), slug=slug)
    if not user_can_edit(request.user, quiz):
        raise Http404
    return quiz


def _page(request: HttpRequest, quiz: Quiz, status: int = 200, **extra: Any) -> HttpResponse:
    webhooks = list(Webhook.objects.filter(quiz=quiz).order_by("created_at", "id"))
    log = (
        Delivery.objects.filter(webhook__quiz=quiz)
        .select_related("webhook", "event")
        .order_by("-at", "-id")[:LOG_ROWS]
    )
    context = {
        "quiz": quiz,
        "webhooks": webhooks,
        "log": log,
        "event_choices": [(t.value, t.label) for t in SUBSCRIBABLE],
        "form": {"url": "", "events": [t.value for t in SUBSCRIBABLE]},
        **extra,
    }
    return render(request, "webhooks/webhooks.html", context, status=status)


@cache_control(private=True, no_store=True)
@login_required
def webhooks_page(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _quiz(request, slug)
    if request.method != "POST":
        return _page(request, quiz)
    form = {"url": request.POST.get("url", ""), "events": request.POST.getlist("events")}
    try:
        user = cast("User", request.user)  # login_required
        webhook = webhook_create(quiz=quiz, url=form["url"], events=form["events"], user=user)
    except WebhookRefused as exc:
        return _page(request, quiz, status=400, form=form, errors={exc.field: exc.message})
    # The secret is shown in this answer only (no redirect: a reload must not show it).
    return _page(request, quiz, created=webhook)


@require_POST
@login_required
def webhook_action(request: HttpRequest, slug: str, webhook_id: int, action: str) -> HttpResponse:
    quiz = _quiz(request, slug)
    webhook = get_object_or_404(Webhook, pk=webhook_id, quiz=quiz)
    if action == "test":
        event_test_send(webhook=webhook)
        messages.success(request, _("A test event is on its way: see the delivery log."))
    elif action in ("disable", "enable"):
        webhook_activate(webhook=webhook, active=action == "enable")
    elif action == "delete":
        webhook_delete(webhook=webhook)
        messages.success(request, _("The webhook was deleted."))
    else:
        raise Http404
    return redirect("webhooks:editor", slug=quiz.slug)
