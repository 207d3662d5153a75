"""Staff of the office: accounts, login sessions, the audit log and canned replies.

- `StaffAccount`: a username, an argon2 hash (never the password), a role, and the name the newcomer sees
  when this person joins a chat (a first name or a role such as "Beraterin"; staff choose).
- `StaffSession`: a login. The cookie holds a random token; only its SHA-256 is stored, so a copy of the
  database lets nobody log in. `last_seen_at` drives the idle logout; deactivating an account ends its sessions.
- `AuditEntry`: who read, replied, closed or exported what, and when. It names the case by number, never a
  newcomer's words, and stays when a case is deleted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, UTCDateTime, utcnow
from bot.db.models.enums import StaffRole, enum_type, one_of


class StaffAccount(Base):
    __tablename__ = "staff_accounts"
    __table_args__ = (one_of("role", StaffRole, "staff_accounts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))  # shown to newcomers: a first name or a role
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[StaffRole] = mapped_column(enum_type(StaffRole))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    interface_language: Mapped[str] = mapped_column(String(8), default="de")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's token
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # login, read_case, reply, note, claim, close, export, ...
    case_id: Mapped[int | None] = mapped_column(Integer)  # a number, not a link: the entry outlives the case
    detail: Mapped[str | None] = mapped_column(String(200))


class CannedReply(Base):
    """A prepared reply in one language (German ones are what staff send; the others are curated
    translations sent as they are)."""

    __tablename__ = "canned_replies"
    __table_args__ = (UniqueConstraint("key", "language", name="uq_canned_replies_key_language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)  # the same key in every language
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
