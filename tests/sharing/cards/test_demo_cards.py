"""Every outcome of every demo quiz, drawn in all three layouts as the pipeline draws it.

The card texts come from the taking flow (`outcome_texts`, placeholders filled with a real
take's answers), the spec from `card_inputs.result_card_spec`, the bytes from `card_render`.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
import zxingcpp
from PIL import Image

from quizzes.engine.scoring import answers_validate, score_compute
from quizzes.models import Result
from quizzes.taking.services import outcome_texts
from sharing.cards import inputs as card_inputs
from sharing.cards import jobs as card_jobs
from sharing.cards.render import LAYOUTS, MAX_BYTES, card_layout, card_render
from tests.conftest import demo_files
from tests.quizzes.takehelp import TAKES

METADATA = {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "dpi"}


def inside(box, outer) -> bool:
    return outer[0] <= box[0] <= box[2] <= outer[2] and outer[1] <= box[1] <= box[3] <= outer[3]


@pytest.mark.parametrize("slug", [p.stem for p in demo_files()])
def test_every_demo_outcome_renders_in_every_layout(slug, publish):
    version = publish(slug)
    definition = version.definition
    clean, errors = answers_validate(definition=definition, answers=TAKES[slug]["answers"])
    assert errors == {}
    scored = score_compute(definition=definition, answers=clean, programs=version.programs)

    for i, outcome in enumerate(definition["outcomes"]):
        _title, _description, card_text = outcome_texts(
            definition=definition, scored=replace(scored, outcome_key=outcome["key"])
        )
        result = Result.objects.create(
            quiz_id=version.quiz_id, version=version, visitor=f"v{i}", take=f"t{i}",
            outcome_key=outcome["key"], title=_title, card_text=card_text,
        )  # fmt: skip
        for layout, (width, height) in LAYOUTS.items():
            spec = card_inputs.result_card_spec(result=result, layout=layout)
            card = card_render(spec, formats=card_jobs.FORMATS)
            im = Image.open(io.BytesIO(card.data))

            assert (card.width, card.height) == (width, height) == im.size
            assert len(card.data) <= MAX_BYTES[layout]
            assert not (METADATA & set(im.info)) and len(im.getexif()) == 0
            placed = card_layout(spec)
            assert placed.texts, "a card without text"
            for text in placed.texts:
                assert inside(text.box, placed.content_box) and inside(text.box, (0, 0, *im.size))
            if spec.share_url:
                assert layout in card_inputs.QR_LAYOUTS
                decoded = [r.text for r in zxingcpp.read_barcodes(im.convert("RGB"))]
                assert decoded == [spec.share_url]
                assert spec.share_url.endswith(
                    f"/s/{card_inputs.result_qr_share(result=result).code}/"
                )
    assert MAX_BYTES["og"] <= 300_000  # WhatsApp drops bigger previews


def test_a_card_without_colours_is_drawn_in_the_colour_the_studio_shows(publish):
    # The studio's picker showed indigo for a card that sets no colour while the card was
    # drawn navy: both now read quizzes.engine.colors.DEFAULTS.
    from quizzes.engine.colors import DEFAULTS

    version = publish("which-morning-drink", card={})
    spec = card_inputs.fallback_card_spec(version=version)

    assert spec.background == DEFAULTS["background"] == "#4338ca"
    pixel = Image.open(io.BytesIO(card_render(replace(spec, image=None)).data)).convert("RGB")
    assert pixel.getpixel((5, 5)) == (0x43, 0x38, 0xCA)
