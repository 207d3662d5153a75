"""Database tables, one module per feature. Personal data is kept to what the bot needs to answer and hand
over to staff (see each module's docstring)."""

from bot.db.models.base import Base, UTCDateTime, utcnow
from bot.db.models.conversation import Message, QuestionLog
from bot.db.models.enums import (
    CaseReason,
    CaseStatus,
    OutboxKind,
    OutboxStatus,
    QuestionOutcome,
    Sender,
    TranslationOrigin,
)
from bot.db.models.handover import Case, CaseMessage
from bot.db.models.outbox import OutboxMessage
from bot.db.models.translation_cache import TranslationCacheEntry
from bot.db.models.users import GroupNotice, User

__all__ = [
    "Base",
    "Case",
    "CaseMessage",
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
    "TranslationCacheEntry",
    "TranslationOrigin",
    "UTCDateTime",
    "User",
    "utcnow",
]
