"""Pixels for result cards: backgrounds, photo cache, scrims, contrast, QR codes, encoding.

Pure Pillow and segno; no Django. Used by :mod:`sharing.cards.render`.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections import OrderedDict
from functools import lru_cache
from typing import cast

from PIL import Image, ImageChops, ImageDraw, ImageOps

from .qr import qr_matrix

Color = tuple[int, int, int]
PHOTO_CACHE_SIZE = 16
_photo_cache: OrderedDict[tuple[str, tuple[int, int]], Image.Image] = OrderedDict()


def color_parse(value: str | None, default: Color) -> Color:
    """``#rrggbb`` (or ``#rgb``) as an RGB tuple; anything else gives ``default``."""
    v = (value or "").strip().lstrip("#")
    if len(v) == 3:
        v = "".join(c * 2 for c in v)
    try:
        if len(v) != 6:
            raise ValueError(v)
        return (int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16))
    except ValueError:
        return default


def luminance(c: Color) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def lin(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: Color, b: Color, t: float) -> Color:
    """``a`` blended towards ``b`` by ``t`` (0..1)."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def background_samples(bg: Image.Image, box: tuple[int, int, int, int]) -> list[Color]:
    """The darkest-ish and lightest-ish greys under ``box`` (10th and 90th percentile luma),
    so contrast is judged against the hard parts of a gradient or photo, not just the mean."""
    x0, y0, x1, y1 = box
    grid = ((x1 - x0) // 24, (y1 - y0) // 24)  # a nearest-neighbour grid: cheap, good enough
    small = bg.crop(box).resize(grid, Image.Resampling.NEAREST) if bg.mode == "RGB" else bg
    small = small.convert("L")
    hist = small.histogram()
    total = sum(hist)
    out = []
    for q in (0.1, 0.5, 0.9):
        acc, target = 0, q * total
        for value, count in enumerate(hist):
            acc += count
            if acc >= target:
                out.append((value, value, value))
                break
    return out


@lru_cache(maxsize=8)
def _diagonal_ramp(size: tuple[int, int]) -> Image.Image:
    """0 at the top-left corner to 255 at the bottom-right, as an L image (cached per size)."""
    w, h = size
    across = Image.frombytes("L", (w, 1), bytes(x * 255 // max(w - 1, 1) for x in range(w)))
    down = Image.frombytes("L", (1, h), bytes(y * 255 // max(h - 1, 1) for y in range(h)))
    nearest = Image.Resampling.NEAREST
    return ImageChops.add(across.resize(size, nearest), down.resize(size, nearest), scale=2.0)


def gradient(size: tuple[int, int], start: Color, end: Color) -> Image.Image:
    """A diagonal gradient, ``start`` top-left to ``end`` bottom-right (three LUT passes over
    a cached ramp: about a millisecond for an og card)."""
    ramp = _diagonal_ramp(size)
    bands = [
        ramp.point([round(a + (b - a) * t / 255) for t in range(256)])
        for a, b in zip(start, end, strict=True)
    ]
    return Image.merge("RGB", bands)


@lru_cache(maxsize=8)
def _scrim(size: tuple[int, int], corners: tuple[int, int, int, int]) -> Image.Image:
    """The scrim's alpha: bilinear between the four corner values (cached per size)."""
    alpha = Image.new("L", (2, 2))
    alpha.putdata(list(corners))
    return alpha.resize(size, Image.Resampling.BILINEAR, box=(0.5, 0.5, 1.5, 1.5))


def scrim_apply(im: Image.Image, corners: tuple[int, int, int, int]) -> Image.Image:
    """``im`` darkened by black whose alpha runs bilinearly between the four corner values
    (top-left, top-right, bottom-left, bottom-right; 0-255)."""
    out = im.copy()
    out.paste((0, 0, 0), (0, 0, *im.size), _scrim(im.size, corners))
    return out


_digests: OrderedDict[int, tuple[bytes, str]] = OrderedDict()


