"""Every status and kind the database stores, as `StrEnum`s.

Each column that holds one has a CHECK constraint naming the allowed values (see `one_of`), so a typo in
code fails at the database instead of writing a state nobody handles.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

import sqlalchemy as sa


class Sender(StrEnum):
    USER = "user"
    BOT = "bot"
    STAFF = "staff"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CaseReason(StrEnum):
    TALK_TO_PERSON = "talk_to_person"  # the user asked for a person (the only way a case opens now)
    UNANSWERED = "unanswered"  # before 0007: the bot had no checked answer (such cases are kept, not made)


class CasePriority(IntEnum):
    """The queue's order: urgent (a cry for help during the hand-over) before high (a sensitive topic)."""

    NORMAL = 0
    HIGH = 1
    URGENT = 2


class CaseOutcome(StrEnum):
    """How staff closed a case (or the user withdrew it)."""

    RESOLVED = "resolved"
    REFERRED = "referred"  # referred to another office
    NO_RESPONSE = "no_response"
    WITHDRAWN = "withdrawn"
    DUPLICATE = "duplicate"


class CaseMessageKind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    DOCUMENT = "document"
    NOTE = "note"  # an internal note of staff: the user never sees it
    EVENT = "event"  # claimed, assigned, closed, reopened, rated: shown in the case's history


class StaffRole(StrEnum):
    ADMIN = "admin"  # everything, plus staff accounts, canned replies and the audit log
    COORDINATOR = "coordinator"  # the queue, cases, the knowledge-gap report


class TranslationOrigin(StrEnum):
    """Who wrote the translation stored beside a hand-over message."""

    IDENTITY = "identity"  # same language: nothing to translate
    CURATED = "curated"  # a person wrote it (a knowledge-base text, a staff correction)
    MACHINE = "machine"  # offline machine translation
    NONE = "none"  # no translation possible: the other side reads the original
    PENDING = "pending"  # the translator was busy; the bot's tick translates it as soon as it can


class QuestionOutcome(StrEnum):
    ANSWERED = "answered"
    SUGGESTED = "suggested"
    CHOSEN = "chosen"  # the user picked one of the suggested entries
    UNANSWERED = "unanswered"
    EMERGENCY = "emergency"


class OutboxKind(StrEnum):
    """What an outbox row sends (reminders, broadcasts and staff notifications join in later issues)."""

    STAFF_REPLY = "staff_reply"
    STAFF_JOINED = "staff_joined"  # "a person has joined" (a first name or a role)
    CASE_CLOSED = "case_closed"  # the case was closed: a 1-5 rating with buttons


class OutboxStatus(StrEnum):
    """Where a row stands. A claimed row stays PENDING; its lease (`claimed_until`) keeps others off it."""

    PENDING = "pending"  # waiting for its time, a worker, or its translation
    SENT = "sent"  # every part went out
    FAILED = "failed"  # Telegram refused it for good (a 400 that no retry can fix)
    GIVEN_UP = "given_up"  # still failing after the give-up age
    UNREACHABLE = "unreachable"  # the user blocked the bot; sent when they are reachable again
    CANCELLED = "cancelled"  # the cause went away (e.g. a cancelled booking drops its reminders)


def enum_type(enum: type[StrEnum], length: int = 16) -> sa.Enum:
    """A VARCHAR column that reads and writes `enum` members (the CHECK constraint comes from `one_of`)."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )


def one_of(column: str, enum: type[StrEnum], table: str) -> sa.CheckConstraint:
    """CHECK (column IN (...)) named ck_<table>_<column>, the same name the migration gives it."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return sa.CheckConstraint(f"{column} IN ({values})", name=f"ck_{table}_{column}")
