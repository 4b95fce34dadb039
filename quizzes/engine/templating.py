"""Placeholders in outcome titles, descriptions and card text (spec: "Templates").

`{key}` prints a value, `{key:SPEC}` prints a number with a format spec, `{{` and `}}` are
literal braces. A key is `[A-Za-z_][A-Za-z0-9_]*`; a spec is one of `,`, `.Nf` or `,.Nf` with
N from 0 to 6 (`,` groups thousands, `.Nf` fixes N decimals). Nothing else is accepted, and
nothing here ever calls `str.format`, so a template cannot reach attributes or indexes.

Numbers round half away from zero on their decimal value, like `round` in formulas: 78.25
with `.1f` prints 78.3. Without a spec they print with at most 2 decimals and no trailing
zeros (78.50 -> "78.5", 80.0 -> "80", -0.0 -> "0").
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from collections.abc import Collection, Mapping
from decimal import Decimal

from quizzes.engine.numbers import number_text

KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SPEC_RE = re.compile(r",|,?\.[0-6]f")
_SPECS_IN_WORDS = "use ',', '.1f' or ',.2f' (0 to 6 decimals)"
_BRACE_RE = re.compile(r"[{}]")
_SHOWN = 40  # characters of a bad placeholder quoted back in a message
_ALLOWED_SHOWN = 12  # placeholders listed in a message about an unknown one


class TemplateError(ValueError):
    """A text whose placeholders cannot be read; `message` is written for the editor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# A parsed text: literal strings and (key, spec or None) placeholders, in order.
_Part = str | tuple[str, str | None]


def template_names(text: str) -> set[str]:
    """The keys of the placeholders in `text`.

    Raises TemplateError (and nothing else, whatever `text` is) for an unbalanced brace, an
    empty or invalid placeholder, and a format spec outside SPEC_RE.
    """
    return {part[0] for part in _parsed(text) if isinstance(part, tuple)}


def template_check(text: str, *, names: Collection[str]) -> list[str]:
    """Problems with `text` in plain words, empty when it is fine: its syntax error if any,
    else one "unknown placeholder {key}" per key not in `names`, in order of appearance,
    each saying which placeholders the text may use instead (`names` in their order; a set
    sorted): "unknown placeholder {name}: use {q1}, {score}".
    """
    try:
        parts = _parsed(text)
    except TemplateError as exc:
        return [exc.message]
    unknown = [p[0] for p in parts if isinstance(p, tuple) and p[0] not in names]
    if not unknown:
        return []
    allowed = _allowed_text(names)
    return [f"unknown placeholder {{{key}}}: {allowed}" for key in dict.fromkeys(unknown)]


def _allowed_text(names: Collection[str]) -> str:
    ordered = sorted(names) if isinstance(names, (set, frozenset)) else list(dict.fromkeys(names))
    if not ordered:
        return "this text takes no placeholders"
    shown = ", ".join(f"{{{name}}}" for name in ordered[:_ALLOWED_SHOWN])
    return f"use {shown}" + (", ..." if len(ordered) > _ALLOWED_SHOWN else "")


def template_render(
    text: str, *, context: Mapping[str, object], html: bool = False, language: str | None = None
) -> str:
    """`text` with its placeholders filled from `context`; with `html=True`, the whole result
    (the template's own text too) is HTML-escaped, `&<>"'` included. Numbers use the
    separators of `language` (the quiz's: "12 345,5" in French), else "12,345.5".

    A key missing from `context`, None and bools print as ""; strings print as given; numbers
    as the module docstring says. Raises TemplateError only for a text `template_names`
    refuses; for any other text it does not raise, whatever the context holds.
    """
    out = []
    for part in _parsed(text):
        if isinstance(part, str):
            out.append(part)
        else:
            key, spec = part
            out.append(_value_text(context.get(key), spec, language))
    rendered = "".join(out)
    return html_lib.escape(rendered, quote=True) if html else rendered


# --- parsing -----------------------------------------------------------------------------


def _parsed(text: str) -> tuple[_Part, ...]:
    if not isinstance(text, str):  # checked before the cache, which needs a hashable key
        raise TemplateError("a template must be text")
    return _parse(text)


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> tuple[_Part, ...]:
    # The same few texts are rendered for every visitor, so parsing once pays off.
    parts: list[_Part] = []
    literal: list[str] = []
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char == "{" and text.startswith("{{", i):
            literal.append("{")
            i += 2
        elif char == "}" and text.startswith("}}", i):
            literal.append("}")
            i += 2
        elif char == "}":
            raise TemplateError(
                f"unbalanced braces: '}}' at character {i + 1} has no '{{' before it "
                "(write '}}' for a literal brace)"
            )
        elif char == "{":
            close = text.find("}", i + 1)
            if close == -1:
                raise TemplateError(
                    f"unbalanced braces: '{{' at character {i + 1} is never closed "
                    "(write '{{' for a literal brace)"
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_placeholder(text[i + 1 : close]))
            i = close + 1
        else:
            # Copy the run up to the next brace in one go; a regex keeps the scan linear.
            brace = _BRACE_RE.search(text, i)
            stop = brace.start() if brace else end
            literal.append(text[i:stop])
            i = stop
    if literal:
        parts.append("".join(literal))
    return tuple(parts)


def _placeholder(inner: str) -> tuple[str, str | None]:
    if not inner:
        raise TemplateError("empty placeholder {}")
    key, colon, spec = inner.partition(":")
    if not KEY_RE.fullmatch(key):
        raise TemplateError(
            f"invalid placeholder {{{_shorten(inner)}}}: a name is letters, digits and _, "
            "not starting with a digit"
        )
    if colon and not SPEC_RE.fullmatch(spec):
        raise TemplateError(f"wrong format string {{{_shorten(inner)}}}: {_SPECS_IN_WORDS}")
    return key, spec if colon else None


def _shorten(inner: str) -> str:
    return inner if len(inner) <= _SHOWN else inner[: _SHOWN - 3] + "..."


# --- values ------------------------------------------------------------------------------


def _value_text(value: object, spec: str | None, language: str | None = None) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value  # a spec on a text answer is ignored: the text prints as typed
    if isinstance(value, (int, float, Decimal)):
        return _number_text(value, spec, language)
    try:
        return str(value)
    except Exception:  # any __str__ may fail, and rendering must not
        return ""


def _number_text(
    value: int | float | Decimal, spec: str | None = None, language: str | None = None
) -> str:
    """`value` as a template prints it: with `spec` (see SPEC_RE) or, without one, at most 2
    decimals with trailing zeros dropped. Half rounds away from zero; "-0" prints as "0".
    Non-finite and absurdly large values (never produced by formulas) print as "".
    """
    places = int(spec[-2]) if spec is not None and spec.endswith("f") else None
    return number_text(
        value,
        places=2 if places is None else places,
        fixed=places is not None,
        grouped=spec is not None and spec.startswith(","),
        language=language,
    )
