"""What pages and the API show of a result's card: api.md's `image` object."""

from __future__ import annotations

from typing import TypedDict

from django.core.files.storage import default_storage
from django.templatetags.static import static

from quizzes.models import Result

from ..models import CardStatus
from .inputs import OG, SQUARE, url_absolute
from .render import LAYOUTS
from .rows import result_card_of
from .version_jobs import version_card_name

# Shown until a version's own fallback card exists (a few ms after publishing, when a worker
# runs): a static file, so a link-preview bot never meets a 404 or an empty og:image.
DEFAULT_CARD = "img/share-card.png"  # also the share page's placeholder


class SquareInfo(TypedDict):
    """`image.square` (a spec extension): the result's square card, with its QR code."""

    url: str
    width: int
    height: int


class ImageInfo(TypedDict):
    """The `image` object of api.md's result body (plus `square`, a spec extension)."""

    status: str
    url: str | None
    width: int
    height: int
    square: SquareInfo | None


def card_url(name: str) -> str:
    """The absolute URL of a file in the default storage."""
    return url_absolute(default_storage.url(name))


def result_image_info(result: Result) -> ImageInfo:
    """{status, url, width, height} for api.md's `image`: the result's card when ready,
    else its version's fallback card (or the static default card before that exists).

    `url` is always an absolute URL of a file that exists, so a link-preview bot never
    gets a 404; status says pending or failed.
    `square` is the square card (with the QR code) once the result is ready, else None.
    """
    width, height = LAYOUTS[OG]
    card = result_card_of(result)
    if card is not None and card.status == CardStatus.READY and card.name:
        return ImageInfo(status="ready", url=card_url(card.name), width=width,
                         height=height, square=result_square_info(result))  # fmt: skip
    fallback = version_card_name(version_id=result.version_id) if result.version_id else ""
    url = card_url(fallback) if fallback else url_absolute(static(DEFAULT_CARD))
    status = card.status if card is not None else CardStatus.PENDING
    return ImageInfo(status=str(status), url=url, width=width, height=height,
                     square=None)  # fmt: skip


def result_square_info(result: Result) -> SquareInfo | None:
    """{url, width, height} of the result's square card, or None if it has none (yet)."""
    card = result_card_of(result) if not result.deleted_at else None
    name = card.square_name if card is not None else ""
    if not name:
        return None
    width, height = LAYOUTS[SQUARE]
    return SquareInfo(url=card_url(str(name)), width=width, height=height)
