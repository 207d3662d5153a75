"""staff accounts, hand-over mode, case priorities, files, outcomes and ratings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

- `staff_accounts`, `staff_sessions`, `audit_log`, `canned_replies`: the staff web app.
- `cases`: `priority` replaces `urgent` (urgent cases become priority 2), a `topic`, hand-over mode
  (`bot_paused`, `pause_notice_sent`), the staff member it is assigned to, the time of the user's last
  message (a case reopens when they write again soon after it was closed), an outcome and a rating.
- `case_messages`: a kind (text, photo, document, internal note, event) and the staff author;
  `case_files` keeps the photos and documents sent during a hand-over.
- the outbox learns two kinds: "a person has joined" and "your case was closed: rate it".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OUTBOX_KINDS_BEFORE = ("staff_reply",)
OUTBOX_KINDS = ("staff_reply", "staff_joined", "case_closed")
OUTCOMES = ("resolved", "referred", "no_response", "withdrawn", "duplicate")
MESSAGE_KINDS = ("text", "photo", "document", "note", "event")


def _allowed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("interface_language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'coordinator')", name="ck_staff_accounts_role"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_staff_sessions_staff_id", "staff_sessions", ["staff_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_accounts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_staff_id", "audit_log", ["staff_id"])
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "language", name="uq_canned_replies_key_language"),
    )
    op.create_index("ix_canned_replies_key", "canned_replies", ["key"])

    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("topic", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("bot_paused", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("pause_notice_sent", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_user_message_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("rating", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("rating_comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE cases SET priority = 2 WHERE urgent")
    # Cases the bot opened for unanswered questions never paused it: the user did not ask for a person.
    op.execute("UPDATE cases SET bot_paused = person_requested")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("urgent")
        batch_op.create_foreign_key(
            "fk_cases_assigned_to_id_staff_accounts", "staff_accounts", ["assigned_to_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_check_constraint("ck_cases_outcome", f"outcome IN ({_allowed(OUTCOMES)})")
        batch_op.create_check_constraint("ck_cases_priority", "priority IN (0, 1, 2)")
        batch_op.create_check_constraint("ck_cases_rating", "rating IS NULL OR rating BETWEEN 1 AND 5")
    op.create_index("ix_cases_queue", "cases", ["status", "priority", "created_at"])

    with op.batch_alter_table("case_messages") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=8), nullable=False, server_default="text"))
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_case_messages_author_id_staff_accounts", "staff_accounts", ["author_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_check_constraint("ck_case_messages_kind", f"kind IN ({_allowed(MESSAGE_KINDS)})")
    op.create_table(
        "case_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_message_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["case_message_id"], ["case_messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_files_case_message_id", "case_files", ["case_message_id"])

    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_constraint("ck_outbox_messages_kind", type_="check")
        batch_op.create_check_constraint("ck_outbox_messages_kind", f"kind IN ({_allowed(OUTBOX_KINDS)})")


def downgrade() -> None:
    op.execute(f"DELETE FROM outbox_messages WHERE kind NOT IN ({_allowed(OUTBOX_KINDS_BEFORE)})")
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.drop_constraint("ck_outbox_messages_kind", type_="check")
        batch_op.create_check_constraint("ck_outbox_messages_kind", f"kind IN ({_allowed(OUTBOX_KINDS_BEFORE)})")
    op.drop_index("ix_case_files_case_message_id", table_name="case_files")
    op.drop_table("case_files")
    op.execute("DELETE FROM case_messages WHERE kind IN ('note', 'event')")
    with op.batch_alter_table("case_messages") as batch_op:
        batch_op.drop_constraint("ck_case_messages_kind", type_="check")
        batch_op.drop_constraint("fk_case_messages_author_id_staff_accounts", type_="foreignkey")
        batch_op.drop_column("author_id")
        batch_op.drop_column("kind")
    op.drop_index("ix_cases_queue", table_name="cases")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE cases SET urgent = (priority = 2)")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_constraint("ck_cases_rating", type_="check")
        batch_op.drop_constraint("ck_cases_priority", type_="check")
        batch_op.drop_constraint("ck_cases_outcome", type_="check")
        batch_op.drop_constraint("fk_cases_assigned_to_id_staff_accounts", type_="foreignkey")
        for column in (
            "rated_at",
            "rating_comment",
            "rating",
            "outcome",
            "last_user_message_at",
            "assigned_to_id",
            "pause_notice_sent",
            "bot_paused",
            "topic",
            "priority",
        ):
            batch_op.drop_column(column)
    op.drop_index("ix_canned_replies_key", table_name="canned_replies")
    op.drop_table("canned_replies")
    op.drop_index("ix_audit_log_staff_id", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_staff_sessions_staff_id", table_name="staff_sessions")
    op.drop_table("staff_sessions")
    op.drop_table("staff_accounts")
