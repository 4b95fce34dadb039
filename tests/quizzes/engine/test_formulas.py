"""The expression language: hand-computed values, the spec example, sandbox-escape payloads,
and fuzzing that nothing but FormulaError ever comes out."""

from __future__ import annotations

import itertools
import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.engine.formula_compiler import formula_check, formula_compile
from quizzes.engine.formulas import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_MAGNITUDE,
    FormulaError,
    formula_evaluate,
    formula_names,
)

# No database, broker or cache: the PostgreSQL + Redis pass skips these (tests/runner.py).
pytestmark = pytest.mark.pure

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "spec-examples" / "weight-in-10-years.json"
ENV = {"x": 2.0, "y": -3.0, "z": 0.0, "weight": 80.0}


def run(source: str, **env: float) -> float:
    env = env or ENV
    return formula_evaluate(formula_compile(source, names=env.keys()), env=env)


def refusal(source: str) -> str:
    """The message of the FormulaError that compiling or evaluating `source` raises."""
    with pytest.raises(FormulaError) as caught:
        run(source)
    assert caught.value.message
    return caught.value.message


def is_sane(value: object) -> bool:
    return type(value) is float and math.isfinite(value) and abs(value) <= MAX_MAGNITUDE


# --- hand-computed values ----------------------------------------------------------------

HAND_COMPUTED = [
    ("1 + 2", 3.0),
    ("7 - 10", -3.0),
    ("10 - 2 - 3", 5.0),
    ("6 * 7", 42.0),
    ("2 * 3 * 4", 24.0),
    ("7 / 2", 3.5),
    ("100 / 10 / 5", 2.0),
    ("7 // 2", 3.0),
    ("-7 // 2", -4.0),
    ("7.5 // 2", 3.0),
    ("7 % 3", 1.0),
    ("-7 % 3", 2.0),
    ("7.5 % 2", 1.5),
    ("2 ** 10", 1024.0),
    ("2 ** -2", 0.25),
    ("9 ** 0.5", 3.0),
    ("(-2) ** 3", -8.0),
    ("-2 ** 2", -4.0),
    ("2 ** 3 ** 2", 512.0),
    ("10 ** 15", 1e15),
    ("+5", 5.0),
    ("--5", 5.0),
    ("-x", -2.0),
    ("1 + 2 * 3", 7.0),
    ("(1 + 2) * 3", 9.0),
    ("x - y", 5.0),
    ("1 < 2", 1.0),
    ("2 < 1", 0.0),
    ("2 <= 2", 1.0),
    ("3 > 2", 1.0),
    ("2 >= 3", 0.0),
    ("2 == 2.0", 1.0),
    ("2 != 2", 0.0),
    ("1 < 2 < 3", 1.0),
    ("1 < 3 < 2", 0.0),
    ("3 > 2 == 2", 1.0),
    ("1 and 2", 1.0),
    ("0 and 2", 0.0),
    ("-1 and 0.5", 1.0),
    ("0 or 0", 0.0),
    ("0 or 5", 1.0),
    ("not 0", 1.0),
    ("not 3", 0.0),
    ("not 1 == 2", 1.0),
    ("1 if 2 > 1 else 0", 1.0),
    ("7 if 0 else 8", 8.0),
    ("5 if -0.1 else 6", 5.0),
    ("min(3, 1, 2)", 1.0),
    ("min(-1, -5)", -5.0),
    ("max(3, 1, 2)", 3.0),
    ("max(x, y)", 2.0),
    ("abs(-4.5)", 4.5),
    ("abs(3)", 3.0),
    ("round(2.5)", 3.0),
    ("round(3.5)", 4.0),
    ("round(2.4)", 2.0),
    ("round(-2.5)", -3.0),
    ("round(-0.5)", -1.0),
    ("round(78.25, 1)", 78.3),
    ("round(2.675, 2)", 2.68),
    ("round(1.005, 2)", 1.01),
    ("round(1234.5, -2)", 1200.0),
    ("round(1250, -2)", 1300.0),
    ("floor(2.7)", 2.0),
    ("floor(-2.1)", -3.0),
    ("ceil(2.1)", 3.0),
    ("ceil(-2.7)", -2.0),
    ("clamp(5, 0, 10)", 5.0),
    ("clamp(-5, 0, 10)", 0.0),
    ("clamp(50, 0, 10)", 10.0),
    ("clamp(3, 3, 3)", 3.0),
    ("0x10 + 1_000", 1016.0),
]


