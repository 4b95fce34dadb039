"""The expression language of calculator variables and outcome conditions (spec: "Expressions").

A source is parsed once (formula_compiler.formula_compile) and walked against an allowlist; out
comes a small prefix program made of JSON lists, stored with the quiz version and evaluated
with floats:

    ["num", x]                      a finite literal, |x| <= MAX_MAGNITUDE
    ["name", key]                   a question key, a variable or `score`
    ["+", a, b, ...]                a sum, left to right; `a - b` compiles to ["+", a, ["neg", b]]
    ["*", a, b, ...]                a product, left to right
    ["/", a, b]  ["//", a, b]  ["%", a, b]  ["**", a, b]
    ["neg", a]  ["not", a]  ["and", a, b, ...]  ["or", a, b, ...]
    ["cmp", a, op, b, op, c, ...]   a chained comparison, op in < <= > >= == !=
    ["if", cond, then, else]
    ["call", fname, arg, ...]       fname in min max abs round floor ceil clamp

Sums and products are n-ary so that `q1 + q2 + ... + q40` is one level deep, not forty.
Stored programs are untrusted (they come from a database): evaluation re-checks every node,
bounds depth and work, and raises nothing but FormulaError.

Truth: comparisons, `and`, `or` and `not` give 1.0 or 0.0, and any non-zero number is true.
`and`, `or` and `x if c else y` short-circuit, so `n != 0 and 10 / n > 2` is safe.
`True`, `False` and `None` are refused: the spec's language has numbers only, and 1 and 0 say
the same thing without a second spelling for import and export to keep in step.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from quizzes.format.definition import Program

MAX_LENGTH = 500
MAX_MAGNITUDE = 1e15
MAX_DEPTH = 32
MAX_NODES = 2000  # a 500-character source compiles to far fewer; this bounds untrusted programs
MAX_EXPONENT = 1000
MAX_ROUND_DIGITS = 15

_LOG_MAX = math.log10(MAX_MAGNITUDE)
_TOO_LARGE = "a result is too large (over 1e15)"


class FormulaError(ValueError):
    """A formula that cannot be compiled or evaluated; `message` is written for the editor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_COMPARE_FUNCS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
    "!=": operator.ne,
}  # fmt: skip
# name: (fewest arguments, most arguments or None for no limit, what it takes in words)
FUNCTION_ARITY: dict[str, tuple[int, int | None, str]] = {
    "min": (2, None, "2 or more numbers"), "max": (2, None, "2 or more numbers"),
    "abs": (1, 1, "1 number"), "floor": (1, 1, "1 number"), "ceil": (1, 1, "1 number"),
    "round": (1, 2, "a number and, optionally, a number of digits"),
    "clamp": (3, 3, "3 numbers: clamp(x, lo, hi)"),
}  # fmt: skip


def formula_evaluate(program: Program, *, env: Mapping[str, float]) -> float:
    """The value of a compiled `program` with names taken from `env`: a finite float whose
    magnitude is at most MAX_MAGNITUDE.

    Raises FormulaError, and nothing else, on division or modulo by zero, a result that is
    too large or not a real number, a name missing from `env`, and a malformed program.
    """
    return _Evaluator(env).run(program, 1)


