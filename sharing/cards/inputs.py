"""What a card shows, from frozen data only (a card can be drawn again after the raw answers
expired): a result's (or a version's) CardSpec.

- the result's version `definition` (title, language, the quiz `card` merged key by key with
  the outcome's `card`: background, gradient_to, text_color, image),
- `Result.card_text`, written by the taking flow at completion. Keys read here: `headline`
  and `subline` (placeholders already filled; the outcome title stands in for a missing
  headline) and `name` (the visitor's name, a text answer; absent or "" = no name). Other
  keys are ignored.

The QR code carries the result's own `qr` share link; it is drawn only on QR_LAYOUTS (see
`sharing.cards.jobs`).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from quizzes.engine.colors import DEFAULTS as CARD_DEFAULTS
from quizzes.format.definition import Card, Definition, definition_stored
from quizzes.models import QuizVersion, Result

from ..models import Channel, Share, ShareKind
from .render import CardSpec

logger = logging.getLogger(__name__)

OG = "og"
QUIZ = "quiz"
SQUARE = "square"
QR_LAYOUTS = frozenset({"square", "story"})
DESIGN_KEYS = ("background", "gradient_to", "text_color", "image")
_images: OrderedDict[str, bytes] = OrderedDict()
IMAGE_CACHE_SIZE = 16


def card_design(*, definition: Definition, outcome_key: str | None) -> Card:
    """The quiz's `card` with the outcome's `card` laid over it, key by key."""
    card: dict[str, object] = dict(definition.get("card") or {})
    for outcome in definition.get("outcomes") or []:
        if outcome_key is not None and outcome.get("key") == outcome_key:
            card.update({k: v for k, v in (outcome.get("card") or {}).items() if v})
    return cast(Card, card)  # one Card laid over another


def _image_bytes(name: str | None) -> bytes | None:
    """The bytes of an image in storage (kept for the next card), or None if unreadable."""
    if not name:
        return None
    data = _images.get(name)
    if data is None:
        try:
            with default_storage.open(name, "rb") as f:
                data = f.read()
        except (OSError, ValueError):
            logger.warning("card image %s is missing; drawing colours", name)
            return None
        _images[name] = data
        while len(_images) > IMAGE_CACHE_SIZE:
            _images.popitem(last=False)
    return data


def url_absolute(url: str) -> str:
    """`url`, absolute (a storage may give a path)."""
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def result_qr_share(*, result: Result) -> Share:
    """The result's `qr` share link: the one in its card's QR code, made once.

    Kind `default` (made by the system, not counted as a share); if a `qr` share button link
    was made first, that one is used, so the QR and the API agree on one link per channel.
    """
    existing = Share.objects.filter(result=result, channel=Channel.QR).order_by("pk").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Share.objects.create(
                result=result, channel=Channel.QR, kind=ShareKind.DEFAULT,
                quiz_id=result.quiz_id, owner=result.visitor,
            )  # fmt: skip
    except IntegrityError:  # a concurrent first render (or button) won; use its row
        return Share.objects.filter(result=result, channel=Channel.QR).order_by("pk").get()


def result_card_spec(*, result: Result, layout: str = OG) -> CardSpec:
    """The card of `result` in `layout`, from frozen data only (see the module docstring).

    On QR_LAYOUTS this makes the result's `qr` share link (once) for the QR code.
    """
    version = result.version
    definition = definition_stored(version.definition)
    design = card_design(definition=definition, outcome_key=result.outcome_key)
    text = result.card_text or {}
    share_url = ""
    if layout in QR_LAYOUTS:
        share_url = url_absolute(result_qr_share(result=result).get_absolute_url())
    subline = str(text.get("subline") or "")
    quiz_title = str(definition.get("title") or version.title)
    return CardSpec(
        layout=layout,
        headline=str(text.get("headline") or result.title),
        subline=subline,
        name=str(text.get("name") or ""),
        # The title once: not above the card when its subline says it already.
        quiz_title="" if _repeats(subline, quiz_title) else quiz_title,
        share_url=share_url,
        **design_fields(design=design, definition=definition, version=version),
    )


def design_fields(*, design: Card, definition: Definition, version: QuizVersion) -> dict[str, Any]:
    """The CardSpec fields every card of a version shares: colours, image, language, site."""
    return {
        "site_name": settings.SITE_NAME,
        # The colour the studio's picker shows for a card that sets none.
        "background": design.get("background") or CARD_DEFAULTS["background"],
        "gradient_to": design.get("gradient_to") or None,
        "text_color": design.get("text_color") or None,
        "image": _image_bytes(design.get("image")),
        "language": str(definition.get("language") or version.language or "en"),
    }


def _repeats(text: str, title: str) -> bool:
    """Whether `text` says `title` again (letters and digits compared, case ignored)."""

    def bare(value: str) -> str:
        return "".join(c for c in value.casefold() if c.isalnum())

    return bool(bare(title)) and bare(title) in bare(text)


def fallback_card_spec(*, version: QuizVersion) -> CardSpec:
    """The quiz card of a version (layout "quiz"): its cover (else the card's image or
    colours) and title, no visitor, no QR. A link to the quiz shows it, and a result shows it
    until its own card is drawn.

    The quiz card's headline usually names the visitor ("{name}, ..."), so it is not used;
    its subline is, unless it has a placeholder ("{{" is a literal brace) or says the title
    again: then the description.
    """
    definition = definition_stored(version.definition)
    design = card_design(definition=definition, outcome_key=None)
    title = str(definition.get("title") or version.title)
    subline = str(design.get("subline") or "")
    if "{" in subline.replace("{{", "") or _repeats(subline, title):
        subline = str(definition.get("description") or version.description or "")
    fields = design_fields(design=design, definition=definition, version=version)
    cover = _image_bytes(version.cover.name) if version.cover else None
    if cover is not None:
        fields["image"] = cover
    return CardSpec(layout=QUIZ, headline=title, subline=subline, **fields)
