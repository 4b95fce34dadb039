"""What visitors (and API clients) are shown of a quiz and a result: plain dicts.

The API returns these as JSON and the pages render them, so both say the same thing. A quiz
as a visitor sees it never carries a choice's value, points or correctness, nor expressions
or outcome rules: only what it takes to answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.storage import default_storage
from django.urls import reverse

from .models import CardStatus, Result

QUESTION_FIELDS = (
    "key",
    "type",
    "prompt",
    "help",
    "required",
    "min",
    "max",
    "step",
    "unit",
    "max_length",
    "min_choices",
    "max_choices",
)
CARD_SIZE = (1200, 630)
SECONDS = {"single": 6, "multi": 6, "number": 8, "text": 8}

Absolute = Callable[[str], str]


def quiz_public(definition: dict[str, Any]) -> dict[str, Any]:
    """The published quiz as api.md shows it: every question field, null where not set."""
    return {
        "slug": definition["slug"],
        "title": definition["title"],
        "description": definition.get("description") or "",
        "kind": definition["kind"],
        "language": definition.get("language") or "en",
        "questions": [
            {
                **{name: q.get(name) for name in QUESTION_FIELDS},
                "help": q.get("help") or "",
                "unit": q.get("unit") or "",
                "choices": [{"key": c["key"], "label": c["label"]} for c in q.get("choices", [])],
            }
            for q in definition["questions"]
        ],
    }


def quiz_seconds(definition: dict[str, Any]) -> int:
    """About how long a take lasts: ~6 s a choice question, ~8 s a number or text."""
    return sum(SECONDS.get(q["type"], 8) for q in definition["questions"])


def _storage_url(name: str, absolute: Absolute) -> str | None:
    if not name:
        return None
    url = default_storage.url(name)
    return url if url.startswith(("http://", "https://")) else absolute(url)


def result_image(result: Result, *, fallback_card: str, absolute: Absolute) -> dict[str, Any]:
    """{status, url, width, height} of a result's card; the quiz's fallback while pending."""
    try:
        from sharing.card_jobs import result_image_info
    except ImportError:
        result_image_info = None
    if result_image_info is not None:
        info = dict(result_image_info(result))
        if info.get("url") and not str(info["url"]).startswith(("http://", "https://")):
            info["url"] = absolute(info["url"])
        return info
    width, height = CARD_SIZE
    if result.card_status == CardStatus.READY and result.card_name:
        url = _storage_url(result.card_name, absolute)
        return {"status": "ready", "url": url, "width": width, "height": height}
    return {
        "status": result.card_status,
        "url": _storage_url(fallback_card, absolute),
        "width": width,
        "height": height,
    }


def result_body(
    result: Result, *, slug: str, share_code: str | None, fallback_card: str, absolute: Absolute
) -> dict[str, Any]:
    """The result body of api.md, with absolute URLs."""
    return {
        "id": result.id,
        "quiz": slug,
        "outcome": {
            "key": result.outcome_key,
            "title": result.title,
            "description": result.description,
        },
        "score": number(result.score),
        "max_score": number(result.max_score),
        "values": {k: number(v) for k, v in (result.values or {}).items()},
        "result_url": absolute(reverse("quizzes:result", args=[result.id])),
        "share_url": absolute(reverse("sharing:landing", args=[share_code]))
        if share_code
        else None,
        "image": result_image(result, fallback_card=fallback_card, absolute=absolute),
    }


def number(value: Any) -> Any:
    """7.0 -> 7 (JSON reads better), other floats as they are, None as None."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value
