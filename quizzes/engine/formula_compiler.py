"""Compiling a formula's source into a program (the language: quizzes.engine.formulas).

The source is parsed once with Python's `ast` and walked against an allowlist; anything outside
the spec's language is refused with a message written for the editor.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Collection

from quizzes.engine.formulas import (
    FUNCTION_ARITY,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_MAGNITUDE,
    FormulaError,
    arity_check,
)
from quizzes.format.definition import Program

# Quotes and backslashes never belong in a formula; refusing them before parsing also keeps
# string literals (and the tokenizer warnings their escapes can raise) away from ast.parse.
_ALLOWED_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t\r\n"
    "+-*/%<>=!().,[]{}:;&|^~@#$?`"
)

_BINARY = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**",
}  # fmt: skip
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
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
_NEAR_LENGTH = 12  # characters of the formula quoted where a syntax error is
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
        raise _syntax_error(stripped, exc) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise FormulaError("the formula cannot be read") from None
    return _compile(tree.body, frozenset(names), 1)


def formula_check(source: str, *, names: Collection[str]) -> FormulaError | None:
    """The error `formula_compile(source, names=names)` would raise, or None if it compiles."""
    try:
        formula_compile(source, names=names)
    except FormulaError as exc:
        return exc
    return None


def _syntax_error(stripped: str, exc: SyntaxError) -> FormulaError:
    """Where a syntax error is, quoted from the formula ("at '* ('") rather than counted: the
    text an author sees may differ from the stored one before the error (the studio renames
    `q1` to a key made from the question), never the operators and brackets at it."""
    lines = stripped.split("\n")
    where = ""
    if exc.offset is not None and exc.lineno is not None and 0 < exc.lineno <= len(lines):
        line = lines[exc.lineno - 1]
        at = line[exc.offset - 1 :].strip() if 0 < exc.offset <= len(line) else ""
        if len(at) > _NEAR_LENGTH:
            at = at[:_NEAR_LENGTH].rstrip() + "..."
        last_line = exc.lineno == len(lines)
        where = f" at '{at}'" if at else " at the end" if last_line else ""
    detail = "" if exc.msg == "invalid syntax" else f": {exc.msg}"
    return FormulaError(f"syntax error{where}{detail}")


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
    if name not in FUNCTION_ARITY:
        raise FormulaError(f"unknown function '{name}': use {_FUNCTION_LIST}")
    if node.keywords:
        raise FormulaError(f"{name}() takes no keyword arguments")
    if any(isinstance(a, ast.Starred) for a in node.args):
        raise FormulaError("*args is not allowed")
    arity_check(name, len(node.args))
    return ["call", name, *(_compile(a, names, depth + 1) for a in node.args)]


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
