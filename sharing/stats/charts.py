"""Server-side SVG charts for the stats page: no CDN, no JavaScript, no inline styles.

Each function returns SVG markup (safe to put in a page: every text is escaped) that scales to
its container through its viewBox. Colours are SVG presentation attributes, which the CSP
(style-src 'self') allows.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from quizzes.engine.numbers import number_text

from .body import DayField, DayStats

BRAND = "#4338ca"
SOFT = "#a5b4fc"
ACCENT = "#db2777"
GRID = "#e5e7eb"
MUTED = "#6b7280"
# Charts are drawn 400 units wide and shown at most 28rem wide (site.css .chart): 14-unit
# text stays >= 11 px on a 390 px phone and <= 16 px on a desktop.
WIDTH = 400
FONT = 14
SERIES: tuple[DayField, ...] = ("completions", "clicks", "referred_completions")
BAR_MAX = 36  # a day's column is never wider than this, so one day is not one big block


def _n(value: float) -> str:
    return number_text(value, places=1)  # SVG lengths: a tenth of a unit is plenty


def bars(rows: Sequence[tuple[str, int]], *, title: str, note: Sequence[str] = ()) -> SafeString:
    """Horizontal bars, one row per (label, value), widths relative to the largest value.

    Each label sits on its own line above its bar, the value at the line's end, so the
    chart stays narrow (400 units) and its 14-unit text is at least 11 px on a phone.
    `note` gives an optional text per row shown after the value (e.g. a drop-off).
    """
    width, row_h = WIDTH, 48
    height = max(row_h * len(rows) + 4, 40)
    top = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value) in enumerate(rows):
        y = 2 + i * row_h
        w = max(width * value / top, 2 if value else 0)
        extra = f" · {escape(note[i])}" if i < len(note) and note[i] else ""
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="{FONT}" fill="#111827">{escape(label)}</text>'
            f'<text x="{width}" y="{y + 16}" text-anchor="end" font-size="{FONT}" '
            f'font-weight="700" fill="#111827">{value}<tspan font-weight="400" '
            f'fill="{MUTED}">{extra}</tspan></text>'
            f'<rect x="0" y="{y + 22}" width="{width}" height="18" rx="5" fill="{GRID}"/>'
            f'<rect x="0" y="{y + 22}" width="{_n(w)}" height="18" rx="5" fill="{BRAND}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def days(by_day: Sequence[DayStats], *, title: str) -> SafeString:
    """Columns of completions per day, with clicks and referred completions as lines."""
    width, height, left, bottom, top_pad = WIDTH, 200, 36, 28, 12
    n = max(len(by_day), 1)
    series: dict[str, list[int]] = {
        key: [int(d.get(key, 0) or 0) for d in by_day] for key in SERIES
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
        f'<text x="{left - 6}" y="{_n(y(top) + 5)}" text-anchor="end" font-size="{FONT}" '
        f'fill="{MUTED}">{top}</text>',
        f'<text x="{left - 6}" y="{_n(y(0))}" text-anchor="end" font-size="{FONT}" '
        f'fill="{MUTED}">0</text>',
    ]
    for i, v in enumerate(series["completions"]):
        bar = min(max(step * 0.7, 1), BAR_MAX)
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
                f'<text x="{x}" y="{height - 8}" text-anchor="{anchor}" font-size="{FONT}" '
                f'fill="{MUTED}">{escape(str(by_day[i]["date"]))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
