"""`Case` / `CaseMessage`: a hand-over to a person, with its own copy of the conversation so far."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db.models.base import Base, UTCDateTime, utcnow
from bot.db.models.enums import (
    CaseMessageKind,
    CaseOutcome,
    CasePriority,
    CaseReason,
    CaseStatus,
    Sender,
    TranslationOrigin,
    enum_type,
    one_of,
)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        one_of("status", CaseStatus, "cases"),
        one_of("reason", CaseReason, "cases"),
        one_of("outcome", CaseOutcome, "cases"),
        CheckConstraint("priority IN (0, 1, 2)", name="ck_cases_priority"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ck_cases_rating"),
        Index("ix_cases_queue", "status", "priority", "created_at"),
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
    # urgent: a cry for help or acute danger during the hand-over; high: a sensitive topic. Staff may change it.
    priority: Mapped[int] = mapped_column(SmallInteger, default=CasePriority.NORMAL)
    topic: Mapped[str | None] = mapped_column(String(64))  # the knowledge-base topic the conversation was about
    language: Mapped[str] = mapped_column(String(8))
    # Hand-over mode: the user's messages go to the case and the bot does not answer them. "Ask the bot
    # again" turns it off (the case stays open for staff); asking for a person turns it on again.
    bot_paused: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    pause_notice_sent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_user_message_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[CaseOutcome | None] = mapped_column(enum_type(CaseOutcome))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # a comment may follow for a while

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
        one_of("kind", CaseMessageKind, "case_messages"),
        one_of("translation_origin", TranslationOrigin, "case_messages"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    sender: Mapped[Sender] = mapped_column(enum_type(Sender, 8))
    kind: Mapped[CaseMessageKind] = mapped_column(enum_type(CaseMessageKind, 8), default=CaseMessageKind.TEXT)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    translated_text: Mapped[str | None] = mapped_column(Text)
    translation_language: Mapped[str | None] = mapped_column(String(8))
    translation_origin: Mapped[TranslationOrigin | None] = mapped_column(enum_type(TranslationOrigin))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="messages")
    files: Mapped[list[CaseFile]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class CaseFile(Base):
    """A photo or document the user sent during a hand-over (a letter, mostly). Kept in the database with
    its case, so it is deleted with the case and under the same retention; its size is limited."""

    __tablename__ = "case_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_message_id: Mapped[int] = mapped_column(ForeignKey("case_messages.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
