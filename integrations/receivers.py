"""Integrations' answers to what the rooms below ask and announce (quizzes/signals.py,
sharing/signals.py), connected in IntegrationsConfig.ready()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from quizzes.models import Quiz, Result
from quizzes.signals import answers_purged, page_head, quiz_links, result_deleted
from sharing.models import Share
from sharing.signals import (
    landing_redirect,
    result_extras,
    result_parts,
    stats_extras,
    stats_raw_purged,
    stats_rolled_up,
)

from .leadform import lead_typed_get
from .models import EmbedSettings, Lead
from .rollups import cta_clicks_purge, cta_rollup
from .selectors import integration_figures
from .services import (
    cta_config,
    home_page_forget,
    home_page_of,
    lead_form,
    leads_delete_for_result,
    result_locked,
    url_with_params,
)


@receiver(result_extras, dispatch_uid="integrations.result_extras")
def extras(
    sender: Any, *, request: HttpRequest, result: Result, slug: str, **kwargs: Any
) -> dict[str, Any]:
    """`cta` in every result body; `locked` where the quiz has a lead form, and while it is
    locked, the outcome, score, values and image withheld."""
    cta = cta_config(result, slug=slug)
    body: dict[str, Any] = {
        "cta": {
            "label": cta["label"],
            "url": request.build_absolute_uri(reverse("integrations:go", args=[result.pk])),
        }
        if cta
        else None
    }
    if lead_form(result, slug=slug) is not None:
        locked = result_locked(result, slug=slug)
        body["locked"] = locked
        if locked:
            body.update(outcome=None, score=None, max_score=None, values={}, image=None, cta=None)
    return body


@receiver(result_parts, dispatch_uid="integrations.result_parts")
def parts(
    sender: Any, *, request: HttpRequest, result: Result, owner: bool, **kwargs: Any
) -> SafeString | None:
    """The call to action and (to the result's owner) the lead form, on the result page."""
    form = lead_form(result) if owner else None
    # No way on to the business before the details a locked result waits for.
    cta = None if result_locked(result) else cta_config(result)
    if cta is None and form is None:
        return None
    saved = form is not None and Lead.objects.filter(result=result).exists()
    typed, errors = lead_typed_get(request) if form is not None and not saved else ({}, {})
    context = {
        "cta": cta,
        "cta_url": reverse("integrations:go", args=[result.pk]),
        "form": form,
        "saved": saved,
        "typed": typed,
        "errors": errors,
        "lead_fields": [
            {"name": f, "value": str(typed.get(f) or ""), "errors": errors.get(f, [])}
            for f in (form.get("fields", []) if form is not None else [])
        ],
        "action": reverse("integrations:lead-form", args=[result.pk]),
    }
    return render_to_string("integrations/_result_parts.html", context, request=request)


@receiver(landing_redirect, dispatch_uid="integrations.landing_redirect")
def home_page(
    sender: Any, *, request: HttpRequest, share: Share, ref: str | None, **kwargs: Any
) -> str | None:
    """A quiz with a home page sends friends there: `<embed_url>?qb=<code>`."""
    home = home_page_of(share.quiz_id)
    return url_with_params(home, {"qb": share.code}) if home else None


@receiver(post_save, sender=EmbedSettings, dispatch_uid="integrations.settings_saved")
@receiver(post_delete, sender=EmbedSettings, dispatch_uid="integrations.settings_deleted")
def embed_settings_changed(sender: Any, *, instance: EmbedSettings, **kwargs: Any) -> None:
    home_page_forget(instance.quiz_id)


@receiver(stats_extras, dispatch_uid="integrations.stats_extras")
def figures(
    sender: Any, *, quiz_id: int, first: dt.date, last: dt.date, **kwargs: Any
) -> dict[str, Any]:
    return dict(integration_figures(quiz_id=quiz_id, first=first, last=last))


@receiver(stats_rolled_up, dispatch_uid="integrations.stats_rolled_up")
def rolled_up(sender: Any, *, today: dt.date, recent_days: int, **kwargs: Any) -> int:
    # The CTA clicks are rolled up by the same hourly run as sharing's figures.
    return cta_rollup(today=today, recent_days=recent_days)


@receiver(stats_raw_purged, dispatch_uid="integrations.stats_raw_purged")
def raw_purged(sender: Any, *, now: dt.datetime, **kwargs: Any) -> int:
    # Leads are not purged here: they have their own retention (services.leads_expire).
    return cta_clicks_purge(now=now)


@receiver(page_head, dispatch_uid="integrations.page_head")
def oembed_link(sender: Any, *, request: HttpRequest, slug: str, **kwargs: Any) -> SafeString:
    """oEmbed discovery: WordPress, Ghost and the like find the iframe from the quiz's URL."""
    quiz_url = request.build_absolute_uri(reverse("quizzes:intro", args=[slug]))
    query = urlencode({"url": quiz_url, "format": "json"})
    href = request.build_absolute_uri(reverse("integrations:oembed")) + "?" + query
    return format_html('<link rel="alternate" type="application/json+oembed" href="{}">', href)


@receiver(quiz_links, dispatch_uid="integrations.quiz_links")
def studio_link(sender: Any, *, quiz: Quiz, user: Any, **kwargs: Any) -> list[tuple[str, str]]:
    """The quiz's page for editors links to its "On your site" page (embed settings, leads)."""
    return [(str(_("On your site")), reverse("integrations:studio", args=[quiz.slug]))]


@receiver(result_deleted, dispatch_uid="integrations.result_deleted")
def deleted(sender: Any, *, result: Result, **kwargs: Any) -> None:
    # The visitor deleted their result: their contact details go with it (in the same
    # transaction: kept if the deletion rolls back).
    leads_delete_for_result(result_id=result.pk)


@receiver(answers_purged, dispatch_uid="integrations.answers_purged")
def purged(sender: Any, *, result: Result, **kwargs: Any) -> None:
    # The quiz's retention ended for this result: a lead is never kept past it.
    leads_delete_for_result(result_id=result.pk)