@pytest.mark.parametrize(("source", "expected"), HAND_COMPUTED, ids=[s for s, _ in HAND_COMPUTED])
def test_it_computes_each_operator_and_function_as_worked_out_by_hand(
    source: str, expected: float
) -> None:
    result = run(source)
    assert type(result) is float
    assert result == expected


def test_round_goes_half_away_from_zero_unlike_python() -> None:
    assert round(2.5) == 2 and round(78.25, 1) == 78.2  # banker's rounding, on binary floats
    assert run("round(2.5)") == 3.0
    assert run("round(78.25, 1)") == 78.3


def test_and_or_and_if_short_circuit_so_editors_can_guard_a_division() -> None:
    assert run("z != 0 and 10 / z > 2") == 0.0
    assert run("z == 0 or 10 / z") == 1.0
    assert run("1 if z == 0 else 10 / z") == 1.0


def test_a_long_flat_sum_is_not_deep_nesting() -> None:
    names = {f"q{i}": float(i) for i in range(60)}
    source = " + ".join(names)
    assert formula_compile(source, names=names)[0] == "+"
    assert run(source, **names) == sum(range(60))


def test_redundant_parentheses_are_not_nesting() -> None:
    assert formula_compile("(" * 150 + "x" + ")" * 150, names={"x"}) == ["name", "x"]
    assert run("(min)(1, 2)") == 1.0  # Python reads (min) as the name min


def test_subtraction_compiles_to_adding_the_negation() -> None:
    assert formula_compile("x - y", names={"x", "y"}) == [
        "+",
        ["name", "x"],
        ["neg", ["name", "y"]],
    ]


def test_a_program_survives_a_json_round_trip() -> None:
    source = "round(clamp(x * 2 - y, 0, 10), 1) if x > 1 and not y > 1 < 2 else min(x, y)"
    program = formula_compile(source, names=ENV.keys())
    assert json.loads(json.dumps(program)) == program
    assert formula_evaluate(json.loads(json.dumps(program)), env=ENV) == 7.0


def test_formula_names_lists_every_name_read_on_any_branch() -> None:
    program = formula_compile("x if y > 0 else min(z, weight)", names=ENV.keys())
    assert formula_names(program) == {"x", "y", "z", "weight"}
    assert formula_names(formula_compile("1 + 2", names=())) == set()


def test_formula_check_returns_the_error_or_none() -> None:
    assert formula_check("x + 1", names={"x"}) is None
    error = formula_check("wieght + 1", names={"weight"})
    assert isinstance(error, FormulaError)
    assert error.message == "unknown name 'wieght'"