def formula_names(program: Program) -> set[str]:
    """The names `program` reads (on any branch). Raises FormulaError if it is malformed."""
    found: set[str] = set()
    stack: list[tuple[object, int]] = [(program, 1)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH or seen > MAX_NODES:
            raise _malformed()
        tag, args = _split(node)
        if tag == "name":
            if len(args) != 1 or not isinstance(args[0], str):
                raise _malformed()
            found.add(args[0])
        elif tag == "num":
            continue
        elif tag == "cmp":
            stack.extend((a, depth + 1) for a in args[::2])
        elif tag == "call":
            stack.extend((a, depth + 1) for a in args[1:])
        else:
            stack.extend((a, depth + 1) for a in args)
    return found


def arity_check(name: str, count: int) -> None:
    """Refuse a call of `name` with `count` arguments that it does not take."""
    low, high, wanted = FUNCTION_ARITY[name]
    if count < low or (high is not None and count > high):
        raise FormulaError(f"{name}() takes {wanted}, not {count}")


# --- evaluating --------------------------------------------------------------------------


def _malformed() -> FormulaError:
    return FormulaError("the stored formula is damaged; save the quiz again")


def _split(node: object) -> tuple[str, list]:
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        raise _malformed()
    return node[0], node[1:]


def _checked(value: float) -> float:
    if math.isnan(value):
        raise FormulaError("a result is not a number")
    if math.isinf(value) or abs(value) > MAX_MAGNITUDE:
        raise FormulaError(_TOO_LARGE)
    return value


def _as_float(value: float | Decimal | Fraction) -> float:
    try:
        number = float(value)  # huge ints and Fractions overflow, signalling Decimals refuse
    except (ArithmeticError, ValueError):
        raise FormulaError(_TOO_LARGE) from None
    return _checked(number)


class _Evaluator:
    def __init__(self, env: Mapping[str, float]) -> None:
        self.env = env
        self.budget = MAX_NODES

    def run(self, node: object, depth: int) -> float:
        # Recursion is bounded by MAX_DEPTH, work by MAX_NODES, whatever the stored program is.
        self.budget -= 1
        if depth > MAX_DEPTH or self.budget < 0:
            raise _malformed()
        tag, args = _split(node)
        if tag == "num":
            if len(args) != 1 or not isinstance(args[0], (int, float)) or isinstance(args[0], bool):
                raise _malformed()
            return _as_float(args[0])
        if tag == "name":
            return self.lookup(args)
        if tag in ("+", "*"):
            if len(args) < 2:
                raise _malformed()
            total = self.run(args[0], depth + 1)
            for arg in args[1:]:
                value = self.run(arg, depth + 1)
                total = _checked(total + value if tag == "+" else total * value)
            return total
        if tag in ("/", "//", "%", "**"):
            if len(args) != 2:
                raise _malformed()
            left, right = self.run(args[0], depth + 1), self.run(args[1], depth + 1)
            return _checked(_arithmetic(tag, left, right))
        if tag in ("neg", "not"):
            if len(args) != 1:
                raise _malformed()
            value = self.run(args[0], depth + 1)
            return -value if tag == "neg" else float(value == 0)
        if tag in ("and", "or"):
            if len(args) < 2:
                raise _malformed()
            wanted = tag == "or"  # `or` stops at the first true value, `and` at the first false
            for arg in args:
                if (self.run(arg, depth + 1) != 0) == wanted:
                    return float(wanted)
            return float(not wanted)
        if tag == "cmp":
            return self.compare(args, depth)
        if tag == "if":
            if len(args) != 3:
                raise _malformed()
            chosen = args[1] if self.run(args[0], depth + 1) != 0 else args[2]
            return self.run(chosen, depth + 1)
        if tag == "call":
            if not args or not isinstance(args[0], str) or args[0] not in FUNCTION_ARITY:
                raise _malformed()
            arity_check(args[0], len(args) - 1)
            values = [self.run(a, depth + 1) for a in args[1:]]
            return _checked(_FUNCTIONS[args[0]](*values))
        raise _malformed()

    def lookup(self, args: list) -> float:
        if len(args) != 1 or not isinstance(args[0], str):
            raise _malformed()
        key = args[0]
        if key not in self.env:
            raise FormulaError(f"no value for '{key}'")
        value: Any = self.env[key]
        if not isinstance(value, (int, float, Decimal, Fraction)):
            raise FormulaError(f"the value of '{key}' is not a number")
        return _as_float(value)

    def compare(self, args: list, depth: int) -> float:
        if len(args) < 3 or len(args) % 2 == 0:
            raise _malformed()
        left = self.run(args[0], depth + 1)
        for i in range(1, len(args), 2):
            op = args[i]
            if not isinstance(op, str) or op not in _COMPARE_FUNCS:
                raise _malformed()
            right = self.run(args[i + 1], depth + 1)
            if not _COMPARE_FUNCS[op](left, right):
                return 0.0
            left = right
        return 1.0


def _arithmetic(tag: str, a: float, b: float) -> float:
    if tag == "**":
        return _power(a, b)
    if b == 0:
        raise FormulaError("modulo by zero" if tag == "%" else "division by zero")
    try:
        return a / b if tag == "/" else a // b if tag == "//" else a % b
    except ArithmeticError:
        raise FormulaError(_TOO_LARGE) from None


def _power(base: float, exponent: float) -> float:
    # Every bound is checked before pow runs, so nothing huge is ever computed.
    if base == 0 and exponent < 0:
        raise FormulaError("division by zero")
    if abs(exponent) > MAX_EXPONENT:
        raise FormulaError(f"the exponent {_show(exponent)} is too large (at most {MAX_EXPONENT})")
    if base < 0 and not exponent.is_integer():
        raise FormulaError("a negative number to a fractional power has no real value")
    if base != 0 and math.log10(abs(base)) * exponent > _LOG_MAX:
        raise FormulaError(_TOO_LARGE)
    try:
        return math.pow(base, exponent)
    except (ArithmeticError, ValueError):
        raise FormulaError(_TOO_LARGE) from None


def _round(x: float, ndigits: float = 0.0) -> float:
    """Round half away from zero on the decimal value the editor sees: round(2.5) is 3,
    round(-2.5) is -3, round(78.25, 1) is 78.3 and round(2.675, 2) is 2.68, as taught at
    school; Python's round() would give 2, -2, 78.2 and 2.67 (banker's rounding on binary
    floats). `ndigits` is a whole number from -15 to 15; negative rounds to tens, hundreds...
    """
    if not ndigits.is_integer() or abs(ndigits) > MAX_ROUND_DIGITS:
        raise FormulaError(
            f"round() takes a whole number of digits from -{MAX_ROUND_DIGITS} to {MAX_ROUND_DIGITS}"
        )
    with localcontext() as ctx:
        ctx.prec = 60  # values are at most 1e15, so 60 digits always hold the exact result
        exact = Decimal(repr(x))  # repr is the shortest decimal that reads back as x
        return float(exact.quantize(Decimal(1).scaleb(-int(ndigits)), rounding=ROUND_HALF_UP))


def _show(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e16 else f"{x:g}"


def _clamp(x: float, lo: float, hi: float) -> float:
    if lo > hi:
        raise FormulaError(
            f"clamp(x, lo, hi) needs lo <= hi, got lo={_show(lo)} and hi={_show(hi)}"
        )
    return min(max(x, lo), hi)


_FUNCTIONS: dict[str, Callable[..., float]] = {
    "min": lambda *xs: min(xs), "max": lambda *xs: max(xs), "abs": abs, "round": _round,
    "floor": lambda x: float(math.floor(x)), "ceil": lambda x: float(math.ceil(x)),
    "clamp": _clamp,
}  # fmt: skip
