"""The expression language of calculator variables and outcome conditions (spec: "Expressions").

A source is parsed once with Python's `ast` and walked against an allowlist. What comes out is a
small prefix program made of JSON lists, stored with the quiz version and evaluated with floats:

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

import ast
import math
import operator
from collections.abc import Callable, Collection, Mapping
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
# Quotes and backslashes never belong in a formula; refusing them before parsing also keeps
# string literals (and the tokenizer warnings their escapes can raise) away from ast.parse.
_ALLOWED_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t\r\n"
    "+-*/%<>=!().,[]{}:;&|^~@#$?`"
)


class FormulaError(ValueError):
    """A formula that cannot be compiled or evaluated; `message` is written for the editor."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_BINARY = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**",
}  # fmt: skip
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_COMPARE_FUNCS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
    "!=": operator.ne,
}  # fmt: skip
_FORBIDDEN_OPERATORS = {
    ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<",
    ast.RShift: ">>", ast.Invert: "~", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
    ast.NotIn: "not in",
}  # fmt: skip
_REFUSED: dict[type[ast.AST], str] = {
    node: message
    for message, nodes in {
        "attribute access is not allowed": (ast.Attribute,),
        "subscripts like x[0] are not allowed": (ast.Subscript, ast.Slice),
        "lambda is not allowed": (ast.Lambda,),
        "the := operator is not allowed": (ast.NamedExpr,),
        "text is not allowed in a formula": (ast.JoinedStr, ast.FormattedValue),
        "comprehensions are not allowed": (ast.ListComp, ast.SetComp, ast.DictComp),
        "generators are not allowed": (ast.GeneratorExp,),
        "lists, tuples, sets and dicts are not allowed": (ast.List, ast.Tuple, ast.Set, ast.Dict),
        "*args is not allowed": (ast.Starred,),
        "yield and await are not allowed": (ast.Yield, ast.YieldFrom, ast.Await),
    }.items()
    for node in nodes
}
# name: (fewest arguments, most arguments or None for no limit, what it takes in words)
_ARITY: dict[str, tuple[int, int | None, str]] = {
    "min": (2, None, "2 or more numbers"), "max": (2, None, "2 or more numbers"),
    "abs": (1, 1, "1 number"), "floor": (1, 1, "1 number"), "ceil": (1, 1, "1 number"),
    "round": (1, 2, "a number and, optionally, a number of digits"),
    "clamp": (3, 3, "3 numbers: clamp(x, lo, hi)"),
}  # fmt: skip
_FUNCTION_LIST = "min, max, abs, round, floor, ceil and clamp"


def formula_compile(source: str, *, names: Collection[str]) -> Program:
    """Compile `source` into a program (see the module docstring) that reads only `names`.

    Raises FormulaError for a syntax error, anything outside the spec's language, a name not
    in `names`, a source over MAX_LENGTH characters, nesting deeper than MAX_DEPTH, and a
    literal that is not finite or whose magnitude passes MAX_MAGNITUDE.
    """
    if not isinstance(source, str):
        raise FormulaError("a formula must be text")
    if len(source) > MAX_LENGTH:
        raise FormulaError(
            f"the formula is too long ({len(source)} characters, at most {MAX_LENGTH})"
        )
    for position, char in enumerate(source, start=1):
        if char in "'\"":
            raise FormulaError("text is not allowed in a formula")
        if char == "#":
            # Python would read the rest of the line as a comment: text the spec does not have,
            # hidden from anyone reading the quiz's numbers.
            raise FormulaError(f"comments (#, at {position}) are not allowed in a formula")
        if char not in _ALLOWED_CHARS:
            raise FormulaError(f"the character {char!r} (at {position}) is not allowed")
    stripped = source.strip()  # ast.parse refuses leading spaces in eval mode
    if not stripped:
        raise FormulaError("the formula is empty")
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        where = ""
        if "\n" not in stripped and exc.offset is not None:
            lead = len(source) - len(source.lstrip())
            inside = 0 < exc.offset <= len(stripped)
            where = f" at character {exc.offset + lead}" if inside else " at the end"
        detail = "" if exc.msg == "invalid syntax" else f": {exc.msg}"
        raise FormulaError(f"syntax error{where}{detail}") from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise FormulaError("the formula cannot be read") from None
    return _compile(tree.body, frozenset(names), 1)


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


def formula_check(source: str, *, names: Collection[str]) -> FormulaError | None:
    """The error `formula_compile(source, names=names)` would raise, or None if it compiles."""
    try:
        formula_compile(source, names=names)
    except FormulaError as exc:
        return exc
    return None


# --- compiling ---------------------------------------------------------------------------