# --- exact messages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("wieght * 2", "unknown name 'wieght'"),
        ("weight.real", "attribute access is not allowed"),
        ("weight / (x - 2)", "division by zero"),
        ("weight // 0", "division by zero"),
        ("weight % 0", "modulo by zero"),
        ("0 ** -1", "division by zero"),
        ("1e15 * 10", "a result is too large (over 1e15)"),
        ("10 ** 400", "a result is too large (over 1e15)"),
        ("9 ** 9 ** 9", "the exponent 387420489 is too large (at most 1000)"),
        ("(-8) ** (1/3)", "a negative number to a fractional power has no real value"),
        ("1e309", "a number in the formula is too large (at most 1e15)"),
        ("x[0]", "subscripts like x[0] are not allowed"),
        ("type(1)", "unknown function 'type': use min, max, abs, round, floor, ceil and clamp"),
        ("round(x, ndigits=2)", "round() takes no keyword arguments"),
        ("min(x)", "min() takes 2 or more numbers, not 1"),
        ("clamp(x, 1)", "clamp() takes 3 numbers: clamp(x, lo, hi), not 2"),
        ("clamp(x, 3, 1)", "clamp(x, lo, hi) needs lo <= hi, got lo=3 and hi=1"),
        ("round(x, 0.5)", "round() takes a whole number of digits from -15 to 15"),
        ("True", "True, False and None are not allowed: use 1 and 0"),
        ("'a'", "text is not allowed in a formula"),
        ("x @ y", "the operator '@' is not allowed"),
        ("x is y", "the operator 'is' is not allowed"),
        ("", "the formula is empty"),
        ("x +", "syntax error at the end"),
        (" x + * 2", "syntax error at '* 2'"),
        ("(1", "syntax error at '(1': '(' was never closed"),
        ("max(x, 2))", "syntax error at ')': unmatched ')'"),
        ("x y z z z z z z z z", "syntax error at 'y z z z z z...'"),
        ("x\n+ * 2", "syntax error at '+ * 2'"),
        ("wéight", "the character 'é' (at 2) is not allowed"),
        ("weight * 2 # kg", "comments (#, at 12) are not allowed in a formula"),
        ("weight\n# then double\n* 2", "comments (#, at 8) are not allowed in a formula"),
        (
            "abs(" * 40 + "1" + ")" * 40,
            f"the formula is nested too deeply (at most {MAX_DEPTH} levels)",
        ),
        ("1" * (MAX_LENGTH + 1), "the formula is too long (501 characters, at most 500)"),
    ],
)
def test_it_explains_a_refusal_in_plain_words(source: str, message: str) -> None:
    assert refusal(source) == message


def test_a_syntax_error_is_placed_by_what_was_typed_there_not_by_a_count() -> None:
    # The studio renames `q1` to a key made from its question: the stored formula is longer
    # than the one on the author's screen, and a character count would point past its end.
    typed = formula_check("q1 +* (", names={"q1"})
    stored = formula_check("cups_of_coffee_per_day +* (", names={"cups_of_coffee_per_day"})
    assert typed is not None and stored is not None
    assert typed.message == stored.message == "syntax error at '* ('"


@settings(max_examples=300, deadline=None)
@given(source=st.text(alphabet="xy12 +-*/()<>=,.", min_size=1, max_size=40))
def test_where_a_syntax_error_is_quoted_is_text_of_the_formula(source: str) -> None:
    error = formula_check(source, names={"x", "y"})
    if error is None or not error.message.startswith("syntax error at '"):
        return
    quoted = error.message.removeprefix("syntax error at '").split("'", 1)[0]
    assert quoted.removesuffix("...") in source


def test_a_missing_name_at_evaluation_is_a_formula_error() -> None:
    program = formula_compile("x + 1", names={"x"})
    with pytest.raises(FormulaError, match="no value for 'x'"):
        formula_evaluate(program, env={})


@pytest.mark.parametrize(
    "value", ["80", None, [1], float("nan"), float("inf"), 10**400, Decimal("sNaN"), 2e15]
)
def test_it_refuses_an_env_value_that_is_not_a_sane_number(value: Any) -> None:
    with pytest.raises(FormulaError):
        formula_evaluate(["name", "x"], env={"x": value})


def test_it_accepts_decimal_and_fraction_env_values() -> None:
    assert formula_evaluate(["name", "x"], env={"x": Decimal("2.5")}) == 2.5
    assert formula_evaluate(["name", "x"], env={"x": Fraction(1, 4)}) == 0.25


# --- the spec example --------------------------------------------------------------------


def compile_example() -> tuple[dict[str, Any], dict[str, list], dict[str, list]]:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    names = {q["key"] for q in data["questions"] if q["type"] != "text"}
    variables = {}
    for v in data["variables"]:
        variables[v["key"]] = formula_compile(v["expr"], names=names)
        names |= {v["key"]}
    when = {
        o["key"]: formula_compile(o["when"], names=names) for o in data["outcomes"] if "when" in o
    }
    return data, variables, when


