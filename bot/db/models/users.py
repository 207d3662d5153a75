"""`User` holds the Telegram ids the bot must reply to and the chosen language; no names, no phone numbers.

`chat_id` is the user's private chat with the bot; updates from groups and channels never change it.
`unreachable_since` is set when Telegram answers 403 (the user blocked the bot) and cleared when they write
again or unblock it; the outbox sends nothing to an unreachable user.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str | None] = mapped_column(String(8))
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    unreachable_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class GroupNotice(Base):
    """Groups told "please write to me privately" on a given day (once per group and day)."""

    __tablename__ = "group_notices"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    notified_on: Mapped[dt.date] = mapped_column(primary_key=True)
