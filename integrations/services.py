"""What integrations does (spec/integrations.md): calls to action and their tracked redirect,
leads (GDPR-minded), and a quiz's embed settings.

The quiz file holds `cta` (quiz-wide and per outcome) and `lead`; the studio's integrations
page holds the embed settings (EmbedSettings).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any, TypedDict, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quizzes.engine.templating import TemplateError, template_render
from quizzes.models import Quiz, QuizVersion, Result
from quizzes.selectors import published_get, retention_days_bound
from sharing.models import Referral

from .models import CtaClick, EmbedSettings, Lead
from .rollups import cta_counted
from .signals import cta_clicked, lead_created

LEAD_FIELDS = ("email", "name", "phone")
POSITIONS = ("before_result", "after_result")
PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{5,30}$")
LOCAL_HOSTS = ("localhost", "127.0.0.1")
ORIGIN_RE = re.compile(r"^https?://[a-z0-9.-]+(:[0-9]{1,5})?$")


class Cta(TypedDict):
    label: str
    url: str


class LeadForm(TypedDict, total=False):
    fields: list[str]
    position: str
    required: bool
    consent: str
    double_opt_in: bool


# --- calls to action ---------------------------------------------------------------------


def result_definition(result: Result, *, slug: str | None = None) -> dict[str, Any]:
    """The definition of the version a result was taken on: the published cache's when that
    is the one (a new result holds only its version's id), else its row's."""
    if result.version.definition:
        return dict(result.version.definition)
    published = published_get(slug=slug or result.quiz.slug)
    if published is not None and published.version_id == result.version_id:
        return dict(published.definition)
    return dict(
        QuizVersion.objects.filter(pk=result.version_id)
        .values_list("definition", flat=True)
        .first()
        or {}
    )


def cta_config(result: Result, *, slug: str | None = None) -> Cta | None:
    """The configured call to action of a result's outcome (the outcome's own, else the
    quiz's), its label's placeholders filled; None when neither has one."""
    definition = result_definition(result, slug=slug)
    chosen = definition.get("cta")
    for outcome in definition.get("outcomes") or []:
        if outcome.get("key") == result.outcome_key and outcome.get("cta"):
            chosen = outcome["cta"]
    if not isinstance(chosen, dict) or not chosen.get("url"):
        return None
    context: dict[str, object] = {
        **(result.values or {}),
        "score": result.score,
        "max_score": result.max_score,
        "outcome": result.title,
    }
    for key, answer in (result.answers or {}).items():
        context.setdefault(key, answer if isinstance(answer, str) else "")
    try:
        label = template_render(str(chosen.get("label") or ""), context=context)
    except TemplateError:
        label = str(chosen.get("label") or "")
    return {"label": label, "url": str(chosen["url"])}


def _referral_channel(result: Result) -> str | None:
    row = Referral.objects.filter(result=result).select_related("share").first()
    if row is None or row.share is None:
        return None
    return str(row.share.channel)


def url_with_params(url: str, params: dict[str, str]) -> str:
    """`url` with `params` added (replacing those of the same names; the others kept)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))


@dataclass(frozen=True)
class CtaTarget:
    url: str  # the configured URL
    location: str  # where the redirect goes: the URL with the UTM tags


def _click_record(*, result: Result, channel: str, url: str) -> None:
    referred = Referral.objects.filter(result=result).exists()
    try:
        with transaction.atomic():
            CtaClick.objects.create(
                result=result,
                quiz_id=result.quiz_id,
                outcome_key=result.outcome_key,
                channel=channel,
                referred=referred,
                url=url,
            )
    except IntegrityError:
        pass  # clicked before: counted once per result


