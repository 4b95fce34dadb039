"""Placeholders: rendering, number formatting, escapes, HTML escaping, refusals, and fuzzing
that nothing but TemplateError ever comes out."""

from __future__ import annotations

import html
import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.engine.templating import TemplateError, template_check, template_names, template_render

# No database, broker or cache: the PostgreSQL + Redis pass skips these (tests/runner.py).
pytestmark = pytest.mark.pure


def refusal(text: str) -> str:
    with pytest.raises(TemplateError) as caught:
        template_names(text)
    return caught.value.message


def test_it_fills_placeholders_from_the_context() -> None:
    context = {"name": "Ann", "weight_10y": 78.5}
    text = "{name}, in 10 years you'll weigh {weight_10y} kg"
    assert template_render(text, context=context) == "Ann, in 10 years you'll weigh 78.5 kg"
    assert template_names(text) == {"name", "weight_10y"}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (78.50, "78.5"),
        (80.0, "80"),
        (80, "80"),
        (-0.0, "0"),
        (-0.001, "0"),
        (1 / 3, "0.33"),
        (2 / 3, "0.67"),
        (2.675, "2.68"),
        (0.125, "0.13"),
        (-0.125, "-0.13"),
        (1e15, "1000000000000000"),
        (1234567.891, "1234567.89"),
        (Decimal("2.50"), "2.5"),
        (12, "12"),
        (-3.5, "-3.5"),
    ],
)
def test_a_number_prints_with_at_most_two_decimals_and_no_trailing_zeros(
    value: Any, shown: str
) -> None:
    assert template_render("{x}", context={"x": value}) == shown


@pytest.mark.parametrize(
    ("text", "value", "shown"),
    [
        ("{x:.1f}", 78.25, "78.3"),
        ("{x:.1f}", 80, "80.0"),
        ("{x:.0f}", 2.5, "3"),
        ("{x:.0f}", -2.5, "-3"),
        ("{x:.2f}", 3, "3.00"),
        ("{x:.2f}", -0.001, "0.00"),
        ("{x:.6f}", 0.1, "0.100000"),
        ("{x:,.2f}", 1234567.891, "1,234,567.89"),
        ("{x:,.0f}", 999999.5, "1,000,000"),
        ("{x:,}", 1234567.5, "1,234,567.5"),
        ("{x:,}", 1000, "1,000"),
        ("{x:,}", -1234.004, "-1,234"),
    ],
)
def test_a_format_spec_fixes_decimals_and_groups_thousands(
    text: str, value: Any, shown: str
) -> None:
    assert template_render(text, context={"x": value}) == shown


def test_a_text_prints_as_given_even_with_a_spec() -> None:
    assert template_render("{name} {name:.1f}", context={"name": "Zoë 12.345"}) == (
        "Zoë 12.345 Zoë 12.345"
    )


def test_none_bools_and_missing_keys_print_nothing() -> None:
    context = {"n": None, "t": True, "f": False}
    assert template_render("[{n}|{t}|{f}|{missing}]", context=context) == "[|||]"


def test_doubled_braces_are_literal_braces() -> None:
    assert template_render("{{not a placeholder}}", context={}) == "{not a placeholder}"
    assert template_names("{{not a placeholder}}") == set()
    assert template_render("{{{x}}}", context={"x": 5}) == "{5}"
    assert template_names("{{{x}}}") == {"x"}


def test_html_mode_escapes_the_values_and_the_template_text() -> None:
    context = {"name": "<script>alert('x')</script>"}
    text = '<b>{name}</b> & "friends"'
    assert template_render(text, context=context, html=True) == (
        "&lt;b&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;/b&gt; &amp; "
        "&quot;friends&quot;"
    )
    assert (
        template_render(text, context=context) == "<b><script>alert('x')</script></b> & \"friends\""
    )


def test_it_reports_unknown_placeholders_once_each_in_order() -> None:
    text = "{nme} and {score}, {nme} again, {name}"
    assert template_check(text, names={"name"}) == [
        "unknown placeholder {nme}: use {name}",
        "unknown placeholder {score}: use {name}",
    ]
    assert template_check("{name}", names={"name"}) == []
    assert template_check("no placeholders", names=()) == []


def test_an_unknown_placeholder_lists_the_ones_the_text_may_use() -> None:
    # In the order given (the quiz's), a set sorted, a long list cut short.
    assert template_check("{name}", names=["outcome", "q1", "score"]) == [
        "unknown placeholder {name}: use {outcome}, {q1}, {score}"
    ]
    assert template_check("{name}", names={"score", "outcome"}) == [
        "unknown placeholder {name}: use {outcome}, {score}"
    ]
    many = [f"q{n}" for n in range(1, 15)]
    shown = ", ".join(f"{{q{n}}}" for n in range(1, 13))
    assert template_check("{name}", names=many) == [
        f"unknown placeholder {{name}}: use {shown}, ..."
    ]
    assert template_check("{name}", names=()) == [
        "unknown placeholder {name}: this text takes no placeholders"
    ]


