"""quizzes' rooms show the layers (issue 10): the file format and the engine are pure, and no
module or function grows past what a newcomer reads in one sitting."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

# No database, broker or cache: the PostgreSQL + Redis pass skips these (tests/runner.py).
pytestmark = pytest.mark.pure

QUIZZES = Path(__file__).resolve().parents[2] / "quizzes"
PURE_ROOMS = ("format", "engine")
MODULE_LINES_MAX = 400
FUNCTION_LINES_MAX = 60


def _modules() -> list[Path]:
    return sorted(p for p in QUIZZES.rglob("*.py") if "migrations" not in p.parts)


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: a relative import"
            names.add(node.module or "")
    return names


@pytest.mark.parametrize("room", PURE_ROOMS)
def test_a_pure_room_imports_only_the_standard_library_and_the_pure_rooms(room: str) -> None:
    modules = sorted((QUIZZES / room).glob("*.py"))
    assert len(modules) > 3
    allowed = tuple(f"quizzes.{r}." for r in PURE_ROOMS)
    impure = {
        f"{path.name}: {name}"
        for path in modules
        for name in _imported(path)
        if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith(allowed)
    }
    assert impure == set()


def test_no_quizzes_module_is_over_400_lines() -> None:
    long = {
        str(p.relative_to(QUIZZES)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MODULE_LINES_MAX
    }
    assert long == {}


def test_no_quizzes_function_is_over_60_lines() -> None:
    long = {
        f"{p.relative_to(QUIZZES)}:{node.name}": node.end_lineno - node.lineno + 1
        for p in _modules()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES_MAX
    }
    assert long == {}
