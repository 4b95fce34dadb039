"""The stored images a visitor sees on a question and its answers: their URL and size.

A published definition names each image by its storage name (rows.py stores it). Pages give
every image its width and height so nothing moves while it loads; the size is read from the
file's header once and cached (a stored file never changes: a new upload gets a new name).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)
SIZE_CACHE_SECONDS = 7 * 24 * 3600
MISSING_CACHE_SECONDS = 60  # a file not stored yet (a draft's upload) may be there soon


def image_url(name: str) -> str:
    """The (site-relative or absolute, as the storage says) URL of a stored image."""
    return default_storage.url(name)


def image_size(name: str) -> tuple[int, int] | None:
    """(width, height) of a stored image, None if it cannot be read."""
    key = f"imgsize:{name}"
    cached = cache.get(key)
    if cached is not None:
        return tuple(cached) if cached else None  # type: ignore[return-value]
    try:
        with default_storage.open(name, "rb") as f, Image.open(f) as img:
            size: tuple[int, int] | None = img.size
    except (OSError, UnidentifiedImageError, ValueError):
        logger.warning("cannot read the size of the stored image %r", name)
        size = None
    if size:
        cache.set(key, list(size), SIZE_CACHE_SECONDS)
    else:
        cache.set(key, [], MISSING_CACHE_SECONDS)
    return size
