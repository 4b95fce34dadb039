"""The studio's result image preview: the draft's card for one result, drawn by the real
renderer with the sample answers the page preview uses. Nothing is stored: the bytes go
straight to the editor's browser."""

from __future__ import annotations

import re
from typing import Any, cast

from django.urls import reverse

from quizzes.authoring.preview_draft import placeholders_strip, version_preview
from quizzes.authoring.rows import version_file_data
from quizzes.authoring.samples import sample_result
from quizzes.format.checks import image_path_ok
from quizzes.format.definition import Card, Definition
from quizzes.format.quizfile import quiz_programs
from quizzes.models import QuizVersion

from .inputs import QR_LAYOUTS, card_design, design_fields, url_absolute
from .render import CardSpec, card_render

FORMATS = ("png",)
_COLOUR_RE = re.compile(r"#[0-9a-fA-F]{6}\Z")


def _share_url(*, slug: str, layout: str) -> str:
    # A draft has no share link yet: the QR code of the preview points at the quiz itself,
    # which is the same size of code as a visitor's own link.
    return url_absolute(reverse("quizzes:intro", args=[slug])) if layout in QR_LAYOUTS else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _usable(key: str, value: str) -> bool:
    if key in ("background", "gradient_to", "text_color"):
        return bool(_COLOUR_RE.match(value))
    if key == "image":
        return image_path_ok(value)
    return key in ("headline", "subline")


def _rough_spec(*, version: QuizVersion, data: Any, index: int, layout: str) -> CardSpec:
    """A draft that breaks a rule still has a card to look at: its texts as typed (no
    placeholder filled), its colours where they are colours."""
    data = data if isinstance(data, dict) else {}
    raw = data.get("outcomes")
    outcomes = [o for o in raw if isinstance(o, dict)] if isinstance(raw, list) else []
    outcome: dict[str, Any] = outcomes[min(max(index, 0), len(outcomes) - 1)] if outcomes else {}
    card = {k: v for k, v in _dict(data.get("card")).items() if isinstance(v, str)}
    card.update({k: v for k, v in _dict(outcome.get("card")).items() if isinstance(v, str) and v})
    card = {k: v for k, v in card.items() if _usable(k, v)}
    definition = cast(Definition, {"title": data.get("title"), "language": data.get("language")})
    return CardSpec(
        layout=layout,
        headline=str(card.get("headline") or outcome.get("title") or ""),
        subline=str(card.get("subline") or ""),
        quiz_title=str(data.get("title") or version.title),
        share_url=_share_url(slug=version.quiz.slug, layout=layout),
        **design_fields(design=cast(Card, card), definition=definition, version=version),
    )


def studio_card_spec(*, version: QuizVersion, outcome_index: int, layout: str) -> CardSpec:
    """The card a visitor reaching result `outcome_index` of the draft with the sample answers
    would get, in `layout` (see quizzes.authoring.samples). An unfinished draft is drawn from
    its best-effort copy (quizzes.authoring.preview_draft: "Result 2" for an empty title),
    else roughly from its texts as typed."""
    data = version_file_data(version=version)
    draft = version_preview(version=version, document=data)
    definition = draft.definition
    index = draft.outcome_index(outcome_index)
    if definition is None or index is None:
        return _rough_spec(version=version, data=data, index=outcome_index, layout=layout)
    key = definition["outcomes"][index]["key"]
    computed, _sample = sample_result(
        definition=definition, programs=quiz_programs(definition), outcome_key=key
    )
    text = computed.card_text
    return CardSpec(
        layout=layout,
        headline=placeholders_strip(text.get("headline") or computed.title),
        subline=placeholders_strip(text.get("subline") or ""),
        name=text.get("name") or "",
        quiz_title=placeholders_strip(definition["title"]),
        share_url=_share_url(slug=version.quiz.slug, layout=layout),
        **design_fields(
            design=card_design(definition=definition, outcome_key=key),
            definition=definition,
            version=version,
        ),
    )


def studio_card_png(*, version: QuizVersion, outcome_index: int, layout: str) -> bytes:
    """The PNG bytes of the draft's card (studio_card_spec); nothing is written."""
    spec = studio_card_spec(version=version, outcome_index=outcome_index, layout=layout)
    return card_render(spec, formats=FORMATS).data
