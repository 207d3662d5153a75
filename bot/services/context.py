"""What every service needs: settings, database, knowledge base, matcher and a clock tests control."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.settings import Settings
from intents import Matcher
from knowledge import KnowledgeBase, load_knowledge_base, matcher_documents


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class ServiceContext:
    settings: Settings
    db: Database
    kb: KnowledgeBase
    matcher: Matcher
    clock: Callable[[], dt.datetime] = field(default=_utcnow)

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        """Today in the office's timezone (statistics count local days)."""
        return self.clock().astimezone(self.timezone).date()


def build_matcher(kb: KnowledgeBase, settings: Settings) -> Matcher:
    return Matcher(
        matcher_documents(kb),
        answer_threshold=settings.match_answer_threshold,
        suggest_threshold=settings.match_suggest_threshold,
    )


def build_context(settings: Settings, *, db: Database | None = None, kb: KnowledgeBase | None = None) -> ServiceContext:
    """Load the knowledge base, build the matcher index and connect the database (not yet migrated)."""
    kb = kb or load_knowledge_base()
    return ServiceContext(
        settings=settings,
        db=db or Database(settings.effective_database_url),
        kb=kb,
        matcher=build_matcher(kb, settings),
    )
