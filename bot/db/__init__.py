"""Persistence: SQLAlchemy 2.0 models (async), Alembic migrations and the translation cache's storage."""

from bot.db.engine import Database, alembic_config, rows_affected
from bot.db.models import (
    Base,
    Case,
    CaseMessage,
    CaseReason,
    CaseStatus,
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
    "rows_affected",
    "utcnow",
]
