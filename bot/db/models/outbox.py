"""`OutboxMessage`: something the bot must send, written by whoever decides it (staff, a scheduler) and sent
by the bot's tick: restarts lose nothing, and two bot processes never send the same row twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, UTCDateTime, utcnow
from bot.db.models.enums import OutboxKind, OutboxStatus, enum_type, one_of


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (one_of("kind", OutboxKind, "outbox"), one_of("status", OutboxStatus, "outbox"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[OutboxKind] = mapped_column(enum_type(OutboxKind, 32))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    case_message_id: Mapped[int | None] = mapped_column(ForeignKey("case_messages.id", ondelete="CASCADE"))
    status: Mapped[OutboxStatus] = mapped_column(enum_type(OutboxStatus), default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # a claim older than a few minutes is stale
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
