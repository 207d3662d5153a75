"""What every service needs: settings, database, knowledge base, matcher, translator and a clock tests control.

Services receive it; they never build it. Building (connecting the database, loading the knowledge base,
indexing it, starting the translation worker) happens in `bot/runtime.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.db import Database, utcnow
from bot.settings import Settings
from intents import Matcher
from knowledge import KnowledgeBase
from translations.languages import FALLBACK_LANGUAGES, offered_languages
from translations.service import TranslationService


@dataclass(frozen=True)
class ServiceContext:
    settings: Settings
    db: Database
    kb: KnowledgeBase
    matcher: Matcher
    translator: TranslationService
    clock: Callable[[], dt.datetime] = field(default=utcnow)

    def offered_languages(self) -> list[str]:
        """Curated languages, plus languages an installed machine translation model reaches."""
        available = self.translator.machine_available
        return offered_languages(lambda code: any(available(source, code) for source in FALLBACK_LANGUAGES))

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        """Today in the office's timezone (statistics count local days)."""
        return self.clock().astimezone(self.timezone).date()
