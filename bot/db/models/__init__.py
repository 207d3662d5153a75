"""Database tables, one module per feature. Personal data is kept to what the bot needs to answer and hand
over to staff (see each module's docstring)."""

from bot.db.models.base import Base, UTCDateTime, utcnow
from bot.db.models.conversation import Message, QuestionLog
from bot.db.models.enums import (
    CaseMessageKind,
    CaseOutcome,
    CasePriority,
    CaseReason,
    CaseStatus,
    OutboxKind,
    OutboxStatus,
    QuestionOutcome,
    Sender,
    StaffRole,
    TranslationOrigin,
)
from bot.db.models.handover import Case, CaseFile, CaseMessage
from bot.db.models.outbox import OutboxMessage
from bot.db.models.staff import AuditEntry, CannedReply, StaffAccount, StaffSession
from bot.db.models.translation_cache import TranslationCacheEntry
from bot.db.models.users import GroupNotice, User

__all__ = [
    "AuditEntry",
    "Base",
    "CannedReply",
    "Case",
    "CaseFile",
    "CaseMessage",
    "CaseMessageKind",
    "CaseOutcome",
    "CasePriority",
    "CaseReason",
    "CaseStatus",
    "GroupNotice",
    "Message",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "QuestionLog",
    "QuestionOutcome",
    "Sender",
    "StaffAccount",
    "StaffRole",
    "StaffSession",
    "TranslationCacheEntry",
    "TranslationOrigin",
    "UTCDateTime",
    "User",
    "utcnow",
]
