"""Receivers of what quizzes announces (quizzes/signals.py), connected in SharingConfig.ready().

quizzes never imports sharing: it says what happened, and sharing does its part here.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from quizbuilder.enqueue import task_enqueue, task_enqueue_on_commit
from quizzes.models import QuizVersion, Result
from quizzes.signals import (
    answers_purged,
    quiz_figures,
    quiz_link_image,
    request_refused,
    result_body_extras,
    result_deleted,
    result_submitted,
    studio_panels,
    version_published,
)

from .cards.inputs import OG
from .cards.jobs import result_cards_delete, result_cards_forget
from .cards.render import LAYOUTS
from .cards.rows import result_card_remember
from .cards.show import card_url
from .cards.version_jobs import version_card_name
from .pages import landing_forget
from .results import body_extras
from .services import referral_record, refusal_record, share_default_create
from .stats.figures import Figures, quizzes_figures
from .tasks import render_fallback_card, render_result_card


@receiver(request_refused, dispatch_uid="sharing.refusal_record")
def refused(sender: Any, *, quiz_id: int, kind: str, **kwargs: Any) -> None:
    refusal_record(quiz_id=quiz_id, kind=kind)


@receiver(result_submitted, dispatch_uid="sharing.result_submitted")
def submitted(sender: Any, *, result: Result, ref: str | None, **kwargs: Any) -> None:
    # The referral first: the default link hands the visitor's address-bar links to this
    # result, and a link of their own with no result yet stands for the one that brought them.
    referral_record(result=result, ref=ref)
    # The response that shows the new result gives this link (the API's share_url).
    result.default_share = share_default_create(result=result, fresh=True)  # type: ignore[attr-defined]
    # A new result has no card row yet (its first render makes it): its body says pending
    # without asking the database.
    result_card_remember(result=result, card=None)
    # A broker outage must not turn the saved result into a 500 (issue 9, finding 4).
    task_enqueue_on_commit(render_result_card, result.id)


@receiver(version_published, dispatch_uid="sharing.version_published")
def published(sender: Any, *, version: QuizVersion, **kwargs: Any) -> None:
    # Sent on commit of the publish: the worker finds the version published.
    task_enqueue(render_fallback_card, version.pk)


@receiver(answers_purged, dispatch_uid="sharing.answers_purged")
def purged(sender: Any, *, result: Result, **kwargs: Any) -> None:
    result_cards_forget(result=result)
    landing_forget(result=result)  # its share pages showed what is purged now
    if result.deleted_at is None:
        task_enqueue_on_commit(render_result_card, result.pk)


@receiver(result_deleted, dispatch_uid="sharing.result_deleted")
def deleted(sender: Any, *, result: Result, **kwargs: Any) -> None:
    result_cards_delete(result=result)
    landing_forget(result=result)


@receiver(quiz_figures, dispatch_uid="sharing.quiz_figures")
def figures(sender: Any, *, quiz_ids: list[int], **kwargs: Any) -> dict[int, Figures]:
    return quizzes_figures(quiz_ids=quiz_ids)


@receiver(studio_panels, dispatch_uid="sharing.studio_card_panel")
def studio_card_panel(
    sender: Any, *, request: HttpRequest, version: QuizVersion, **kwargs: Any
) -> SafeString:
    """The result image preview beside the studio's editor (sharing/cards/studio.py)."""
    slug = version.quiz.slug
    base = reverse("sharing:studio-card", args=[slug, OG]).removesuffix(f"{OG}.png")
    layouts = [(name, LAYOUTS[name]) for name in ("og", "square", "story")]
    context = {"base": base, "revision": version.revision, "layouts": layouts}
    return render_to_string("sharing/_studio_card_panel.html", context, request=request)


@receiver(quiz_link_image, dispatch_uid="sharing.quiz_link_image")
def link_image(sender: Any, *, version_id: int, **kwargs: Any) -> dict[str, Any] | None:
    """The quiz card drawn at publish (sharing.cards.version_jobs.fallback_card_render), or None
    until a worker drew it."""
    name = version_card_name(version_id=version_id)
    if not name:
        return None
    width, height = LAYOUTS[OG]
    return {"url": card_url(name), "width": width, "height": height}


@receiver(result_body_extras, dispatch_uid="sharing.result_body_extras")
def result_body_part(
    sender: Any, *, request: HttpRequest, result: Result, slug: str, created: bool, **kwargs: Any
) -> dict[str, Any]:
    """The share link and the card in api.md's result body (and the rooms' above)."""
    return body_extras(request, result, slug, created=created)
