"""The audit log's actions are AuditAction choices stored as the same strings as before, so
existing rows keep their meaning and the migration that named them changes no data."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from quizzes.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

# Every string the history held before the actions were choices.
STORED_BEFORE = {
    "created",
    "imported",
    "draft opened",
    "submitted",
    "sent back",
    "published",
    "archived",
    "restored",
    "scoring failed",
}


def test_every_action_stored_before_is_a_choice_with_the_same_string():
    assert set(AuditAction.values) >= STORED_BEFORE
    assert AuditEntry._meta.get_field("action").choices == AuditAction.choices


# Outside a transaction: SQLite's schema editor refuses to start inside one.
@pytest.mark.django_db(transaction=True)
def test_the_choices_migration_changes_no_table():
    out = io.StringIO()
    call_command("sqlmigrate", "quizzes", "0005_auditentry_action_choices", stdout=out)
    statements = [
        line for line in out.getvalue().splitlines() if line and not line.startswith("--")
    ]
    # Only the transaction around it (SQLite and PostgreSQL both): no ALTER, no UPDATE.
    assert statements == ["BEGIN;", "COMMIT;"]
    assert "(no-op)" in out.getvalue()