def cta_follow(*, result: Result) -> CtaTarget | None:
    """Where a result's tracked link goes (None: the result has no call to action), and the
    click recorded: once per result, `referred` when a share brought the result, while the
    result is younger than the stats' raw retention (integrations.rollups: its first click
    may be purged after that, and a second must not count).

    The target is always the URL configured for the result's outcome: the link names a
    result, never a URL, so it cannot be made to redirect anywhere else.
    """
    cta = cta_config(result)
    if cta is None:
        return None
    channel = _referral_channel(result)
    location = url_with_params(
        cta["url"],
        {
            "utm_source": "quizbuilder",
            "utm_medium": channel or "direct",
            "utm_campaign": result.quiz.slug,
            "utm_content": result.outcome_key,
        },
    )
    if cta_counted(result=result):
        _click_record(result=result, channel=channel or "direct", url=cta["url"])
    cta_clicked.send_robust(sender=Result, result=result, url=cta["url"])
    return CtaTarget(url=cta["url"], location=location)


# --- leads -------------------------------------------------------------------------------


def lead_form(result: Result, *, slug: str | None = None) -> LeadForm | None:
    """The quiz's lead form as its file sets it, None when it asks for nothing."""
    form = result_definition(result, slug=slug).get("lead")
    return cast(LeadForm, form) if isinstance(form, dict) and form.get("fields") else None


def result_locked(result: Result, *, slug: str | None = None) -> bool:
    """Whether the result is withheld until its visitor leaves their details."""
    form = lead_form(result, slug=slug)
    if form is None or not form.get("required") or form.get("position") != "before_result":
        return False
    return not Lead.objects.filter(result=result).exists()


class LeadInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid lead")
        self.errors = errors


class LeadNotAsked(Exception):
    """The quiz asks for no contact details."""


