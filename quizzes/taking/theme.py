"""A quiz's theme as a stylesheet: /q/<slug>/theme.css sets the design system's custom
properties (static/css/site.css) for the pages of that quiz.

A stylesheet of its own rather than a <style> element or style attributes: the CSP allows
neither without a nonce, and a file named by the version is cached like any static file.
"""

from __future__ import annotations

from collections.abc import Callable

from quizzes.format.definition import Theme
from quizzes.format.theme import THEME_FONTS, colour_contrast

TEXT_CONTRAST_MIN = 4.5


def _mix(colour: str, other: str, t: float) -> str:
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def brand_strong(brand: str) -> str:
    """The brand darkened just enough to carry text: white labels on buttons and links on a
    white card reach 4.5:1 (import only promises 3:1, enough for borders and rings)."""
    for step in range(21):
        candidate = _mix(brand, "#000000", step * 0.05)
        if colour_contrast(candidate, "#ffffff") >= TEXT_CONTRAST_MIN:
            return candidate
    return "#000000"


def theme_stylesheet(*, theme: Theme, font_url: Callable[[str], str]) -> str:
    """The CSS of a theme; `font_url` gives the URL of a file under static/fonts/."""
    props: list[str] = []
    faces: list[str] = []
    if brand := theme.get("brand"):
        strong = brand_strong(brand)
        props += [
            f"--brand: {brand};",
            f"--brand-strong: {strong};",
            f"--tint: {_mix(brand, '#ffffff', 0.9)};",
        ]
    if background := theme.get("background"):
        props.append(f"--bg: {background};")
    if (font := theme.get("font")) and font in THEME_FONTS:
        family = THEME_FONTS[font]
        for weight in (400, 700):
            url = font_url(f"fonts/{font}-latin-{weight}-normal.woff2")
            faces.append(
                f'@font-face {{ font-family: "{family}"; font-style: normal; '
                f"font-weight: {weight}; font-display: swap; "
                f'src: url("{url}") format("woff2"); }}'
            )
        # Latin from the bundled font; every other script from the system stack after it.
        props.append(f'--font: "{family}", var(--system);')
    rules = [*faces]
    if props:
        rules.append(":root { " + " ".join(props) + " }")
    return "\n".join(rules) + "\n"