def outcome_for(env: dict[str, float]) -> tuple[str, dict[str, float]]:
    data, variables, when = compile_example()
    for key, program in variables.items():
        env[key] = formula_evaluate(program, env=env)
    for o in data["outcomes"]:
        if o["key"] not in when or formula_evaluate(when[o["key"]], env=env):
            return o["key"], env
    raise AssertionError("the last outcome has no when, so one always matches")


def test_the_weight_example_gives_the_hand_computed_heavier_result() -> None:
    # exercise weekly 0.3, snacks soda + late 0.8, sleep short 0.3, age 30 -> drift 0.4:
    # 80 + 10 * 1.8 = 98.0, a change of 18.0.
    key, env = outcome_for({"weight": 80, "age": 30, "exercise": 0.3, "snacks": 0.8, "sleep": 0.3})
    assert (key, env["age_drift"], env["weight_10y"], env["change"]) == ("heavier", 0.4, 98.0, 18.0)


def test_the_weight_example_gives_the_hand_computed_lighter_result() -> None:
    # daily -0.3, fruit -0.1, sleep ok 0, age 50 -> drift 0.1: 100 + 10 * -0.3 = 97.0.
    key, env = outcome_for({"weight": 100, "age": 50, "exercise": -0.3, "snacks": -0.1, "sleep": 0})
    assert (key, env["age_drift"], env["weight_10y"], env["change"]) == ("lighter", 0.1, 97.0, -3.0)


def test_the_weight_example_is_sane_at_every_corner_of_its_inputs() -> None:
    data, _, _ = compile_example()
    questions = {q["key"]: q for q in data["questions"]}
    snacks = [c["value"] for c in questions["snacks"]["choices"]]
    corners = {
        "weight": [30, 250],
        "age": [14, 90],
        "exercise": [c["value"] for c in questions["exercise"]["choices"]],
        "snacks": [sum(s) for n in range(5) for s in itertools.combinations(snacks, n)],
        "sleep": [c["value"] for c in questions["sleep"]["choices"]],
    }
    for combo in itertools.product(*corners.values()):
        key, env = outcome_for(dict(zip(corners, combo, strict=True)))
        assert key in {"lighter", "steady", "heavier"}
        assert 30 <= env["weight_10y"] <= 300
        assert env["weight_10y"] == round(env["weight_10y"], 1)


def test_the_weight_example_reads_the_names_it_should() -> None:
    _, variables, when = compile_example()
    assert formula_names(variables["weight_10y"]) == {
        "weight",
        "exercise",
        "snacks",
        "sleep",
        "age_drift",
    }
    assert formula_names(when["lighter"]) == {"change"}


def test_a_text_question_is_no_name_in_the_example() -> None:
    assert refusal("name + 1") == "unknown name 'name'"


# --- sandbox escapes ---------------------------------------------------------------------