def test_template_check_reports_a_syntax_error_as_its_only_message() -> None:
    assert template_check("{nme", names={"name"}) == [
        "unbalanced braces: '{' at character 1 is never closed (write '{{' for a literal brace)"
    ]


NAME_RULE = "a name is letters, digits and _, not starting with a digit"
NO_OPENING = "has no '{' before it (write '}}' for a literal brace)"
NEVER_CLOSED = "is never closed (write '{{' for a literal brace)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a } b", f"unbalanced braces: '}}' at character 3 {NO_OPENING}"),
        ("{x}}", f"unbalanced braces: '}}' at character 4 {NO_OPENING}"),
        ("}{", f"unbalanced braces: '}}' at character 1 {NO_OPENING}"),
        ("{x", f"unbalanced braces: '{{' at character 1 {NEVER_CLOSED}"),
        ("{}", "empty placeholder {}"),
        ("{0}", f"invalid placeholder {{0}}: {NAME_RULE}"),
        ("{x.y}", f"invalid placeholder {{x.y}}: {NAME_RULE}"),
        ("{x:.1z}", "wrong format string {x:.1z}: use ',', '.1f' or ',.2f' (0 to 6 decimals)"),
    ],
)
def test_it_explains_a_refusal_in_plain_words(text: str, message: str) -> None:
    assert refusal(text) == message


@pytest.mark.parametrize(
    "text",
    ["{ x}", "{x }", "{1x}", "{x[0]}", "{x!r}", "{x-y}", "{é}", "{x.__class__}", "{{x}", "{x{y}}"],
)
def test_it_refuses_an_invalid_placeholder(text: str) -> None:
    refusal(text)


@pytest.mark.parametrize(
    "spec",
    ["", "d", ".1", ".7f", ".10f", ">10", "%", "e", ".2e", ",,", ".1f,", "_", "x", "{y}", "0>5"],
)
def test_it_refuses_a_format_spec_outside_the_allowed_few(spec: str) -> None:
    message = refusal("{x:" + spec + "}")
    assert message.startswith(("wrong format string", "unbalanced braces", "invalid placeholder"))


def test_a_dunder_key_is_only_a_name_and_reaches_no_attribute() -> None:
    assert template_render("{__class__}", context={}) == ""
    assert template_check("{__class__}", names={"x"}) == [
        "unknown placeholder {__class__}: use {x}"
    ]


def test_it_refuses_a_template_that_is_not_text() -> None:
    with pytest.raises(TemplateError, match="a template must be text"):
        template_names(["{x}"])  # type: ignore[arg-type]


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), -float("inf"), 10**400, Decimal("sNaN"), 1e300, Unprintable()],
)
def test_it_never_fails_on_an_odd_value(value: object) -> None:
    for spec in ("", ":,", ":.2f", ":,.0f"):
        assert isinstance(template_render("{x" + spec + "}", context={"x": value}), str)


# --- fuzzing -----------------------------------------------------------------------------

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.text(max_size=10),
    st.lists(st.integers(), max_size=2),
)
texts = st.one_of(
    st.text(max_size=200), st.text(alphabet="{}:.,0123456789fabx_ <&'\"", max_size=40)
)


@settings(max_examples=500, deadline=None)
@given(text=texts, context=st.dictionaries(st.sampled_from(["a", "b", "x", "_"]), values))
def test_arbitrary_text_gives_a_template_error_or_renders_without_raising(
    text: str, context: dict[str, Any]
) -> None:
    try:
        names = template_names(text)
    except TemplateError as exc:
        assert exc.message
        assert template_check(text, names=()) == [exc.message]
        return
    assert all(isinstance(n, str) for n in names)
    plain = template_render(text, context=context)
    assert template_render(text, context=context, html=True) == html.escape(plain)


@given(text=st.text(alphabet=st.characters(blacklist_characters="{}")))
def test_a_text_without_braces_renders_as_itself(text: str) -> None:
    assert template_names(text) == set()
    assert template_render(text, context={}) == text


@given(x=st.floats(-1e15, 1e15, allow_nan=False))
def test_a_printed_number_is_within_half_a_cent_of_the_value(x: float) -> None:
    shown = template_render("{x}", context={"x": x})
    assert math.isclose(float(shown), x, abs_tol=0.005 + 1e-9)
    fixed = template_render("{x:,.2f}", context={"x": x})
    assert fixed.replace(",", "").lstrip("-").replace(".", "", 1).isdigit()
    assert fixed[-3] == "."
    assert math.isclose(float(fixed.replace(",", "")), x, abs_tol=0.005 + 1e-9)
