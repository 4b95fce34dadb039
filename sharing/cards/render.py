"""Result cards: plain inputs in, image bytes out. Pure Pillow; no Django, no settings.

Three layouts (Open Graph, square, stories). A card has a colour, gradient or cover-cropped
photo background, a kicker (quiz title), the headline, the visitor's name, a subline and a
footer with the site name and a QR code of the share link. Text is cleaned
(:func:`text_clean`), laid out by :mod:`sharing.cards.text` and always drawn through a mask the
size of its box, so it can never leave the box or the card. See ``sharing/cards/text.py`` for
right-to-left text without libraqm.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw

from . import image as ci
from .fonts import fonts_signature
from .text import TextBlock, block_draw, block_emoji, text_clean, text_fit

__all__ = [
    "LAYOUTS",
    "CardLayout",
    "CardSpec",
    "PlacedText",
    "RenderedCard",
    "card_draw",
    "card_inputs_hash",
    "card_layout",
    "card_render",
    "text_clean",
]

RENDER_VERSION = "cards-3"  # bump when the design changes: it is part of the inputs hash
# "quiz": a quiz's own link-preview card (its cover and title; sharing.cards.inputs).
LAYOUTS = {"og": (1200, 630), "square": (1080, 1080), "story": (1080, 1920), "quiz": (1200, 630)}
MAX_BYTES = {"og": 300_000, "square": 500_000, "story": 800_000, "quiz": 300_000}
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
MAX_CHARS = {"headline": 140, "subline": 160, "name": 40, "quiz_title": 80, "site_name": 40}
LIGHT, DARK = (255, 255, 255), (15, 23, 42)

# Per layout: margins (x, top, bottom), QR panel size, and for each text role
# (max px, min px, max lines); "beside" narrows the text column to run down beside the QR.
_STYLE: dict[str, dict] = {
    "og": dict(mx=72, mt=60, mb=60, qr=172, gap=40, align="start", beside=True,
               kicker=(26, 20, 1), headline=(74, 34, 3), name=(34, 24, 1),
               subline=(28, 22, 2), site=(26, 22, 1)),
    "square": dict(mx=84, mt=88, mb=84, qr=208, gap=48, align="start", beside=False,
                   kicker=(32, 24, 2), headline=(100, 42, 5), name=(44, 30, 1),
                   subline=(36, 26, 3), site=(32, 24, 1)),
    "story": dict(mx=96, mt=260, mb=220, qr=300, gap=64, align="center", beside=False,
                  kicker=(40, 28, 2), headline=(116, 52, 6), name=(56, 36, 1),
                  subline=(44, 30, 4), site=(38, 28, 1)),
    "quiz": dict(mx=72, mt=60, mb=60, qr=172, gap=40, align="start", beside=False,
                 kicker=(26, 20, 1), headline=(84, 38, 3), name=(34, 24, 1),
                 subline=(30, 22, 3), site=(26, 22, 1)),
}  # fmt: skip


@dataclass(frozen=True)
class CardSpec:
    """Everything a card shows. Text is untrusted; colours are ``#rrggbb``."""

    layout: str  # key of LAYOUTS
    headline: str  # placeholders already filled by the caller
    subline: str = ""
    name: str = ""  # the visitor's name ("" = none)
    quiz_title: str = ""
    site_name: str = "Quizbuilder"
    share_url: str = ""  # QR payload; "" = no QR
    background: str = "#4338ca"  # quizzes.engine.colors.DEFAULTS, as the studio shows it
    gradient_to: str | None = None
    text_color: str | None = None  # None = black or white, whichever reads better
    image: bytes | None = None  # outcome/quiz image (PNG/JPEG/WebP), cover-cropped
    language: str = "en"


@dataclass(frozen=True)
class RenderedCard:
    """An encoded card."""

    data: bytes
    format: str  # "png" | "jpeg" | "webp"
    width: int
    height: int
    content_type: str


