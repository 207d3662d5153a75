"""The conversation and the anonymous question log.

- `Message` is the recent conversation (deleted after the retention period), so that a hand-over to
  staff can include what was said before.
- `QuestionLog` feeds statistics and the unanswered-questions report. It has no link to a user: only the
  day, the language, the (redacted) question, the matched entry, its score, the outcome and feedback.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, UTCDateTime, utcnow
from bot.db.models.enums import QuestionOutcome, Sender, enum_type, one_of


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (one_of("sender", Sender, "messages"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sender: Mapped[Sender] = mapped_column(enum_type(Sender, 8))  # user or bot
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    entry_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class QuestionLog(Base):
    __tablename__ = "question_log"
    __table_args__ = (one_of("outcome", QuestionOutcome, "question_log"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_on: Mapped[dt.date] = mapped_column(Date, index=True)
    language: Mapped[str] = mapped_column(String(8), index=True)
    text: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[str | None] = mapped_column(String(64), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[QuestionOutcome] = mapped_column(enum_type(QuestionOutcome), index=True)
    helpful: Mapped[bool | None] = mapped_column(Boolean)