def bytes_digest(data: bytes) -> str:
    """A 32-hex-digit digest of ``data``, remembered for the last few objects: a worker passes
    the same photo bytes object for every card of a quiz, so it is hashed once, not per card
    (the entry keeps the object alive, so its id cannot be reused meanwhile)."""
    hit = _digests.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    _digests[id(data)] = (data, digest)
    while len(_digests) > PHOTO_CACHE_SIZE:
        _digests.popitem(last=False)
    return digest


def photo_background(
    data: bytes, size: tuple[int, int], scrim: tuple[int, int, int, int]
) -> Image.Image | None:
    """The photo cover-cropped to ``size`` with the scrim applied, or None if unreadable.

    Kept in a small LRU keyed by (hash of the bytes, size, scrim): a quiz's photo is decoded
    once per layout, not once per card. Callers must not modify the returned image.
    """
    key = (bytes_digest(data) + repr(scrim), size)
    cached = _photo_cache.get(key)
    if cached is not None:
        _photo_cache.move_to_end(key)
        return cached
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG", "JPEG", "WEBP"]) as src:
                # JPEG draft decoding: a 4000 px photo decodes at 1/2..1/8 scale, much faster.
                src.draft("RGB", (size[0] * 2, size[1] * 2))
                src.load()
                photo = ImageOps.exif_transpose(src).convert("RGB")
    except Exception:  # any unreadable image: the caller falls back to colours
        return None
    fitted = ImageOps.fit(photo, size, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    result = scrim_apply(fitted, scrim)
    _photo_cache[key] = result
    while len(_photo_cache) > PHOTO_CACHE_SIZE:
        _photo_cache.popitem(last=False)
    return result


@lru_cache(maxsize=8)
def _qr_blank(size: int) -> Image.Image:
    """A ``size`` px white rounded square with smooth corners, as RGBA (cached per size)."""
    mask = Image.new("L", (size * 2, size * 2))
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size * 2 - 1, size * 2 - 1), size // 5, 255)
    panel = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    panel.putalpha(mask.resize((size, size), Image.Resampling.LANCZOS))
    return panel


@lru_cache(maxsize=64)
def qr_panel(url: str, size: int) -> Image.Image | None:
    """A ``size`` px white rounded square with the QR code of ``url`` centred in it, as RGBA,
    or None if the code would need modules under 2 px (too dense to scan from a screen).
    Callers must not modify the returned image (it is cached)."""
    matrix = qr_matrix(url)
    n = len(matrix)
    scale = size // (n + 5)  # at least 2.5 modules of white quiet zone on each side
    if scale < 2:
        return None
    modules = b"".join(row for row in matrix).translate(_DARK_TO_INK)
    code = Image.frombytes("L", (n, n), modules).resize((n * scale,) * 2, Image.Resampling.NEAREST)
    panel = _qr_blank(size).copy()
    offset = (size - n * scale) // 2
    panel.paste(code.convert("RGB"), (offset, offset))
    return panel


_DARK_TO_INK = bytes([255] + [0] * 255)  # a module byte: 0 light -> 255, else dark -> 0


def _jpeg_strip_app0(data: bytes) -> bytes:
    """Drop the JFIF APP0 segment (version and pixel density): metadata no viewer needs."""
    if data[:4] == b"\xff\xd8\xff\xe0":
        length = int.from_bytes(data[4:6], "big")
        return data[:2] + data[4 + length :]
    return data


# 4:2:0 chroma costs nothing visible on text at these qualities and a third of the bytes.
_JPEG_STEPS = ((86, 2), (80, 2), (72, 2), (64, 2), (54, 2), (42, 2))  # (quality, subsampling)
_WEBP_STEPS = (86, 78, 70, 60, 48)
# zlib's level 3, not its default 6: the square card (1080 x 1080, the picture a visitor saves
# or shares, drawn for every result) cost 47 ms at 6, 39 of them in zlib; at 3 a flat card's
# PNG takes a third of the time for a quarter more bytes, and a gradient's RGB PNG grows past
# its JPEG, which the format ranking then picks: 4 times faster (benchmarks/card_worker.py).
PNG_LEVEL = 3
PALETTE_SCAN = 1024  # images with more distinct colours than this are written as RGB PNG
PALETTE_TOLERANCE = 6  # the largest channel error a palette PNG may make (of 255)


