"""Result cards: plain inputs in, image bytes out. Pure Pillow; no Django, no settings.

Three layouts (Open Graph, square, stories). A card has a colour, gradient or cover-cropped
photo background, a kicker (quiz title), the headline, the visitor's name, a subline and a
footer with the site name and a QR code of the share link. Text is cleaned
(:func:`text_clean`), laid out by :mod:`sharing.cardtext` and always drawn through a mask the
size of its box, so it can never leave the box or the card. See ``sharing/cardtext.py`` for
right-to-left text without libraqm.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from . import cardimage as ci
from .cardtext import TextBlock, block_draw, text_clean, text_fit

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

RENDER_VERSION = "cards-1"  # bump when the design changes: it is part of the inputs hash
LAYOUTS = {"og": (1200, 630), "square": (1080, 1080), "story": (1080, 1920)}
MAX_BYTES = {"og": 300_000, "square": 500_000, "story": 800_000}
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
    background: str = "#1e3a8a"
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
    align = _STYLE[spec.layout]["align"]
    if any(p.role == "kicker" for p in layout.texts):
        x0, y0, x1, y1 = layout.accent
        ImageDraw.Draw(im).rounded_rectangle((x0, y0, x1, y1), (y1 - y0) // 2, fill=text)
    for placed in layout.texts:
        _text_draw(im, placed, text, align, layout.name_pad if placed.role == "name" else None)
    if layout.qr_box:
        qr = ci.qr_panel(spec.share_url, layout.qr_box[2] - layout.qr_box[0])
        if qr is not None:
            im.paste(qr, layout.qr_box[:2], qr)
    return im, layout


def _text_draw(
    im: Image.Image,
    placed: PlacedText,
    color: tuple[int, int, int],
    align: str,
    pill: tuple[int, int] | None,
) -> None:
    """Draw one block through a mask the size of its box (so nothing spills out); the name
    sits in a translucent pill of the text colour."""
    x0, y0, x1, y1 = placed.box
    mask = Image.new("L", (x1 - x0, max(y1 - y0, 1)))
    draw = ImageDraw.Draw(mask)
    px, py = pill or (0, 0)
    if pill and placed.block.widths:
        width = round(max(placed.block.widths)) + 2 * px
        side = "right" if align == "start" and placed.block.rtl else align
        left = {"center": (x1 - x0 - width) // 2, "right": x1 - x0 - width}.get(side, 0)
        draw.rounded_rectangle((left, 0, left + width, mask.height - 1), mask.height // 2, 40)
    block_draw(draw, placed.block, x=px, y=py, width=x1 - x0 - 2 * px, align=align,
               fill=round(255 * placed.opacity))  # fmt: skip
    im.paste(color, (x0, y0), mask)


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


def card_render(spec: CardSpec, *, formats: tuple[str, ...] = ("png", "jpeg")) -> RenderedCard:
    """Render ``spec`` and return the smallest encoding among ``formats`` within the layout's
    byte limit (``MAX_BYTES``: the og card stays under 300 KB for WhatsApp). A photo card
    skips PNG, which never wins on a photo and costs the most time. No metadata is written."""
    im, _layout = card_draw(spec)
    candidates = tuple(f for f in formats if not (spec.image and f == "png")) or formats
    data, fmt = ci.image_encode(im, formats=candidates, max_bytes=MAX_BYTES[spec.layout])
    return RenderedCard(data, fmt, im.width, im.height, CONTENT_TYPES[fmt])


def card_inputs_hash(spec: CardSpec, *, formats: tuple[str, ...] = ("png", "jpeg")) -> str:
    """A stable 32-hex-digit digest of every render input (the spec, the formats and the
    design version), for an immutable file name: equal inputs, equal name."""
    fields = asdict(spec)
    image = fields.pop("image")
    fields["image"] = hashlib.sha256(image).hexdigest() if image is not None else None
    fields["formats"] = list(formats)
    fields["version"] = RENDER_VERSION
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32]
