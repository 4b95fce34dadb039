"""The `data` of each event (spec/integrations.md, "Webhooks"), built when it happens and
stored with the event, so every try sends the same body. URLs are absolute on SITE_URL:
there is no request to build them from in a worker, and a receiver needs the public ones."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from quizzes.models import Result
from quizzes.taking.payloads import result_body
from sharing.models import Referral, Share
from sharing.results import result_image, share_default_of
from sharing.signals import result_extras

# The lead's fields a webhook tells (spec "Leads": email, name, phone).
LEAD_FIELDS = ("email", "name", "phone")


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


def share_url(share: Share | None) -> str | None:
    return absolute(share.get_absolute_url()) if share is not None else None


class _SiteRequest:
    """What a body's extension needs of a request outside one: absolute URLs on SITE_URL."""

    def build_absolute_uri(self, location: str) -> str:
        return absolute(location)


def result_created_data(result: Result) -> dict[str, Any]:
    """`data` of result.created: the api.md result body and the share that brought it."""
    # sharing's receiver of result_submitted ran first (its app comes first) and left the
    # new default link on the result.
    share = getattr(result, "default_share", None) or share_default_of(result)
    body = {
        **result_body(result, slug=result.quiz.slug, absolute=absolute),
        "share_url": share_url(share),
        "image": result_image(result, absolute=absolute),
    }
    # The body's extension by the rooms below (integrations: "cta"), as the API gives it; the
    # business is told the whole result, so nothing a locked result hides is withheld here.
    for _receiver, extra in result_extras.send(
        sender=Result, request=_SiteRequest(), result=result, slug=result.quiz.slug
    ):
        if isinstance(extra, dict) and "cta" in extra:
            body["cta"] = extra["cta"]
    referral = Referral.objects.filter(result=result).select_related("share").first()
    referred_by = None
    if referral is not None and referral.share is not None:
        referred_by = {"channel": referral.share.channel, "share_url": share_url(referral.share)}
    return {"result": body, "referred_by": referred_by}


def share_created_data(share: Share) -> dict[str, Any]:
    return {"result_id": share.result_id, "channel": share.channel, "share_url": share_url(share)}


def lead_created_data(lead: Any) -> dict[str, Any]:
    """`data` of lead.created: the result and the lead's fields (empty when not asked)."""
    return {
        "result_id": lead.result_id,
        **{name: str(getattr(lead, name, "") or "") for name in LEAD_FIELDS},
    }


def cta_clicked_data(result: Result, url: str) -> dict[str, Any]:
    return {"result_id": result.pk, "url": url}
