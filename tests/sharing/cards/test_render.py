"""Result cards: sizes, formats, metadata, QR, text fitting, fonts and hostile text."""

from __future__ import annotations

import dataclasses
import io
import random
import time

import pytest
import segno
import zxingcpp
from PIL import Image, ImageChops

from sharing.cards import image as cardimage
from sharing.cards.fonts import font_chain, font_get, runs_split
from sharing.cards.qr import qr_matrix
from sharing.cards.render import (
    LAYOUTS,
    MAX_BYTES,
    CardSpec,
    card_draw,
    card_inputs_hash,
    card_layout,
    card_render,
    text_clean,
)

# No database, broker or cache: the PostgreSQL + Redis pass skips these (tests/runner.py).
pytestmark = pytest.mark.pure

URL = "https://quiz.example.com/s/aB3dE9xQ"
BASE = dict(
    headline="Anna, in 10 years you will weigh 62 kg",
    subline="What will you weigh? Take the test",
    name="Anna",
    quiz_title="The 10-year weight test",
    share_url=URL,
    background="#1e3a8a",
    gradient_to="#9333ea",
)


def spec(layout: str = "og", **changes) -> CardSpec:
    return CardSpec(layout=layout, **{**BASE, **changes})


def noisy_photo(w: int = 1600, h: int = 1000, seed: int = 7) -> bytes:
    """Colour noise at full strength: the worst case for every encoder."""
    rnd = random.Random(seed)
    im = Image.frombytes("RGB", (w, h), rnd.randbytes(w * h * 3))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=95)
    return buf.getvalue()


