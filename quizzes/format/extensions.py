"""The file's top-level extensions of the spec that only need a check of their own: `cover`
(the quiz's list and intro image, a path in the bundle) and `theme` (format/theme.py). Each
is in the definition only when the file gives it, so files without it read as before."""

from __future__ import annotations

from typing import Any

from quizzes.format.checks import Checker, image_path_ok
from quizzes.format.theme import theme_check


def extensions_check(ck: Checker, top: dict[str, Any]) -> dict[str, Any]:
    """The normalised `cover` and `theme` of the file's top object `top` (those it has)."""
    out: dict[str, Any] = {}
    if "cover" in top:
        out["cover"] = _cover_check(ck, top["cover"])
    theme = theme_check(ck, top)
    if theme is not None:
        out["theme"] = theme
    return out


def _cover_check(ck: Checker, cover: object) -> str | None:
    if isinstance(cover, str) and image_path_ok(cover):
        return cover
    ck.add(
        "cover",
        "must be a relative path inside the bundle (no '..'), ending in .png, .jpg, .jpeg or .webp",
    )
    return None
