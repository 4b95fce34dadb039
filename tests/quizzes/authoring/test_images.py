"""Uploaded images: accepted by content, bounded, re-encoded without metadata."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from quizzes.authoring.images import ImageError, image_clean

# No database, broker or cache: the PostgreSQL + Redis pass skips these (tests/runner.py).
pytestmark = pytest.mark.pure


def encode(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def rgb(w: int = 40, h: int = 20) -> Image.Image:
    return Image.linear_gradient("L").resize((w, h)).convert("RGB")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def bomb_png(w: int = 30_000, h: int = 30_000) -> bytes:
    """A tiny PNG whose header declares w x h greyscale pixels."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (w + 1) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_it_accepts_png_jpeg_and_webp(fmt, ext):
    data, got_ext, w, h = image_clean(encode(rgb(), fmt))
    assert (got_ext, w, h) == (ext, 40, 20)
    assert Image.open(io.BytesIO(data)).format == fmt


def test_it_judges_by_content_not_name():
    # A PNG an editor named "photo.jpg": the bytes decide, so it stays a PNG.
    upload = encode(rgb(), "PNG")
    _data, ext, _w, _h = image_clean(upload)
    assert ext == "png"


@pytest.mark.parametrize(
    "data",
    [
        encode(rgb(), "GIF"),
        encode(rgb(), "BMP"),
        encode(rgb(), "TIFF"),
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b"just some text",
        b"",
        b"\x89PNG\r\n\x1a\n",
    ],
    ids=["gif", "bmp", "tiff", "svg", "text", "empty", "png-signature-only"],
)
def test_it_refuses_other_formats_and_junk(data):
    with pytest.raises(ImageError):
        image_clean(data)


def test_it_refuses_a_decompression_bomb_without_touching_the_global_limit():
    limit = Image.MAX_IMAGE_PIXELS
    with pytest.raises(ImageError, match="pixels"):
        image_clean(bomb_png())
    assert limit == Image.MAX_IMAGE_PIXELS


def test_it_refuses_too_many_pixels_and_too_many_bytes():
    with pytest.raises(ImageError, match="pixels"):
        image_clean(encode(rgb(200, 100), "PNG"), max_pixels=10_000)
    with pytest.raises(ImageError, match="larger"):
        image_clean(encode(rgb(), "PNG"), max_bytes=10)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_it_refuses_a_truncated_file(fmt):
    data = encode(rgb(400, 300).resize((400, 300)), fmt)
    with pytest.raises(ImageError, match="readable"):
        image_clean(data[: len(data) // 2])


def test_it_applies_exif_orientation_then_strips_exif():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    exif[0x010F] = "SecretCam"
    exif[0x9003] = "2024:01:01 12:00:00"
    data, ext, w, h = image_clean(encode(rgb(40, 20), "JPEG", exif=exif))
    assert (ext, w, h) == ("jpg", 20, 40)
    out = Image.open(io.BytesIO(data))
    assert len(out.getexif()) == 0
    assert "exif" not in out.info
    assert b"SecretCam" not in data


def test_it_drops_png_text_chunks_and_icc_profiles():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret-author")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data, *_ = image_clean(encode(rgb(), "PNG", pnginfo=info, icc_profile=icc))
    out = Image.open(io.BytesIO(data))
    assert b"secret-author" not in data
    assert "icc_profile" not in out.info
    assert not getattr(out, "text", {})


def test_alpha_is_kept_and_cmyk_becomes_rgb():
    rgba = Image.new("RGBA", (10, 10), (255, 0, 0, 128))
    data, ext, *_ = image_clean(encode(rgba, "PNG"))
    assert Image.open(io.BytesIO(data)).mode == "RGBA"
    cmyk = Image.new("CMYK", (10, 10), (0, 255, 255, 0))
    data, ext, *_ = image_clean(encode(cmyk, "JPEG"))
    assert (ext, Image.open(io.BytesIO(data)).mode) == ("jpg", "RGB")


@pytest.mark.parametrize("cut", [1, 8, 16, 33, 50, 100])
def test_any_prefix_of_a_png_raises_only_image_error(cut):
    data = encode(rgb(64, 64), "PNG")
    with pytest.raises(ImageError):
        image_clean(data[:cut])