def decode(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("formats", [("png",), ("jpeg",), ("webp",), ("png", "jpeg")])
def test_each_layout_and_format_has_the_layout_size(layout, formats):
    card = card_render(spec(layout), formats=formats)
    im = decode(card.data)
    assert (im.width, im.height) == LAYOUTS[layout] == (card.width, card.height)
    assert card.format in formats
    assert im.format.lower() == card.format
    assert card.content_type == f"image/{card.format}"
    assert len(card.data) <= MAX_BYTES[layout]


def test_best_is_the_smaller_of_png_and_jpeg():
    png = card_render(spec(), formats=("png",))
    jpeg = card_render(spec(), formats=("jpeg",))
    best = card_render(spec(), formats=("png", "jpeg"))
    assert len(best.data) == min(len(png.data), len(jpeg.data))


def test_a_flat_colour_card_is_a_png():
    assert card_render(spec(gradient_to=None)).format == "png"


@pytest.mark.parametrize("image", [None, "noise"])
def test_the_og_card_stays_under_300_kb(image):
    data = noisy_photo() if image else None
    card = card_render(spec("og", image=data), formats=("png", "jpeg"))
    assert len(card.data) < 300_000


@pytest.mark.parametrize("formats", [("png",), ("jpeg",), ("webp",)])
def test_no_metadata_is_written(formats):
    card = card_render(spec(), formats=formats)
    im = decode(card.data)
    if card.format == "webp":
        # Simple-format WebP (no VP8X header) cannot hold EXIF, ICC or XMP chunks; Pillow's
        # decoder reports animation defaults in .info for every WebP.
        assert card.data[12:16] in (b"VP8 ", b"VP8L")
    else:
        assert im.info == {}
    assert len(im.getexif()) == 0
    assert b"Exif" not in card.data
    assert b"JFIF" not in card.data
    assert b"ICC_PROFILE" not in card.data and b"iCCP" not in card.data


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_qr_code_decodes_to_the_share_link(layout):
    im = decode(card_render(spec(layout), formats=("jpeg",)).data)
    results = zxingcpp.read_barcodes(im)
    assert [r.text for r in results] == [URL]


def test_a_photo_card_qr_still_decodes():
    im = decode(card_render(spec(image=noisy_photo()), formats=("jpeg",)).data)
    assert [r.text for r in zxingcpp.read_barcodes(im)] == [URL]


def test_no_share_url_means_no_qr():
    layout = card_layout(spec(share_url=""))
    assert layout.qr_box is None
    assert zxingcpp.read_barcodes(card_draw(spec(share_url=""))[0]) == []


def inside(inner, outer) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize(
    "headline", ["Short", BASE["headline"], "word " * 60, "x" * 300, "安娜，十年后你的体重" * 10]
)
def test_every_text_lies_inside_its_box_and_the_card(layout, headline):
    s = spec(layout, headline=headline, name="N" * 300, subline="sub " * 80)
    lay = card_layout(s)
    card = (0, 0, *LAYOUTS[layout])
    assert {t.role for t in lay.texts} == {"kicker", "headline", "name", "subline", "site"}
    for placed in lay.texts:
        assert inside(placed.box, lay.content_box), placed.role
        assert inside(lay.content_box, card)
        # The measured lines fit the box's width (the mask then clips nothing sideways).
        pad = 2 * lay.name_pad[0] if placed.role == "name" else 0
        assert max(placed.block.widths) <= placed.box[2] - placed.box[0] - pad, placed.role
        assert placed.block.size >= 20
    boxes = [t.box for t in lay.texts] + ([lay.qr_box] if lay.qr_box else [])
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlaps(a, b)


def test_text_shrinks_to_fit_then_ends_with_an_ellipsis():
    short = {t.role: t.block for t in card_layout(spec(headline="Hi")).texts}["headline"]
    long = {t.role: t.block for t in card_layout(spec(headline="word " * 200)).texts}["headline"]
    assert short.size > long.size
    assert long.text.endswith("…")
    assert len(long.lines) <= 3


def test_mixed_latin_and_chinese_use_one_font_each():
    runs = runs_split("Anna 的结果", "bold")
    chain = font_chain("bold")
    assert [(chain[i].path.name.split("-")[0], t) for i, t in runs] == [
        ("NotoSans", "Anna "),
        ("NotoSansSC", "的结果"),
    ]


def test_a_chinese_headline_draws_real_glyphs_not_notdef_boxes():
    headline = "安娜，十年后你的体重将是六十二公斤。你会变瘦吗？"
    lay = card_layout(spec(headline=headline, language="zh-hans"))
    block = {t.role: t.block for t in lay.texts}["headline"]
    drawn = "".join(t for line in block.lines for _i, t in line)
    assert drawn == headline  # nothing dropped
    for line in block.lines:
        for idx, text in line:
            font = font_get("bold", idx, block.size)
            notdef = font.getmask("\ue000")  # private use: in no font, so .notdef
            for ch in text:
                mask = font.getmask(ch)
                assert (mask.size, bytes(mask)) != (notdef.size, bytes(notdef)), ch


def test_the_fonts_are_shipped_small_and_licensed():
    from sharing.cards.fonts import FONT_DIR

    total = sum(p.stat().st_size for p in FONT_DIR.iterdir() if p.suffix in {".ttf", ".otf"})
    assert total < 3_000_000
    assert "SIL OPEN FONT LICENSE" in (FONT_DIR / "OFL.txt").read_text()


HOSTILE = {
    "long name": dict(name="N" * 300),
    "emoji": dict(headline="I ❤️ you 👩‍👩‍👧‍👦 🇺🇦 👍🏽", name="😀😀😀"),
    "arabic": dict(headline="مرحبا بالعالم، هذا اختبارك", name="محمد"),
    "hebrew": dict(headline="שלום עולם, זה המבחן שלך", subline="abc שלום 123"),
    "zalgo": dict(headline="Z" + "\u0336\u0337\u0338\u0322\u0316" * 1000, name="a\u0301" * 50),
    "controls": dict(headline="a\x00b\x07c\x1bd\r\ne\tf\x7f\u0085g", name="\x00\x01"),
    "zero width": dict(headline="a\u200bb\u200cc\u200dd\ufeffe\u2060f", name="\u202eevil"),
    "lone surrogate": dict(headline="bad \ud800 text \udfff", name="\udc00"),
    "empty": dict(headline="", subline="", name="", quiz_title="", site_name="", share_url=""),
    "100k headline": dict(headline="long " * 20_000, subline="€" * 100_000),
    "only spaces": dict(headline=" \t\n ", name="\u3000"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_hostile_text_renders_quickly_without_error(case, layout):
    start = time.perf_counter()
    card = card_render(spec(layout, **HOSTILE[case]), formats=("jpeg",))
    assert time.perf_counter() - start < 2.0
    assert (decode(card.data).size) == LAYOUTS[layout]
    for placed in card_layout(spec(layout, **HOSTILE[case])).texts:
        text = placed.block.text
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
        # A ZWJ is kept inside an emoji sequence (👩‍👩‍👧‍👦), and only there.
        joiner = "" if case == "emoji" else "\u200d"
        assert not any(c in text for c in "\x00\u200b\u202e\ufeff" + joiner)


def test_emoji_go_to_the_colour_font_whole():
    chain = font_chain("bold")
    if not any(f.color for f in chain):
        pytest.skip("Noto Color Emoji is not installed (apt-get install fonts-noto-color-emoji)")
    runs = runs_split("I ❤️ you 👍🏽", "bold")
    assert [(chain[i].color, t) for i, t in runs] == [
        (False, "I "),
        (True, "❤️"),
        (False, " you "),
        (True, "👍🏽"),
    ]


def test_text_clean():
    assert text_clean("  a\u200b b\t\nc\x00 ", max_chars=50) == "a b c"
    assert text_clean("bad \ud800 x", max_chars=50) == "bad x"
    assert text_clean("e\u0301", max_chars=5) == "\u00e9"  # NFC
    assert text_clean("a" + "\u0301" * 40, max_chars=50) == "\u00e1\u0301"
    assert text_clean("\u202eevil\u202c", max_chars=10) == "evil"
    assert text_clean("12\u202f345,5 kg", max_chars=20) == "12\u202f345,5 kg"  # fr figure
    assert text_clean("one two three four", max_chars=10) == "one two…"  # at a word end
    assert text_clean("abcdefghijkl", max_chars=6) == "abcde…"
    assert len(text_clean("x" * 100_000, max_chars=40)) == 40
    assert text_clean("", max_chars=10) == ""


def test_identical_specs_render_identical_bytes():
    assert card_render(spec()).data == card_render(spec()).data
    photo = noisy_photo(400, 300)
    assert card_render(spec(image=photo)).data == card_render(spec(image=photo)).data


def test_a_photo_is_decoded_once(monkeypatch):
    photo = noisy_photo(800, 600, seed=11)
    card_render(spec(image=photo))
    opened = []
    real_open = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(1) or real_open(*a, **k))
    card_render(spec(image=photo, headline="Another result"))
    assert opened == []


def test_an_unreadable_photo_falls_back_to_the_colours():
    card = card_render(spec(image=b"not an image"), formats=("jpeg",))
    assert decode(card.data).size == LAYOUTS["og"]


def test_a_poor_editor_colour_gets_a_panel_behind_the_text():
    plain = card_draw(spec(gradient_to=None, background="#f5f5f4", text_color="#111111"))[0]
    poor = card_draw(spec(gradient_to=None, background="#f5f5f4", text_color="#fde047"))[0]
    assert plain.getpixel((60, 300)) == (0xF5, 0xF5, 0xF4)  # no panel when it reads
    panel = poor.getpixel((60, 300))
    text = (0xFD, 0xE0, 0x47)
    assert cardimage.contrast(text, panel) >= 4.5


@pytest.mark.parametrize("background", ["#ffffff", "#000000", "#777777", "#facc15"])
def test_the_automatic_text_colour_reads(background):
    im, lay = card_draw(spec(gradient_to=None, background=background))
    head = {t.role: t for t in lay.texts}["headline"]
    counts = sorted(im.crop(head.box).getcolors(1 << 16), reverse=True)
    behind = counts[0][1]  # the commonest colour: the background, or the panel over it
    assert max(cardimage.contrast(c, behind) for _n, c in counts) >= 4.5


def test_the_inputs_hash_changes_with_every_input():
    base = spec(image=b"one")
    seen = {card_inputs_hash(base)}
    assert card_inputs_hash(base) == card_inputs_hash(spec(image=b"one"))
    for field in dataclasses.fields(CardSpec):
        value = getattr(base, field.name)
        if isinstance(value, bytes):
            changed = value + b"!"
        elif field.name == "layout":
            changed = "square"
        elif field.name in ("background", "gradient_to", "text_color"):
            changed = "#123456"
        else:
            changed = (value or "") + "x"
        digest = card_inputs_hash(dataclasses.replace(base, **{field.name: changed}))
        assert digest not in seen, field.name
        seen.add(digest)
    assert card_inputs_hash(base, formats=("webp",)) not in seen


def test_an_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="layout"):
        card_render(CardSpec(layout="banner", headline="x"))


REPRESENTATIVE = {
    "og gradient": spec("og"),
    "square flat colour": spec("square", gradient_to=None, background="#f5f5f4"),
    "story subtle gradient, Chinese": spec(
        "story", background="#1c1917", gradient_to="#57534e", language="zh-hans",
        headline="安娜，十年后你的体重将是六十二公斤", name="安娜", subline="你将来会有多重？",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REPRESENTATIVE))
def test_the_chosen_format_is_the_smaller_or_within_5_percent(case):
    card_spec = REPRESENTATIVE[case]
    best = card_render(card_spec, formats=("png", "jpeg"))
    sizes = [len(card_render(card_spec, formats=(f,)).data) for f in ("png", "jpeg")]
    assert len(best.data) <= min(sizes) * 1.05, (best.format, sizes)


@pytest.mark.parametrize("background", ["#1e3a8a", "#f5f5f4"])
def test_a_flat_colour_png_is_a_palette_image_within_the_tolerance(background):
    im = card_draw(spec(gradient_to=None, background=background))[0]
    png = decode(card_render(spec(gradient_to=None, background=background)).data)
    assert png.mode == "P"
    diff = ImageChops.difference(im, png.convert("RGB")).getextrema()
    assert max(hi for _lo, hi in diff) <= cardimage.PALETTE_TOLERANCE


def test_a_gradient_png_stays_lossless():
    im = card_draw(spec())[0]
    png = decode(card_render(spec(), formats=("png",)).data)
    assert png.mode == "RGB"
    assert png.tobytes() == im.tobytes()


def test_the_fast_qr_matrix_is_segnos_module_for_module():
    rnd = random.Random(5)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    for _ in range(300):
        url = URL[:-8] + "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(4, 200)))
        expected = segno.make(url, error="m", micro=False).matrix
        assert qr_matrix(url) == tuple(bytes(row) for row in expected), url