def _clean(form: LeadForm, data: dict[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    fields = [f for f in form.get("fields", []) if f in LEAD_FIELDS]
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for key in data:
        if key not in (*fields, "consent"):
            errors.setdefault(key, []).append(_("This quiz does not ask for this."))
    for field in fields:
        value = data.get(field)
        if value is None or value == "":
            # The address is what a lead is: it is always required; name and phone with it
            # only when the form is required.
            if field == "email" or form.get("required"):
                errors.setdefault(field, []).append(_("This field is required."))
            continue
        if not isinstance(value, str) or len(value) > 254:
            errors.setdefault(field, []).append(_("Enter a valid value."))
            continue
        clean[field] = value.strip()
    if "email" in clean:
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid email address."))
    if "phone" in clean and not PHONE_RE.match(clean["phone"]):
        errors.setdefault("phone", []).append(_("Enter a valid phone number."))
    if "name" in clean and len(clean["name"]) > 200:
        errors.setdefault("name", []).append(_("Enter at most 200 characters."))
    if data.get("consent") is not True:
        errors.setdefault("consent", []).append(_("Agree to the text above to send your details."))
    return clean, errors


def lead_save(*, result: Result, data: dict[str, Any], confirm_url: str = "") -> Lead:
    """Save a result's lead (a second post replaces the first) with the consent text shown.

    Raises LeadNotAsked when the quiz asks for none, LeadInvalid with api.md's errors. It is
    kept no longer than the quiz's retention. With double opt-in, a confirmation link is
    mailed (`confirm_url` with `{token}` in it); `lead_created` is sent on commit either way.
    """
    form = lead_form(result)
    if form is None:
        raise LeadNotAsked
    clean, errors = _clean(form, data)
    if errors:
        raise LeadInvalid(errors)
    version = QuizVersion.objects.only("retention_days").get(pk=result.version_id)
    days = retention_days_bound(version.retention_days)
    before = (
        Lead.objects.filter(result=result)
        .values_list("email", "confirmed_at", "confirm_token")
        .first()
    )
    fresh = True
    if before is not None and before[0].lower() == clean.get("email", "").lower():
        # The same address again: no second mail (a form is not a way to mail anyone
        # repeatedly); the link already sent, or the confirmation it gave, is kept.
        token, confirmed_at, fresh = before[2], before[1], False
    else:
        token, confirmed_at = secrets.token_urlsafe(32) if form.get("double_opt_in") else "", None
    with transaction.atomic():
        lead, _created = Lead.objects.update_or_create(
            result=result,
            defaults={
                "quiz_id": result.quiz_id,
                "email": clean.get("email", ""),
                "name": clean.get("name", ""),
                "phone": clean.get("phone", ""),
                "consent_text": str(form.get("consent") or ""),
                "expires_at": result.created_at + dt.timedelta(days=days),
                "confirm_token": token,
                "confirmed_at": confirmed_at,
            },
        )
        transaction.on_commit(lambda: lead_created.send_robust(sender=Lead, lead=lead))
    if token and confirm_url and fresh:
        send_mail(
            _("Confirm your email address"),
            _("Open this link to confirm that you want to be contacted: %(url)s")
            % {"url": confirm_url.replace("{token}", token)},
            None,
            [lead.email],
        )
    return lead


def lead_confirm(*, token: str) -> bool:
    """Mark the lead with that confirmation token as confirmed; False for an unknown token."""
    if not token:
        return False
    return bool(
        Lead.objects.filter(confirm_token=token).update(
            confirmed_at=timezone.now(), confirm_token=""
        )
    )


def leads_delete_for_result(*, result_id: str) -> None:
    Lead.objects.filter(result_id=result_id).delete()


def leads_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the leads past their quiz's retention; returns how many."""
    deleted, _ = Lead.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def leads_delete_person(*, quiz: Quiz, email: str) -> int:
    """Delete every lead of that address for the quiz (a person's erasure request)."""
    deleted, _ = Lead.objects.filter(quiz=quiz, email__iexact=email.strip()).delete()
    return deleted


# --- embed settings ----------------------------------------------------------------------


def embed_settings_of(quiz_id: int) -> EmbedSettings | None:
    return EmbedSettings.objects.filter(quiz_id=quiz_id).first()


HOME_CACHE = "integrations:home:"


def home_page_of(quiz_id: int) -> str:
    """The quiz's home page ("" without one), cached: every share page asks for it, and a
    quiz without settings must not cost that page a query. Cleared when the row changes
    (receivers.embed_settings_changed)."""
    key = f"{HOME_CACHE}{quiz_id}"
    url = cache.get(key)
    if url is None:
        row = embed_settings_of(quiz_id)
        url = row.embed_url if row else ""
        cache.set(key, url, timeout=3600)
    return str(url)


def home_page_forget(quiz_id: int) -> None:
    cache.delete(f"{HOME_CACHE}{quiz_id}")


class SettingsInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid settings")
        self.errors = errors


def _https_or_local(url: str) -> bool:
    # http only for a page on this machine (development; the browser tests' host page).
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.hostname in LOCAL_HOSTS


def embed_settings_update(*, quiz: Quiz, embed_url: str, allowed_origins: str) -> EmbedSettings:
    """Save a quiz's home page (https, or empty) and allowed origins (one a line, each
    `https://host[:port]`; http only for localhost). Raises SettingsInvalid."""
    errors: dict[str, list[str]] = {}
    embed_url = embed_url.strip()
    if embed_url and not _https_or_local(embed_url):
        errors["embed_url"] = [_("Enter an https:// address.")]
    origins = []
    for origin in allowed_origins.split():
        origin = origin.strip().rstrip("/").lower()
        if not ORIGIN_RE.match(origin) or not _https_or_local(origin):
            errors.setdefault("allowed_origins", []).append(
                _("%(origin)s is not an origin like https://example.com.") % {"origin": origin}
            )
        origins.append(origin)
    if errors:
        raise SettingsInvalid(errors)
    row, _created = EmbedSettings.objects.update_or_create(
        quiz=quiz, defaults={"embed_url": embed_url, "allowed_origins": "\n".join(origins)}
    )
    return row