def _compile(node: ast.AST, names: frozenset[str], depth: int) -> list:
    # depth is the depth of the node being built, so it bounds both this recursion and the
    # depth of the program evaluation will walk.
    if depth > MAX_DEPTH:
        raise FormulaError(f"the formula is nested too deeply (at most {MAX_DEPTH} levels)")
    if isinstance(node, ast.Constant):
        return ["num", _literal(node.value)]
    if isinstance(node, ast.Name):
        if node.id.startswith("__"):
            raise FormulaError(f"the name '{node.id}' is not allowed")
        if node.id not in names:
            raise FormulaError(f"unknown name '{node.id}'")
        return ["name", node.id]
    if isinstance(node, ast.BinOp):
        op = _BINARY.get(type(node.op))
        if op is None:
            raise _operator_refused(node.op)
        if op in ("+", "-"):
            return _compile_chain(node, (ast.Add, ast.Sub), "+", names, depth)
        if op == "*":
            return _compile_chain(node, (ast.Mult,), "*", names, depth)
        return [op, _compile(node.left, names, depth + 1), _compile(node.right, names, depth + 1)]
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.UAdd):
            return _compile(node.operand, names, depth + 1)
        if isinstance(node.op, ast.USub):
            return ["neg", _compile(node.operand, names, depth + 1)]
        if isinstance(node.op, ast.Not):
            return ["not", _compile(node.operand, names, depth + 1)]
        raise _operator_refused(node.op)
    if isinstance(node, ast.BoolOp):
        tag = "and" if isinstance(node.op, ast.And) else "or"
        return [tag, *(_compile(v, names, depth + 1) for v in node.values)]
    if isinstance(node, ast.Compare):
        program: list = ["cmp", _compile(node.left, names, depth + 1)]
        for op_node, right in zip(node.ops, node.comparators, strict=True):
            op = _COMPARE.get(type(op_node))
            if op is None:
                raise _operator_refused(op_node)
            program += [op, _compile(right, names, depth + 1)]
        return program
    if isinstance(node, ast.IfExp):
        parts = (node.test, node.body, node.orelse)
        return ["if", *(_compile(p, names, depth + 1) for p in parts)]
    if isinstance(node, ast.Call):
        return _compile_call(node, names, depth)
    message = _REFUSED.get(type(node), f"{type(node).__name__} is not allowed")
    raise FormulaError(message)


def _compile_chain(
    node: ast.BinOp, ops: tuple[type, ...], tag: str, names: frozenset[str], depth: int
) -> list:
    # Walks the left spine iteratively: a long sum must neither recurse nor count as nesting.
    terms: list[list] = []
    current: ast.expr = node
    while isinstance(current, ast.BinOp) and isinstance(current.op, ops):
        if isinstance(current.op, ast.Sub):
            terms.append(["neg", _compile(current.right, names, depth + 2)])
        else:
            terms.append(_compile(current.right, names, depth + 1))
        current = current.left
    terms.append(_compile(current, names, depth + 1))
    return [tag, *reversed(terms)]


def _compile_call(node: ast.Call, names: frozenset[str], depth: int) -> list:
    if not isinstance(node.func, ast.Name):
        _compile(node.func, names, depth + 1)  # reports attributes, lambdas... in their words
        raise FormulaError(f"only the functions {_FUNCTION_LIST} can be called")
    name = node.func.id
    if name not in _ARITY:
        raise FormulaError(f"unknown function '{name}': use {_FUNCTION_LIST}")
    if node.keywords:
        raise FormulaError(f"{name}() takes no keyword arguments")
    if any(isinstance(a, ast.Starred) for a in node.args):
        raise FormulaError("*args is not allowed")
    _arity_check(name, len(node.args))
    return ["call", name, *(_compile(a, names, depth + 1) for a in node.args)]


def _arity_check(name: str, count: int) -> None:
    low, high, wanted = _ARITY[name]
    if count < low or (high is not None and count > high):
        raise FormulaError(f"{name}() takes {wanted}, not {count}")


def _literal(value: object) -> float:
    if value is None or isinstance(value, bool):
        raise FormulaError("True, False and None are not allowed: use 1 and 0")
    if isinstance(value, (str, bytes)):
        raise FormulaError("text is not allowed in a formula")
    if isinstance(value, complex):
        raise FormulaError("imaginary numbers are not allowed")
    if not isinstance(value, (int, float)):
        raise FormulaError(f"{value!r} is not allowed")
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:  # before float(): it may overflow
        raise FormulaError("a number in the formula is too large (at most 1e15)")
    number = float(value)
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
        raise FormulaError("a number in the formula is too large (at most 1e15)")
    return number


def _operator_refused(op: ast.AST) -> FormulaError:
    symbol = _FORBIDDEN_OPERATORS.get(type(op), type(op).__name__)
    return FormulaError(f"the operator '{symbol}' is not allowed")


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
            if not args or not isinstance(args[0], str) or args[0] not in _ARITY:
                raise _malformed()
            _arity_check(args[0], len(args) - 1)
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