ESCAPES = [
    "().__class__.__bases__[0].__subclasses__()",
    "[].__class__.__base__.__subclasses__()",
    "().__reduce_ex__(2)",
    "x.__class__",
    "x.__dict__",
    "x.__getattribute__('__class__')",
    "(1).real",
    "x.real",
    "x\n.real",
    "abs.__self__",
    "max.__call__(1, 2)",
    "(lambda: 0).__code__",
    "__import__('os').system('id')",
    "__import__",
    "__builtins__",
    "__builtins__.open",
    "globals()",
    "locals()",
    "vars()",
    "dir()",
    "type(1)",
    "eval('1')",
    "exec('1')",
    "open('/etc/passwd')",
    "getattr(x, 'real')",
    "compile('1', '', 'eval')",
    "sum(x, y)",
    "pow(2, 2)",
    "int(x)",
    "len(x)",
    "x(1)",
    "(1)(2)",
    "[x for x in ()]",
    "{x for x in ()}",
    "{x: 1 for x in ()}",
    "(x for x in ())",
    "lambda: 1",
    "x if x else (lambda: 1)",
    "f'{x}'",
    'f"{x.__class__}"',
    '"a" * 10',
    "'a'",
    "b'abc'",
    "'%s' % x",
    "(x := 1)",
    "x[0]",
    "x[1:2]",
    "[1, 2]",
    "(1, 2)",
    "1, 2",
    "{1, 2}",
    "{1: 2}",
    "{}",
    "...",
    "1j",
    "True",
    "False",
    "None",
    "round(*x)",
    "min(*[1, 2])",
    "round(x, ndigits=2)",
    "min(**x)",
    "x @ y",
    "x & y",
    "x | y",
    "x ^ y",
    "~x",
    "x << 2",
    "x >> 1",
    "x in y",
    "x not in y",
    "x is not y",
    "(yield)",
    "(yield from x)",
    "await x",
    "import os",
    "1; 2",
    "x = 1",
    "\\\n1",
    "9**9**9",
    "10**10**10",
    "2 ** 1e10",
    "10 ** 400",
    "x ** 1001",
    "1e308 * 10",
    "99999999999999999 + 1",
    "(-8) ** (1/3)",
    "1 / 0",
    "1 // 0",
    "1 % 0",
    "0 ** -1",
    "1e309",
    "-1e400",
    "(" * 10_000 + "1" + ")" * 10_000,
    "(x + " * 60 + "1" + ")" * 60,
    "-" * 10_000 + "1",
    "-" * 400 + "1",
    "not " * 100 + "1",
    "x + " * 200 + "x",
    "1" * 10_000,
    "x\x00",
    "\x00",
    "wéight",
    "\uff57eight",  # fullwidth w: Python would read it as `weight` (NFKC)
    "weight\u202e",
    "weight\u00a0+ 1",
    "# just a comment",
    "round(x, 16)",
    "abs()",
    "round(1, 2, 3)",
    "floor(x, y)",
]


@pytest.mark.parametrize("payload", ESCAPES, ids=[repr(p)[:60] for p in ESCAPES])
def test_it_refuses_each_known_sandbox_escape_payload(payload: str) -> None:
    assert len(ESCAPES) >= 40
    refusal(payload)


# --- untrusted stored programs -----------------------------------------------------------


@pytest.mark.parametrize(
    "program",
    [
        None,
        "x",
        [],
        [1],
        ["num"],
        ["num", "1"],
        ["num", True],
        ["num", float("nan")],
        ["num", float("inf")],
        ["num", 10**400],
        ["num", 1e16],
        ["name", 1],
        ["name", ["x"]],
        ["name", "nope"],
        ["+", ["num", 1]],
        ["/", ["num", 1]],
        ["cmp", ["num", 1], "<"],
        ["cmp", ["num", 1], "is", ["num", 1]],
        ["cmp", ["num", 1], ["<"], ["num", 1]],
        ["if", ["num", 1], ["num", 2]],
        ["call", "eval", ["num", 1]],
        ["call", ["min"], ["num", 1]],
        ["call", "round", ["num", 1], ["num", 2], ["num", 3]],
        ["exec", ["num", 1]],
        ["and", ["num", 1]],
        {"num": 1},
        ("num", 1),
    ],
    ids=repr,
)
def test_it_refuses_a_malformed_stored_program(program: Any) -> None:
    with pytest.raises(FormulaError):
        formula_evaluate(program, env=ENV)


def test_it_refuses_a_cyclic_program() -> None:
    program: list = ["neg"]
    program.append(program)
    with pytest.raises(FormulaError):
        formula_evaluate(program, env=ENV)
    with pytest.raises(FormulaError):
        formula_names(program)


def test_it_refuses_a_program_too_deep_or_too_wide_to_be_compiled() -> None:
    deep: list = ["num", 1]
    for _ in range(10_000):
        deep = ["neg", deep]
    wide = ["+", *[["num", 1]] * 100_000]
    for program in (deep, wide):
        with pytest.raises(FormulaError, match="damaged"):
            formula_evaluate(program, env=ENV)
        with pytest.raises(FormulaError, match="damaged"):
            formula_names(program)


# --- fuzzing -----------------------------------------------------------------------------

NAMES = ("x", "y", "z")
envs = st.fixed_dictionaries(
    {n: st.floats(-MAX_MAGNITUDE, MAX_MAGNITUDE, allow_nan=False) for n in NAMES}
)


