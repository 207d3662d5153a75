"""`Case` / `CaseMessage`: a hand-over to a person, with its own copy of the conversation so far."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, UTCDateTime, utcnow
from bot.db.models.enums import CaseReason, CaseStatus, Sender, TranslationOrigin, enum_type, one_of


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        one_of("status", CaseStatus, "cases"),
        one_of("reason", CaseReason, "cases"),
        # At most one open case per user, whatever races the bot's handlers run into.
        Index(
            "uq_cases_one_open_per_user",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus), default=CaseStatus.OPEN, index=True)
    reason: Mapped[CaseReason] = mapped_column(enum_type(CaseReason, 32))
    person_requested: Mapped[bool] = mapped_column(Boolean, default=False)  # the user asked for a human
    # a cry for help or acute danger during the hand-over: staff see it first
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    messages: Mapped[list[CaseMessage]] = relationship(
        back_populates="case", order_by="CaseMessage.id", cascade="all, delete-orphan"
    )


class CaseMessage(Base):
    """One line of a hand-over, in the original and, for the other side, translated.

    A user's message is stored as written plus a German translation for staff; a staff reply as written
    (German) plus its translation into the user's language. `translation_origin` says who wrote the
    translation (see `TranslationOrigin`).
    """

    __tablename__ = "case_messages"
    __table_args__ = (
        one_of("sender", Sender, "case_messages"),
        one_of("translation_origin", TranslationOrigin, "case_messages"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    sender: Mapped[Sender] = mapped_column(enum_type(Sender, 8))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    translated_text: Mapped[str | None] = mapped_column(Text)
    translation_language: Mapped[str | None] = mapped_column(String(8))
    translation_origin: Mapped[TranslationOrigin | None] = mapped_column(enum_type(TranslationOrigin))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="messages")
