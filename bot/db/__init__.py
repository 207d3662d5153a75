"""Persistence: SQLAlchemy 2.0 models (async), Alembic migrations and the translation cache's storage."""

from bot.db.engine import Database, alembic_config, dialect_insert, rows_affected
from bot.db.models import (
    Base,
    Case,
    CaseMessage,
    CaseReason,
    CaseStatus,
    GroupNotice,
    Message,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    QuestionLog,
    QuestionOutcome,
    Sender,
    TranslationCacheEntry,
    TranslationOrigin,
    User,
    utcnow,
)
from bot.db.translation_cache import SqlTranslationStore

__all__ = [
    "Base",
    "Case",
    "CaseMessage",
    "CaseReason",
    "CaseStatus",
    "Database",
    "GroupNotice",
    "Message",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "QuestionLog",
    "QuestionOutcome",
    "Sender",
    "SqlTranslationStore",
    "TranslationCacheEntry",
    "TranslationOrigin",
    "User",
    "alembic_config",
    "dialect_insert",
    "rows_affected",
    "utcnow",
]
