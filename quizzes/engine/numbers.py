"""How a number prints, wherever it prints: pages, the `num` template filter, result and
card texts (templating), validation messages and charts. Pure: no Django.

Two ways, one function:
- exact (`places=None`): as people write it, 30 not 30.0 and 0.1 not 0.1000000001-style
  noise (a float's shortest repr), for bounds, steps and HTML attributes, where a rounded
  number would be a different number;
- rounded (`places=n`): at most n decimals with trailing zeros dropped (or exactly n with
  `fixed`), half away from zero on the decimal value shown (2.675 -> 2.68, as taught at
  school, never binary noise's 2.67), "-0" printed "0", thousands separated by "," when
  `grouped`. The spec's rule for templates ("at most 2 decimals, trailing zeros dropped")
  is `places=2`. With a `language`, the separators are that language's (`separators_for`):
  12,345.6 in English and Chinese, 12 345,6 in French, 12.345,6 in German.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

# A rounded number beyond 1e100 is no figure anyone computed (formulas stop at 1e15): it
# prints as nothing rather than as a hundred digits.
ROUNDED_MAX_EXPONENT = 100

# Thousands and decimal separators by language (CLDR's, Latin digits), for the languages that
# differ from "12,345.6". Not Django's locale formats: they group Chinese by nothing.
_SEPARATORS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("de", "es", "it", "nl", "pt", "id", "tr", "da", "el", "ro", "vi", "hr", "sl", "sr"),
        (".", ","),
    ),
    **dict.fromkeys(
        ("ru", "pl", "cs", "sk", "sv", "nb", "no", "nn", "fi", "uk", "hu", "bg", "lt", "lv"),
        ("\u00a0", ","),  # no-break space: a figure is never cut at the end of a line
    ),
    "fr": ("\u202f", ","),  # narrow no-break space, as French typography has it
    "pt-pt": ("\u00a0", ","),
}


def separators_for(language: str | None) -> tuple[str, str]:
    """(thousands, decimal) separators of a language tag ("fr", "pt-BR", "zh-hans")."""
    tag = (language or "").lower().replace("_", "-")
    return _SEPARATORS.get(tag) or _SEPARATORS.get(tag.split("-")[0]) or (",", ".")


def number_text(
    value: int | float | Decimal,
    *,
    places: int | None = None,
    fixed: bool = False,
    grouped: bool = False,
    language: str | None = None,
) -> str:
    """`value` as text (see the module docstring); never raises.

    Exact: a whole finite value prints without decimals, any other as its repr ("inf").
    Rounded: a non-finite or absurdly large value prints as "".
    """
    if places is None:
        if isinstance(value, int):
            return str(int(value))  # exact, however large (a float would round it)
        x = float(value)
        if math.isfinite(x) and x == int(x):
            return str(int(x))
        return repr(x)
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not exact.is_finite() or exact.adjusted() > ROUNDED_MAX_EXPONENT:
            return ""
        with localcontext() as ctx:
            ctx.prec = 200  # holds any value up to 1e100 with its decimals exactly
            rounded = exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
            if rounded.is_zero():
                rounded = rounded.copy_abs()
            shown = format(rounded, ",f" if grouped else "f")
    except (ArithmeticError, ValueError, TypeError):
        return ""
    if not fixed and "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    thousands, decimal = separators_for(language)
    if (thousands, decimal) != (",", "."):
        shown = shown.translate({ord(","): thousands, ord("."): decimal})
    return shown
