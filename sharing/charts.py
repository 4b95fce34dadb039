"""Server-side SVG charts for the stats page: no CDN, no JavaScript, no inline styles.

Each function returns SVG markup (safe to put in a page: every text is escaped) that scales to
its container through its viewBox. Colours are SVG presentation attributes, which the CSP
(style-src 'self') allows.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BRAND = "#4338ca"
SOFT = "#a5b4fc"
ACCENT = "#db2777"
GRID = "#e5e7eb"
MUTED = "#6b7280"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bars(rows: Sequence[tuple[str, int]], *, title: str, note: Sequence[str] = ()) -> SafeString:
    """Horizontal bars, one row per (label, value), widths relative to the largest value.

    `note` gives an optional text per row shown after the value (e.g. a drop-off).
    """
    width, label_w, row_h = 640, 190, 34
    height = max(row_h * len(rows) + 8, 40)
    top = max((v for _, v in rows), default=0) or 1
    bar_w = width - label_w - 120
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * row_h
        w = max(bar_w * value / top, 2 if value else 0)
        extra = f" · {escape(note[i])}" if i < len(note) and note[i] else ""
        parts.append(
            f'<text x="{label_w - 10}" y="{y + 21}" text-anchor="end" font-size="14" '
            f'fill="#111827">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="24" rx="6" fill="{GRID}"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{_n(w)}" height="24" rx="6" fill="{BRAND}"/>'
            f'<text x="{label_w + bar_w + 8}" y="{y + 21}" font-size="14" font-weight="700" '
            f'fill="#111827">{value}<tspan font-weight="400" fill="{MUTED}">{extra}</tspan>'
            "</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def days(by_day: Sequence[dict[str, object]], *, title: str) -> SafeString:
    """Columns of completions per day, with clicks and referred completions as lines."""
    width, height, left, bottom, top_pad = 640, 220, 36, 28, 12
    n = max(len(by_day), 1)
    series = {
        key: [int(d.get(key, 0) or 0) for d in by_day]  # type: ignore[call-overload]
        for key in ("completions", "clicks", "referred_completions")
    }
    top = max([1, *series["completions"], *series["clicks"], *series["referred_completions"]])
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    step = plot_w / n

    def y(v: int) -> float:
        return top_pad + plot_h - plot_h * v / top

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{_n(y(0))}" x2="{width - 8}" y2="{_n(y(0))}" stroke="{GRID}"/>',
        f'<text x="{left - 6}" y="{_n(y(top) + 5)}" text-anchor="end" font-size="12" '
        f'fill="{MUTED}">{top}</text>',
        f'<text x="{left - 6}" y="{_n(y(0))}" text-anchor="end" font-size="12" '
        f'fill="{MUTED}">0</text>',
    ]
    for i, v in enumerate(series["completions"]):
        bar = max(step * 0.7, 1)
        x = left + i * step + (step - bar) / 2
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y(v))}" width="{_n(bar)}" height="{_n(y(0) - y(v))}" '
            f'rx="2" fill="{SOFT}"><title>{escape(str(by_day[i]["date"]))}: {v}</title></rect>'
        )
    for key, colour in (("clicks", BRAND), ("referred_completions", ACCENT)):
        points = " ".join(
            f"{_n(left + i * step + step / 2)},{_n(y(v))}" for i, v in enumerate(series[key])
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
        if n <= 62:  # few days: dots, so a single day still shows
            parts.extend(
                f'<circle cx="{_n(left + i * step + step / 2)}" cy="{_n(y(v))}" r="4" '
                f'fill="{colour}"/>'
                for i, v in enumerate(series[key])
            )
    if by_day:
        for i in sorted({0, len(by_day) - 1}):
            anchor = "start" if i == 0 else "end"
            x = left if i == 0 else width - 8
            parts.append(
                f'<text x="{x}" y="{height - 8}" text-anchor="{anchor}" font-size="12" '
                f'fill="{MUTED}">{escape(str(by_day[i]["date"]))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
