"""CHECK constraints for every stored status and kind

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

The values are written out here, not imported from the enums: a migration describes the schema as it was
at this revision. Existing rows only ever held these values.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CONSTRAINTS: dict[str, dict[str, tuple[str, ...]]] = {
    "messages": {"sender": ("user", "bot", "staff")},
    "question_log": {"outcome": ("answered", "suggested", "chosen", "unanswered", "emergency")},
    "cases": {"status": ("open", "closed"), "reason": ("talk_to_person", "unanswered")},
    "case_messages": {
        "sender": ("user", "bot", "staff"),
        "translation_origin": ("identity", "curated", "machine", "none", "pending"),
    },
    "outbox": {"kind": ("staff_reply",), "status": ("pending", "sending", "sent", "failed")},
}


def upgrade() -> None:
    for table, columns in CONSTRAINTS.items():
        with op.batch_alter_table(table) as batch_op:
            for column, values in columns.items():
                allowed = ", ".join(f"'{value}'" for value in values)
                batch_op.create_check_constraint(f"ck_{table}_{column}", f"{column} IN ({allowed})")


def downgrade() -> None:
    for table, columns in CONSTRAINTS.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.drop_constraint(f"ck_{table}_{column}", type_="check")