@dataclass(frozen=True)
class PlacedText:
    """A text block and the box it is drawn (and clipped) in: (left, top, right, bottom)."""

    role: str
    block: TextBlock
    box: tuple[int, int, int, int]
    opacity: float


@dataclass(frozen=True)
class CardLayout:
    """Where everything goes on a card, before any pixel is drawn."""

    size: tuple[int, int]
    texts: tuple[PlacedText, ...]
    qr_box: tuple[int, int, int, int] | None
    content_box: tuple[int, int, int, int]  # the area all text lies in
    accent: tuple[int, int, int, int]  # the short bar above the kicker
    name_pad: tuple[int, int]  # the name's pill padding (x, y) inside its box


def card_layout(spec: CardSpec) -> CardLayout:
    """Fit every text of ``spec`` into its box; promises each box lies inside the content
    area, which lies inside the card, and that boxes do not overlap."""
    w, h = LAYOUTS[spec.layout]
    s = _STYLE[spec.layout]
    mx, mt, mb, q, gap = s["mx"], s["mt"], s["mb"], s["qr"], s["gap"]
    align = s["align"]
    texts: list[PlacedText] = []
    qr_box = None
    stacked = align == "center"  # stories: QR centred above the site name
    if spec.share_url:
        x = (w - q) // 2 if stacked else w - mx - q
        qr_box = (x, h - mb - q, x + q, h - mb)

    def fit(role: str, text: str, weight: str, width: int, height: int) -> TextBlock:
        size, low, lines = s[role]
        clean = text_clean(text, max_chars=MAX_CHARS.get(role, 140))
        return text_fit(clean, weight=weight, width=width, height=height, max_size=size,
                        min_size=low, max_lines=lines, line_height=1.14 if role == "headline"
                        else 1.3, balance=role in ("headline", "subline"))  # fmt: skip

    full_w = w - 2 * mx
    # Footer: the site name, bottom left beside the QR or centred under it.
    site_w = full_w - (q + gap if qr_box and not stacked else 0)
    site = fit("site", spec.site_name, "bold", site_w, round(s["site"][0] * 1.3))
    site_top = h - mb - site.height
    if qr_box and stacked:
        qr_box = (qr_box[0], site_top - 24 - q, qr_box[2], site_top - 24)
    # The text column ends above the QR, or (og) runs down beside it to the site name.
    footer_top = qr_box[1] if qr_box and not s["beside"] else site_top
    site_x = (w - site_w) // 2 if align == "center" else mx
    if site.lines:
        texts.append(PlacedText("site", site, (site_x, site_top, site_x + site_w,
                                               site_top + site.height), 0.9))  # fmt: skip
    # Kicker on top.
    kicker = fit("kicker", spec.quiz_title, "regular", full_w, round(s["kicker"][0] * 2.6))
    top = mt
    bar_w = round(s["kicker"][0] * 2.2)
    bar_x = (w - bar_w) // 2 if align == "center" else mx
    accent = (bar_x, top, bar_x + bar_w, top + max(s["kicker"][0] // 5, 4))
    top = accent[3] + s["kicker"][0] // 2
    if kicker.lines:
        texts.append(PlacedText("kicker", kicker, (mx, top, mx + full_w, top + kicker.height), 0.8))
        top += kicker.height + gap // 2
    # Middle stack: headline, name, subline, centred vertically in what is left.
    col_w = full_w - (q + gap if qr_box and s["beside"] else 0)
    bottom = footer_top - gap
    avail = max(bottom - top, 1)
    sub = fit("subline", spec.subline, "regular", col_w, round(avail * 0.3))
    pad_x, pad_y = round(s["name"][0] * 0.62), round(s["name"][0] * 0.22)
    name = fit("name", spec.name, "bold", col_w - 2 * pad_x, round(s["name"][0] * 1.3))
    fixed = sum(b.height + gap // 2 for b in (sub, name) if b.lines) + 2 * pad_y
    head = fit("headline", spec.headline, "bold", col_w, max(avail - fixed, 1))
    stack = [("headline", head, 1.0), ("name", name, 0.95), ("subline", sub, 0.85)]
    stack = [item for item in stack if item[1].lines]
    total = sum(b.height + (2 * pad_y if r == "name" else 0) for r, b, _o in stack)
    total += gap // 2 * (len(stack) - 1)
    y = top + max((avail - total) // 2, 0)
    for role, block, opacity in stack:
        pad = 2 * pad_y if role == "name" else 0
        box = (mx, y, mx + col_w, min(y + block.height + pad, bottom))
        texts.append(PlacedText(role, block, box, opacity))
        y += block.height + pad + gap // 2
    return CardLayout(
        (w, h), tuple(texts), qr_box, (mx, mt, w - mx, h - mb), accent, (pad_x, pad_y)
    )


def _colors(spec: CardSpec, bg: Image.Image, box: tuple[int, int, int, int]) -> tuple:
    """(text colour, panel colour + alpha or None): the editor's colour if it reads, else a
    panel behind the text that makes it read; black or white when none was given."""
    samples = ci.background_samples(bg, box)
    if spec.text_color is None:
        light = min(ci.contrast(LIGHT, c) for c in samples)
        dark = min(ci.contrast(DARK, c) for c in samples)
        text = LIGHT if light >= dark else DARK
    else:
        text = ci.color_parse(spec.text_color, LIGHT)
    if min(ci.contrast(text, c) for c in samples) >= 4.5:
        return text, None
    panel = DARK if ci.luminance(text) > 0.4 else LIGHT
    for alpha in range(40, 256, 15):  # the lightest panel that reaches 4.5:1 everywhere
        if min(ci.contrast(text, ci.mix(c, panel, alpha / 255)) for c in samples) >= 4.5:
            break
    return text, (*panel, min(alpha, 255))


_BASE_CACHE_SIZE = 32
_bases: OrderedDict[tuple, tuple[Image.Image, tuple[int, int, int]]] = OrderedDict()


def _base(spec: CardSpec, layout: CardLayout) -> tuple[Image.Image, tuple[int, int, int]]:
    """The part of a card every card of the design shares: background (colour, gradient or
    scrimmed photo), the panel or the rings, and the accent bar; and the text colour. Cached
    per design, so a card costs one copy of it instead of gradient, mask and composites.
    Callers must not modify the returned image."""
    digest = ci.bytes_digest(spec.image) if spec.image else None
    has_kicker = any(p.role == "kicker" for p in layout.texts)
    key = (spec.layout, spec.background, spec.gradient_to, spec.text_color, digest, has_kicker)
    hit = _bases.get(key)
    if hit is not None:
        _bases.move_to_end(key)
        return hit
    im, is_photo = _background(spec, layout.size)
    text, panel = _colors(spec, im, layout.content_box)
    w, h = layout.size
    if panel is not None:
        inset = _STYLE[spec.layout]["mx"] // 2
        ov = Image.new("L", (w, h))
        ImageDraw.Draw(ov).rounded_rectangle((inset, inset, w - inset, h - inset), 28, panel[3])
        im.paste(panel[:3], (0, 0), ov)
    elif not is_photo:
        _decorate(im, text)
    if has_kicker:
        x0, y0, x1, y1 = layout.accent
        ImageDraw.Draw(im).rounded_rectangle((x0, y0, x1, y1), (y1 - y0) // 2, fill=text)
    _bases[key] = (im, text)
    while len(_bases) > _BASE_CACHE_SIZE:
        _bases.popitem(last=False)
    return im, text


def _background(spec: CardSpec, size: tuple[int, int]) -> tuple[Image.Image, bool]:
    """A fresh copy of the card's background, and whether it is a photo."""
    if spec.image:
        scrim = (150, 110, 215, 180) if spec.layout == "og" else (120, 120, 200, 200)
        photo = ci.photo_background(spec.image, size, scrim)
        if photo is not None:
            return photo.copy(), True
    return _plain_background(spec.background, spec.gradient_to, size).copy(), False


@lru_cache(maxsize=16)
def _plain_background(color: str, gradient_to: str | None, size: tuple[int, int]) -> Image.Image:
    """Colour or gradient, cached: all of a quiz's cards share one. Do not modify."""
    base = ci.color_parse(color, (30, 58, 138))
    if gradient_to:
        return ci.gradient(size, base, ci.color_parse(gradient_to, base))
    return Image.new("RGB", size, base)


def card_draw(spec: CardSpec) -> tuple[Image.Image, CardLayout]:
    """Draw ``spec`` as an RGB image; also return the layout used."""
    if spec.layout not in LAYOUTS:
        raise ValueError(f"unknown card layout: {spec.layout!r}")
    layout = card_layout(spec)
    base, text = _base(spec, layout)
    im = base.copy()
    align = _STYLE[spec.layout]["align"]
    for placed in layout.texts:
        x0, y0, x1, y1 = placed.box
        pill = layout.name_pad if placed.role == "name" else None
        mask = _text_mask(placed.block, x1 - x0, max(y1 - y0, 1), placed.opacity, align, pill)
        im.paste(text, (x0, y0), mask)
        _emoji_paste(im, placed.block, placed.box, placed.opacity, align, pill)
    if layout.qr_box:
        qr = ci.qr_panel(spec.share_url, layout.qr_box[2] - layout.qr_box[0])
        if qr is not None:
            im.paste(qr, layout.qr_box[:2], qr)
    return im, layout


def _emoji_paste(
    im: Image.Image,
    block: TextBlock,
    box: tuple[int, int, int, int],
    opacity: float,
    align: str,
    pill: tuple[int, int] | None,
) -> None:
    """Paste the block's colour emoji where ``_text_mask`` left their place, clipped to the
    box as the text is."""
    x0, y0, x1, y1 = box
    px, py = pill or (0, 0)
    for ex, ey, emoji in block_emoji(block, x=px, y=py, width=x1 - x0 - 2 * px, align=align):
        crop = emoji.crop((max(0, -ex), max(0, -ey), min(emoji.width, x1 - x0 - ex),
                           min(emoji.height, y1 - y0 - ey)))  # fmt: skip
        if crop.width <= 0 or crop.height <= 0:
            continue
        if opacity < 1:
            alpha = crop.getchannel("A").point(lambda a: round(a * opacity))
            crop = crop.copy()
            crop.putalpha(alpha)
        im.paste(crop, (x0 + max(0, ex), y0 + max(0, ey)), crop)


@lru_cache(maxsize=256)
def _text_mask(
    block: TextBlock,
    width: int,
    height: int,
    opacity: float,
    align: str,
    pill: tuple[int, int] | None,
) -> Image.Image:
    """One block drawn on a mask the size of its box (so nothing spills out); the name sits
    in a translucent pill of the text colour. Cached: a quiz's title, site name and subline
    are the same on all its cards. Do not modify."""
    mask = Image.new("L", (width, height))
    draw = ImageDraw.Draw(mask)
    px, py = pill or (0, 0)
    if pill and block.widths:
        pill_w = round(max(block.widths)) + 2 * px
        side = "right" if align == "start" and block.rtl else align
        left = {"center": (width - pill_w) // 2, "right": width - pill_w}.get(side, 0)
        draw.rounded_rectangle((left, 0, left + pill_w, height - 1), height // 2, 40)
    block_draw(draw, block, x=px, y=py, width=width - 2 * px, align=align,
               fill=round(255 * opacity))  # fmt: skip
    return mask


@lru_cache(maxsize=8)
def _rings(size: tuple[int, int]) -> Image.Image:
    w, h = size
    r = round(min(w, h) * 0.62)
    ring = Image.new("L", (r, r))
    d = ImageDraw.Draw(ring)
    d.ellipse((r // 5, -r // 2, r + r // 2, r * 4 // 5), outline=26, width=max(r // 45, 6))
    d.ellipse((r // 2, -r // 4, r + r // 2, r // 2), fill=16)
    return ring


def _decorate(im: Image.Image, ink: tuple[int, int, int]) -> None:
    """Two faint rings in the top-right corner: depth without competing with the text."""
    ring = _rings(im.size)
    im.paste(ink, (im.width - ring.width, 0), ring)


# A card of average length in the design, encoded in every format once to rank them.
_REFERENCE: dict[str, Any] = {
    "headline": "Alex, your result is a headline about this long",
    "name": "Alex",
    "subline": "Which one are you? Take the quiz and see",
}


@lru_cache(maxsize=256)
def _formats_rank(design: CardSpec, formats: tuple[str, ...]) -> tuple[str, ...]:
    """``formats`` ranked by the size of a reference card of the design (its
    background, colours, photo, quiz title, site name and whether it has a QR code), smallest
    first. Measured, not guessed: the reference card is encoded in every format once per
    design (about 30 ms, then cached); a design's cards differ only in their text, which
    barely moves the ratio between formats."""
    url = "https://example.com/s/Ab3dE9xQ" if design.share_url else ""
    im, _layout = card_draw(replace(design, **_REFERENCE, share_url=url))
    return tuple(ci.encodings_rank(im, formats=formats, max_bytes=MAX_BYTES[design.layout]))


def card_render(spec: CardSpec, *, formats: tuple[str, ...] = ("png", "jpeg")) -> RenderedCard:
    """Render ``spec`` and encode it once, in the format of ``formats`` predicted smallest.

    "The smaller of" means: the format that is smallest for a reference card of the same
    design (:func:`_formats_rank`, measured once per design and cached), so a card costs one
    encode, not one per format. For real cards the chosen file is within a few percent of the
    truly smallest one (``tests/sharing/test_cards.py`` checks representative cards: at most
    5% larger). A photo card skips PNG, which never wins on a photo and costs the most time.
    PNG is written as a palette image when that is lossless or within a few levels
    (:func:`sharing.cards.image.png_palette`: flat-colour cards), else as RGB. If the chosen
    format would exceed the layout's byte limit (``MAX_BYTES``: the og card stays under 300 KB
    for WhatsApp), the next one is tried, then JPEG at lower qualities. Deterministic: equal
    specs give equal bytes. No metadata is written.
    """
    if spec.layout not in LAYOUTS:
        raise ValueError(f"unknown card layout: {spec.layout!r}")
    if not formats:
        raise ValueError("no card format given")
    candidates = tuple(f for f in formats if not (spec.image and f == "png")) or formats
    if len(candidates) > 1:
        design = replace(spec, headline="", subline="", name="", share_url=spec.share_url and "q")
        candidates = _formats_rank(design, candidates)
    im, _layout = card_draw(spec)
    data, fmt = ci.image_encode(im, formats=candidates, max_bytes=MAX_BYTES[spec.layout])
    return RenderedCard(data, fmt, im.width, im.height, CONTENT_TYPES[fmt])


def card_inputs_hash(spec: CardSpec, *, formats: tuple[str, ...] = ("png", "jpeg")) -> str:
    """A stable 32-hex-digit digest of every render input (the spec, the formats, the
    design version and the fonts found), for an immutable file name: equal inputs, equal
    name."""
    fields = asdict(spec)
    image = fields.pop("image")
    fields["image"] = hashlib.sha256(image).hexdigest() if image is not None else None
    fields["formats"] = list(formats)
    fields["version"] = RENDER_VERSION
    # The same text draws more once the CJK or emoji font is installed: a new name, a new file.
    fields["fonts"] = fonts_signature()
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32]
