"""Calls to action's tracked redirect, the lead form, and the studio's integrations page with
the leads export (spec/integrations.md). The lead API is api.py."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.visitors import VisitorRequest
from quizzes.authoring.permissions import quizzes_visible_to, user_can_edit
from quizzes.models import Quiz
from quizzes.taking.contexts import result_find

from .leadform import LEAD_COOKIE, LEAD_COOKIE_SECONDS
from .models import Lead
from .services import (
    LeadInvalid,
    LeadNotAsked,
    SettingsInvalid,
    cta_follow,
    embed_settings_of,
    embed_settings_update,
    lead_confirm,
    lead_save,
    leads_delete_person,
)

LEADS_SHOWN = 50


@never_cache
def cta_go(request: HttpRequest, result_id: str) -> HttpResponse:
    """The tracked link of a result's call to action: counted, then a 302 to the URL the quiz
    configures for that outcome, with the UTM tags. Nothing else is ever redirected to."""
    result = result_find(result_id)
    if result is None or result.deleted_at is not None:
        raise Http404(_("There is no result at this address."))
    target = cta_follow(result=result)
    if target is None:
        raise Http404(_("This result has no call to action."))
    return redirect(target.location)


def lead_confirm_url(request: HttpRequest) -> str:
    """The absolute confirmation link of a lead, with `{token}` where its token goes."""
    url = request.build_absolute_uri(reverse("integrations:lead-confirm", args=["TOKEN"]))
    return url.replace("TOKEN", "{token}")


@require_POST
def lead_form_post(request: VisitorRequest, result_id: str) -> HttpResponse:
    """The result page's lead form without JavaScript: saved, then back to the result."""
    result = result_find(result_id)
    if result is None or result.deleted_at is not None or result.visitor != request.visitor:
        raise Http404
    data: dict[str, object] = {
        k: request.POST[k] for k in ("email", "name", "phone") if k in request.POST
    }
    data["consent"] = request.POST.get("consent") == "yes"
    page = result.get_absolute_url()
    try:
        lead_save(result=result, data=data, confirm_url=lead_confirm_url(request))
    except LeadNotAsked:
        return redirect(page)
    except LeadInvalid as exc:
        # Back to the form with what they typed and each error beside its field (the page
        # is drawn by the result's room; a short-lived cookie carries them across the
        # redirect, for this result's page only).
        response = redirect(page + "#lead")
        response.set_signed_cookie(
            LEAD_COOKIE,
            json.dumps({"values": data, "errors": exc.errors}),
            salt=LEAD_COOKIE,
            max_age=LEAD_COOKIE_SECONDS,
            path=page,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
        return response
    # Saved: the form gives way to its "Thank you" card.
    return redirect(page)


def lead_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    confirmed = lead_confirm(token=token[:64])
    return render(
        request,
        "integrations/lead_confirmed.html",
        {"confirmed": confirmed},
        status=200 if confirmed else 404,
    )


# --- the studio's integrations page ------------------------------------------------------


def _editable(request: HttpRequest, slug: str) -> Quiz:
    quiz = get_object_or_404(quizzes_visible_to(request.user), slug=slug)
    if not user_can_edit(request.user, quiz):
        raise Http404
    return quiz


def _snippet(request: HttpRequest, quiz: Quiz) -> str:
    src = request.build_absolute_uri(reverse("integrations:embed-js"))
    return f'<script src="{src}" data-quiz="{quiz.slug}" async></script>'


@login_required
@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def integrations_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Embed settings (home page, allowed origins), the snippet and oEmbed paste, leads."""
    quiz = _editable(request, slug)
    row = embed_settings_of(quiz.pk)
    form = {
        "embed_url": row.embed_url if row else "",
        "allowed_origins": row.allowed_origins if row else "",
    }
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            embed_settings_update(quiz=quiz, **form)
        except SettingsInvalid as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Saved."))
            return redirect("integrations:studio", slug=quiz.slug)
    context = {
        "quiz": quiz,
        "form": form,
        "errors": errors,
        "snippet": _snippet(request, quiz),
        "quiz_url": request.build_absolute_uri(reverse("quizzes:intro", args=[quiz.slug])),
        "lead_count": Lead.objects.filter(quiz=quiz).count(),
        "leads": Lead.objects.filter(quiz=quiz)
        .select_related("result")
        .order_by("-created_at")[:LEADS_SHOWN],
    }
    return render(request, "integrations/studio.html", context, status=400 if errors else 200)


@login_required
@cache_control(private=True, no_store=True)
def leads_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The quiz's leads as CSV, with the consent text each one agreed to."""
    quiz = _editable(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{quiz.slug}-leads.csv"'
    writer = csv.writer(response)
    writer.writerow(["created", "email", "name", "phone", "outcome", "confirmed", "consent"])
    rows = Lead.objects.filter(quiz=quiz).select_related("result").order_by("created_at")
    for lead in rows:
        writer.writerow(
            [
                lead.created_at.isoformat(),
                lead.email,
                lead.name,
                lead.phone,
                lead.result.outcome_key,
                lead.confirmed_at.isoformat() if lead.confirmed_at else "",
                lead.consent_text,
            ]
        )
    return response


@login_required
@require_POST
def leads_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Erase a person's leads for this quiz (by email address)."""
    quiz = _editable(request, slug)
    email = request.POST.get("email", "")
    count = leads_delete_person(quiz=quiz, email=email) if email.strip() else 0
    messages.success(request, _("Leads deleted: %(count)d.") % {"count": count})
    return redirect("integrations:studio", slug=quiz.slug)
