"""A calculator's `variables` in a quizbuilder/1 file (quizfile.quizfile_validate): keys,
expressions (compiled by the caller), and the extensions `label` and `unit` (README)."""

from __future__ import annotations

from typing import Any

from quizzes.format.checks import KEY_MESSAGE, KEY_RE, MAX_VARIABLES, Checker

# Names an expression or a template reads with a meaning of their own: never a key.
RESERVED = frozenset(
    {"score", "max_score", "outcome", "min", "max", "abs", "round", "floor", "ceil", "clamp"}
)
LABEL_MAX = 80
UNIT_MAX = 20


def variables_check(
    ck: Checker, top: dict[str, Any], *, kind: str | None, question_keys: dict[str, str]
) -> list[dict[str, Any]]:
    """The file's variables, each `{"key", "expr"}` plus `label` and `unit` when given; each
    problem at its path (`variables[2].key`)."""
    if "variables" in top and kind is not None and kind != "calculator":
        ck.add("variables", "only calculator quizzes have variables")
        return []
    variables: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(
        ck.items(top, "variables", "$", least=0, most=MAX_VARIABLES, what="variables")
    ):
        where = f"variables[{i}]"
        v = ck.obj(raw, where, required=("key", "expr"), optional=("label", "unit"))
        if v is None:
            continue
        key = v.get("key")
        if "key" in v:
            if not isinstance(key, str):
                ck.add(f"{where}.key", "must be a string")
            elif not KEY_RE.match(key):
                ck.add(f"{where}.key", KEY_MESSAGE)
            elif key in RESERVED:
                ck.add(f"{where}.key", f"{key!r} is a reserved name")
            elif key in question_keys:
                ck.add(f"{where}.key", f"{key!r} is already a question key")
            elif key in seen:
                ck.add(
                    f"{where}.key", f"duplicate variable key {key!r} (also variables[{seen[key]}])"
                )
            else:
                seen[key] = i
        variable = {"key": key, "expr": ck.text(v, "expr", where, max_length=500)}
        # Extensions: what "How it was worked out" shows for the value; only when given.
        for name, most in (("label", LABEL_MAX), ("unit", UNIT_MAX)):
            text = ck.text(v, name, where, max_length=most, allow_empty=True)
            if text and text.strip():
                variable[name] = text
        variables.append(variable)
    return variables
