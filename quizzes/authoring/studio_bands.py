"""A score or trivia quiz's results as ranges on the scale of possible scores, with the gaps
(scores no result takes) and overlaps (scores two results take) in words, as the studio
shows them while the author types."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def number_or_none(x: object) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def score_range(document: dict[str, Any]) -> tuple[float, float]:
    """The lowest and highest score a visitor can get."""
    lo = hi = 0.0
    for q in document.get("questions") or []:
        if not isinstance(q, dict):
            continue
        if document.get("kind") == "trivia":
            if any(isinstance(c, dict) and c.get("correct") for c in q.get("choices") or []):
                hi += 1
            continue
        values = [
            number_or_none(c.get("value", 0)) or 0.0
            for c in q.get("choices") or []
            if isinstance(c, dict)
        ]
        if q.get("type") == "single" and values:
            lo += min(values)
            hi += max(values)
        elif q.get("type") == "multi":
            lo += sum(v for v in values if v < 0)
            hi += sum(v for v in values if v > 0)
        elif q.get("type") == "number":
            lo += number_or_none(q.get("min")) or 0.0
            hi += number_or_none(q.get("max")) or 0.0
    return lo, hi


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


def _whole(document: dict[str, Any]) -> bool:
    """Whether every score is a whole number (every value and number bound is)."""
    return all(
        float(v).is_integer()
        for q in document.get("questions") or []
        if isinstance(q, dict)
        for v in [
            *(
                number_or_none(c.get("value", 0)) or 0
                for c in q.get("choices") or []
                if isinstance(c, dict)
            ),
            *(
                number_or_none(q.get(k)) or 0
                for k in ("min", "max", "step")
                if q.get("type") == "number"
            ),
        ]
    )


def _gap(a: float, b: float) -> dict[str, str]:
    return {
        "kind": "gap",
        "text": _("Scores %(a)s to %(b)s get no result.") % {"a": _fmt(a), "b": _fmt(b)},
    }


def _notes(bands: list[dict[str, Any]], lo: float, hi: float, whole: bool) -> list[dict[str, str]]:
    notes: list[dict[str, str]] = []
    step = 1 if whole else 0
    cursor = lo
    for b in sorted(bands, key=lambda b: (b["min"], b["max"])):
        if b["min"] > cursor and b["min"] - step >= cursor:
            notes.append(_gap(cursor, min(b["min"] - step, hi)))
        cursor = max(cursor, b["max"] + step)
    if cursor <= hi and (whole or cursor < hi):
        notes.append(_gap(cursor, hi))
    for i, a in enumerate(bands):
        for b in bands[i + 1 :]:
            top, bottom = min(a["max"], b["max"]), max(a["min"], b["min"])
            if bottom <= top:
                text = _(
                    "Scores %(a)s to %(b)s fit both “%(x)s” and “%(y)s”: "
                    "“%(x)s” is listed first, so it wins."
                ) % {"a": _fmt(bottom), "b": _fmt(top), "x": a["title"], "y": b["title"]}
                notes.append({"kind": "overlap", "text": text})
    return notes


def bands_scale(document: dict[str, Any]) -> dict[str, Any]:
    """The outcomes' score ranges on the scale of possible scores, positioned for an SVG
    1000 wide, with the gaps and overlaps in words."""
    lo, hi = score_range(document)
    bands: list[dict[str, Any]] = []
    for i, o in enumerate(document.get("outcomes") or []):
        if not isinstance(o, dict):
            continue
        low, high = number_or_none(o.get("min")), number_or_none(o.get("max"))
        bands.append(
            {
                "index": i,
                "title": o.get("title") or _("Result %(n)s") % {"n": i + 1},
                "min": lo if low is None else low,
                "max": hi if high is None else high,
            }
        )
    notes = _notes(bands, lo, hi, _whole(document))
    span = max(hi - lo, 1e-9)
    for b in bands:
        left = (max(b["min"], lo) - lo) / span
        right = (min(b["max"], hi) - lo) / span
        b["x"] = round(max(0.0, min(left, 1.0)) * 1000)
        b["width"] = max(6, round(max(0.0, right - left) * 1000))
        b["range"] = f"{_fmt(b['min'])}–{_fmt(b['max'])}"
    return {"lo": _fmt(lo), "hi": _fmt(hi), "bands": bands, "notes": notes}
