"""What every service needs: settings, database, knowledge base, matcher and a clock tests control."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.settings import Settings
from intents import Matcher
from knowledge import KnowledgeBase, load_knowledge_base, matcher_documents
from translations.languages import CURATED_LANGUAGES, offered_languages
from translations.service import CuratedTexts, TranslationService

log = logging.getLogger(__name__)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class ServiceContext:
    settings: Settings
    db: Database
    kb: KnowledgeBase
    matcher: Matcher
    translator: TranslationService | None = None
    clock: Callable[[], dt.datetime] = field(default=_utcnow)

    def __post_init__(self) -> None:
        if self.translator is None:
            self.translator = TranslationService(self.db, None, CuratedTexts(self.kb))

    def offered_languages(self) -> list[str]:
        """Curated languages, plus languages an installed machine translation model reaches."""
        translator = self.translator
        assert translator is not None
        return offered_languages(
            lambda code: translator.machine_available("en", code) or translator.machine_available("de", code)
        )

    def is_curated(self, language: str) -> bool:
        return language in CURATED_LANGUAGES

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
    """Load the knowledge base, build the matcher index, connect the database (not yet migrated) and,
    when the [mt] extra is installed, the offline machine translation."""
    kb = kb or load_knowledge_base()
    db = db or Database(settings.effective_database_url)
    return ServiceContext(
        settings=settings,
        db=db,
        kb=kb,
        matcher=build_matcher(kb, settings),
        translator=TranslationService(db, build_machine_translator(settings), CuratedTexts(kb)),
    )


def build_machine_translator(settings: Settings):
    """Argos Translate behind a worker thread, or None without the [mt] extra."""
    from translations.machine import ArgosEngine, MachineTranslator, argos_available

    if not argos_available():
        return None
    try:
        engine = ArgosEngine(settings.effective_mt_home, max_models=settings.mt_max_models)
    except RuntimeError as exc:  # Argos is process-wide: a second home in one process cannot work
        log.warning("machine translation is off: %s", exc)
        return None
    return MachineTranslator(engine, timeout=settings.mt_timeout_seconds, max_pending=settings.mt_max_pending)