def compile_and_run(source: str, env: dict[str, float]) -> None:
    """Either a FormulaError or a sane result: nothing else may come out."""
    try:
        program = formula_compile(source, names=NAMES)
    except FormulaError as exc:
        assert exc.message
        return
    assert formula_names(program) <= set(NAMES)
    assert json.loads(json.dumps(program)) == program
    try:
        result = formula_evaluate(program, env=env)
    except FormulaError as exc:
        assert exc.message
        return
    assert is_sane(result)


@settings(max_examples=300, deadline=None)
@given(source=st.text(max_size=600), env=envs)
def test_arbitrary_text_gives_a_formula_error_or_a_sane_number(source: str, env: dict) -> None:
    compile_and_run(source, env)


@settings(max_examples=300, deadline=None)
@given(
    source=st.text(alphabet="xyz0123456789.e+-*/%()<>=! ,_andortifelsminaxbcp[]'", max_size=60),
    env=envs,
)
def test_formula_shaped_text_gives_a_formula_error_or_a_sane_number(source: str, env: dict) -> None:
    compile_and_run(source, env)


numbers = st.one_of(
    st.integers(0, 1000).map(str),
    st.floats(0, 1e6, allow_nan=False).map(repr),
    st.sampled_from(["0", "0.5", "1", "2", "1e15", "1e-300", "1e16", "99999999999999999"]),
)
leaves = st.one_of(st.sampled_from(NAMES), numbers)
ARITY = {"min": 2, "max": 3, "abs": 1, "round": 2, "floor": 1, "ceil": 1, "clamp": 3}


def grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "<", "<=", "==", "!=", "and"])
    return st.one_of(
        st.tuples(children, binary, children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["-", "+", "not "]), children).map(lambda t: f"({t[0]}{t[1]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})"),
        st.sampled_from(list(ARITY)).flatmap(
            lambda f: st.lists(children, min_size=ARITY[f], max_size=ARITY[f]).map(
                lambda args: f"{f}({', '.join(args)})"
            )
        ),
    )


expressions = st.recursive(leaves, grow, max_leaves=40)


@settings(max_examples=500, deadline=None)
@given(source=expressions, env=envs)
def test_grammar_shaped_expressions_give_a_formula_error_or_a_sane_number(
    source: str, env: dict
) -> None:
    compile_and_run(source, env)


arithmetic = st.recursive(
    st.sampled_from(NAMES),
    lambda c: st.tuples(c, st.sampled_from(["+", "-", "*", "<", "!="]), c).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(source=arithmetic, env=envs)
def test_plain_arithmetic_agrees_with_python_whenever_it_succeeds(source: str, env: dict) -> None:
    try:
        result = formula_evaluate(formula_compile(source, names=NAMES), env=env)
    except FormulaError:
        return
    # The source comes from the strategy above: names and + - * < != only.
    assert result == float(eval(source, {"__builtins__": {}}, dict(env)))  # noqa: S307


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=5),
        st.sampled_from(["num", "name", "+", "*", "/", "**", "neg", "not", "and", "cmp", "<"]),
        st.sampled_from(["if", "call", "min", "round", "clamp", "x", "%", "//"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.tuples(
            st.sampled_from(["num", "name", "+", "*", "/", "**", "neg", "not", "and", "or"]),
            st.lists(children, max_size=4),
        ).map(lambda t: [t[0], *t[1]]),
        st.tuples(st.sampled_from(["if", "cmp", "call"]), st.lists(children, max_size=4)).map(
            lambda t: [t[0], *t[1]]
        ),
        st.dictionaries(st.text(max_size=3), children, max_size=3),
    ),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(program=json_values, env=envs)
def test_arbitrary_json_programs_give_a_formula_error_or_a_sane_number(
    program: Any, env: dict
) -> None:
    try:
        result = formula_evaluate(program, env=env)
    except FormulaError:
        pass
    else:
        assert is_sane(result)
    try:
        names = formula_names(program)
    except FormulaError:
        return
    assert all(isinstance(n, str) for n in names)