def png_palette(im: Image.Image) -> Image.Image | None:
    """``im`` as a palette image if no pixel moves more than ``PALETTE_TOLERANCE`` levels in
    any channel (checked on the whole image), else None.

    For cards of up to ``PALETTE_SCAN`` colours (flat backgrounds: the colour, the text colour
    and the antialiasing between them), the 256 commonest colours make the palette. Pillow maps
    pixels to it through a 6-bit-per-channel cache, so even a 256-colour image can move by a
    level or two: visually lossless, not bit-exact; the PNG is less than half the size of the
    RGB one and several times faster to write. Gradients and photos have thousands of
    colours and get None (a palette would band them).
    """
    colors = im.getcolors(PALETTE_SCAN)
    if colors is None:
        return None
    colors.sort(key=lambda c: (-c[0], c[1]))
    keep = [c for _n, c in colors[:256]]
    flat = [v for c in keep for v in cast(tuple[int, ...], c)]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + flat[:3] * (256 - len(keep)))
    out = im.quantize(palette=palette, dither=Image.Dither.NONE)
    extrema = cast(
        tuple[tuple[int, int], ...], ImageChops.difference(im, out.convert("RGB")).getextrema()
    )
    worst = max(hi for _lo, hi in extrema)
    return out if worst <= PALETTE_TOLERANCE else None


def encode_one(im: Image.Image, fmt: str, *, max_bytes: int) -> bytes:
    """``im`` in one format, with nothing but pixels: no EXIF, ICC, text chunks or JFIF
    header. PNG: palette when :func:`png_palette` allows, else RGB; zlib level PNG_LEVEL.
    JPEG (4:2:0, optimised Huffman tables) and WebP start at quality 86 and step down until
    they fit ``max_bytes`` (PNG is lossless and does not step; it may come out larger)."""
    if fmt == "png":
        buf = io.BytesIO()
        (png_palette(im) or im).save(buf, "PNG", compress_level=PNG_LEVEL)
        return buf.getvalue()
    if fmt == "jpeg":
        for quality, sub in _JPEG_STEPS:
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=quality, subsampling=sub, optimize=True)
            data = _jpeg_strip_app0(buf.getvalue())
            if len(data) <= max_bytes:
                break
        return data
    if fmt == "webp":
        for quality in _WEBP_STEPS:
            buf = io.BytesIO()
            im.save(buf, "WEBP", quality=quality, method=1)
            data = buf.getvalue()
            if len(data) <= max_bytes:
                break
        return data
    raise ValueError(f"unknown card format: {fmt!r}")


def image_encode(im: Image.Image, *, formats: tuple[str, ...], max_bytes: int) -> tuple[bytes, str]:
    """The first encoding of ``im`` in ``formats`` order that fits ``max_bytes`` (see
    :func:`encode_one`); ``formats`` is a ranking, best first. If none fits, JPEG is used: the
    byte limit (WhatsApp's) wins over the format wish.
    """
    tried: dict[str, bytes] = {}
    for fmt in formats:
        tried[fmt] = encode_one(im, fmt, max_bytes=max_bytes)
        if len(tried[fmt]) <= max_bytes:
            return tried[fmt], fmt
    if "jpeg" not in tried:
        tried["jpeg"] = encode_one(im, "jpeg", max_bytes=max_bytes)
    return tried["jpeg"], "jpeg"


def encodings_rank(im: Image.Image, *, formats: tuple[str, ...], max_bytes: int) -> list[str]:
    """``formats`` ordered by the size of ``im`` encoded in each, smallest first (slow: every
    format is encoded; used once per card design to predict the winner)."""
    sizes = {fmt: len(encode_one(im, fmt, max_bytes=max_bytes)) for fmt in formats}
    return sorted(formats, key=lambda f: (sizes[f], formats.index(f)))
