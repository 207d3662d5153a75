"""Persistence: SQLAlchemy 2.0 models (async) and Alembic migrations."""

from bot.db.engine import Database, alembic_config
from bot.db.models import (
    Base,
    Case,
    CaseMessage,
    Message,
    OutboxMessage,
    QuestionLog,
    TranslationCacheEntry,
    User,
    utcnow,
)

__all__ = [
    "Base",
    "Case",
    "CaseMessage",
    "Database",
    "Message",
    "OutboxMessage",
    "QuestionLog",
    "TranslationCacheEntry",
    "User",
    "alembic_config",
    "utcnow",
]
