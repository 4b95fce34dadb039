"""The arrows run one way (issue 10): core <- quizzes <- sharing.

quizzes imports nothing of sharing, includes none of its templates and names none of its
URLs; core imports neither app; no quizzes migration depends on sharing's or names a model
of sharing.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent


# quizzes' migrations from before the split (its initial one holds the old foreign key).
def _imports(folder: Path) -> dict[str, set[str]]:
    """The top-level packages each module under `folder` imports (migrations aside)."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_quizzes_imports_nothing_of_sharing():
    assert {m for m, names in _imports(ROOT / "quizzes").items() if "sharing" in names} == set()


def test_core_imports_neither_app():
    offending = {
        m for m, names in _imports(ROOT / "core").items() if names & {"quizzes", "sharing"}
    }
    assert offending == set()


def test_quizzes_code_and_templates_name_no_sharing_template_or_url():
    pattern = re.compile(r"""["']sharing[:/]""")
    files = [*(ROOT / "quizzes").rglob("*.py"), *(ROOT / "quizzes").rglob("*.html")]
    hits = [
        str(p.relative_to(ROOT))
        for p in files
        if "migrations" not in p.parts and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert hits == []


def test_no_quizzes_migration_depends_on_sharing_or_names_its_models():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    depending = set()
    for (app, name), migration in loader.disk_migrations.items():
        if app != "quizzes":
            continue
        if any(dep[0] == "sharing" for dep in migration.dependencies):
            depending.add(name)
        for operation in migration.operations:
            field = getattr(operation, "field", None)
            target = getattr(getattr(field, "remote_field", None), "model", None)
            if isinstance(target, str) and target.lower().startswith("sharing."):
                depending.add(name)
    assert depending == set()


def test_the_rooms_above_sharing_are_not_imported_from_below():
    # core <- quizzes <- sharing <- integrations <- webhooks: a room hears those above it
    # only through signals (sharing/signals.py, integrations/signals.py).
    above = {
        "core": {"quizzes", "sharing", "integrations", "webhooks"},
        "quizzes": {"sharing", "integrations", "webhooks"},
        "sharing": {"integrations", "webhooks"},
        "integrations": {"webhooks"},
    }
    offending = {
        module
        for room, forbidden in above.items()
        for module, names in _imports(ROOT / room).items()
        if names & forbidden
    }
    assert offending == set()
