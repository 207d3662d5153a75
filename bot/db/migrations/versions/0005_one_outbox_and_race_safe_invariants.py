"""one outbox for everything sent later, invariants the database enforces

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

- `outbox_messages` replaces `outbox`: a row says what to send (kind, user, ids in a payload), with a unique
  dedupe key, a due time, backoff (`not_before`), a lease (`claimed_by`, `claimed_until`) and the parts
  already sent. Every row of the old table moves over (pending and claimed ones as pending), so no queued
  staff reply is lost; a queued reply that was not yet translated is marked for translation.
- `users.unreachable_since` (the user blocked the bot) and `group_notices` (groups told to write privately).
  `users.chat_id` goes back to the user's private chat (whose id is the user's id): the old code stored the
  chat of every update, so a user who once wrote in a group would have had staff replies posted there.
- At most one open case per user, as a partial unique index. Duplicates the old race left behind are merged
  first: the oldest open case keeps every message of the younger ones.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KINDS = ("staff_reply",)
STATUSES = ("pending", "sent", "failed", "given_up", "unreachable", "cancelled")


def _allowed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET chat_id = telegram_user_id WHERE chat_id <> telegram_user_id")
    op.create_table(
        "group_notices",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "notified_on"),
    )
    _merge_duplicate_open_cases()
    op.create_index(
        "uq_cases_one_open_per_user",
        "cases",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    outbox = op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parts_sent", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
        sa.CheckConstraint(f"kind IN ({_allowed(KINDS)})", name="ck_outbox_messages_kind"),
        sa.CheckConstraint(f"status IN ({_allowed(STATUSES)})", name="ck_outbox_messages_status"),
    )
    op.create_index("ix_outbox_messages_due", "outbox_messages", ["status", "due_at"])
    op.create_index("ix_outbox_messages_user_id", "outbox_messages", ["user_id"])
    _move_old_outbox(outbox)
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_status")
    op.drop_table("outbox")


def _merge_duplicate_open_cases() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, user_id, person_requested FROM cases WHERE status = 'open' ORDER BY user_id, id")
    ).all()
    keep: dict[int, int] = {}
    for case_id, user_id, person_requested in rows:
        if user_id not in keep:
            keep[user_id] = case_id
            continue
        kept = keep[user_id]
        connection.execute(
            sa.text("UPDATE case_messages SET case_id = :kept WHERE case_id = :dup"), {"kept": kept, "dup": case_id}
        )
        if person_requested:
            connection.execute(
                sa.text("UPDATE cases SET person_requested = :yes WHERE id = :kept"), {"kept": kept, "yes": True}
            )
        connection.execute(sa.text("DELETE FROM cases WHERE id = :dup"), {"dup": case_id})


def _move_old_outbox(outbox: sa.Table) -> None:
    connection = op.get_bind()
    old = connection.execute(
        sa.text(
            "SELECT o.id, o.case_message_id, o.status, o.attempts, o.last_error, o.created_at, o.sent_at,"
            " c.user_id, m.translation_origin"
            " FROM outbox o JOIN case_messages m ON m.id = o.case_message_id JOIN cases c ON c.id = m.case_id"
            " ORDER BY o.id"
        )
    ).all()
    sqlite = connection.dialect.name == "sqlite"
    now = _utc(dt.datetime.now(dt.UTC), sqlite)
    moved = []
    for row in old:
        created = _utc(row.created_at, sqlite)
        waiting = row.status in ("pending", "sending")
        moved.append(
            {
                "id": row.id,
                "kind": "staff_reply",
                "user_id": row.user_id,
                "payload": {"case_message_id": row.case_message_id},
                "dedupe_key": f"staff-reply:{row.case_message_id}",
                "status": "pending" if waiting else row.status,
                "due_at": now if waiting else created,  # the give-up age starts with the new outbox
                "not_before": None,
                "attempts": 0 if waiting else row.attempts,
                "claimed_by": None,
                "claimed_until": None,
                "parts_sent": 0,
                "sent_at": _utc(row.sent_at, sqlite) if row.sent_at else None,
                "last_error": row.last_error,
                "created_at": created,
            }
        )
        if waiting and row.translation_origin is None:  # the old tick translated at claim time
            connection.execute(
                sa.text("UPDATE case_messages SET translation_origin = 'pending' WHERE id = :id"),
                {"id": row.case_message_id},
            )
    if moved:
        op.bulk_insert(outbox, moved)
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('outbox_messages', 'id'),"
                    " (SELECT max(id) FROM outbox_messages))"
                )
            )


def _utc(value: dt.datetime | str, sqlite: bool) -> dt.datetime:
    """A stored time as the product stores it: naive UTC on SQLite, aware on PostgreSQL."""
    if isinstance(value, str):  # SQLite hands back text
        value = dt.datetime.fromisoformat(value)
    value = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.replace(tzinfo=None) if sqlite else value


def downgrade() -> None:
    raise NotImplementedError("0005 moves the outbox into a new shape; restore a backup to go back")
