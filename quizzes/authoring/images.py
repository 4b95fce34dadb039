"""Uploaded quiz and outcome images: checked by content, bounded, re-encoded without metadata."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageCms, ImageOps

ACCEPTED = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


class ImageError(ValueError):
    """The bytes are not an image we accept; the message is fit to show to an editor."""


def image_clean(
    data: bytes, *, max_bytes: int = 5_000_000, max_pixels: int = 20_000_000
) -> tuple[bytes, str, int, int]:
    """Check an uploaded image and return ``(bytes, extension, width, height)``.

    Promises: only PNG, JPEG or WebP, judged by the content, never by a file name; at most
    ``max_bytes`` in and ``max_pixels`` decoded; EXIF orientation applied; the output carries
    no EXIF, XMP, ICC profile (converted to sRGB first) or text chunks. Anything else, including
    truncated or malformed bytes and decompression bombs, raises :class:`ImageError` and
    nothing else. The extension is ``"png"``, ``"jpg"`` or ``"webp"`` (the input's format).
    """
    if not data:
        raise ImageError("The image file is empty.")
    if len(data) > max_bytes:
        raise ImageError(f"The image is larger than {max_bytes // 1_000_000} MB.")
    try:
        with warnings.catch_warnings():
            # A bomb warning becomes an error here only; Image.MAX_IMAGE_PIXELS stays global.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _clean(data, max_pixels=max_pixels)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("The image has too many pixels.") from exc
    except Exception as exc:  # Pillow raises many types for broken files; all mean the same
        raise ImageError("The file is not a readable PNG, JPEG or WebP image.") from exc


def _clean(data: bytes, *, max_pixels: int) -> tuple[bytes, str, int, int]:
    with Image.open(io.BytesIO(data), formats=list(ACCEPTED)) as opened:
        im: Image.Image = opened
        ext = ACCEPTED.get(im.format or "")
        if ext is None:
            raise ImageError("Only PNG, JPEG and WebP images are accepted.")
        # The header's size is checked before any pixel is decoded.
        if im.width * im.height > max_pixels or im.width < 1 or im.height < 1:
            raise ImageError(f"The image has more than {max_pixels:,} pixels.")
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)  # animated WebP/APNG: the first frame only
        im.load()
        icc = im.info.get("icc_profile")
        im = ImageOps.exif_transpose(im)
        im = _to_rgb_family(im, icc)
    out = io.BytesIO()
    if ext == "png":
        im.save(out, "PNG", optimize=True)
    elif ext == "jpg":
        im = im.convert("RGB")
        im.save(out, "JPEG", quality=90, optimize=True, progressive=True)
    else:
        im.save(out, "WEBP", quality=90, method=4)
    return out.getvalue(), ext, im.width, im.height


def _to_rgb_family(im: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB or RGBA (L/LA/P kept where they are smaller and safe), in sRGB, with no info."""
    if im.mode in ("CMYK", "YCbCr", "LAB", "HSV", "I", "I;16", "F") or icc:
        has_alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
        target = "RGBA" if has_alpha else "RGB"
        if icc:
            im = _icc_to_srgb(im, icc, target)
        if im.mode != target:
            im = im.convert(target)
    elif im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode not in ("RGB", "RGBA", "L", "LA"):
        im = im.convert("RGBA")
    clean = im.copy()
    clean.info = {}
    return clean


def _icc_to_srgb(im: Image.Image, icc: bytes, target: str) -> Image.Image:
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if im.mode not in ("RGB", "RGBA", "CMYK", "L"):
            im = im.convert("RGBA" if target == "RGBA" else "RGB")
        alpha = im.getchannel("A") if im.mode == "RGBA" else None
        base = im.convert("RGB") if im.mode == "RGBA" else im
        converted = ImageCms.profileToProfile(
            base, src, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
        if converted is None:
            return im
        if alpha is not None:
            converted.putalpha(alpha)
        return converted
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im  # an unusable profile is dropped; the pixels are kept as they are
