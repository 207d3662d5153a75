"""`OutboxMessage`: something the bot must send later or in bulk, written in the same transaction as the
change that causes it (a staff reply today; reminders and broadcasts later) and sent by a delivery worker.

A row says *what* to send (its kind, the user, a few ids in `payload`), not the rendered text: it is
rendered at send time in the user's language at that moment, to their private chat. `dedupe_key` is unique,
so enqueueing the same thing twice is harmless. A worker claims a row with a lease (`claimed_until`); when
the worker dies, another takes the row over once the lease has expired. A multi-part message records how
many parts went out (`parts_sent`), so a retry does not resend them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, UTCDateTime, utcnow
from bot.db.models.enums import OutboxKind, OutboxStatus, enum_type, one_of


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        one_of("kind", OutboxKind, "outbox_messages"),
        one_of("status", OutboxStatus, "outbox_messages"),
        Index("ix_outbox_messages_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[OutboxKind] = mapped_column(enum_type(OutboxKind, 32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(enum_type(OutboxStatus), default=OutboxStatus.PENDING)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # when it should go out; the give-up age counts from it
    not_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # backoff, 429's retry_after, a deferral
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the lease
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
