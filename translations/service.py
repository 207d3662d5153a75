"""One interface for every translation: `translate(text, source, target)`.

Curated text always wins: a knowledge-base title or answer is served in the other language's curated
version. Then the persistent cache (staff-corrected rows first, then machine rows of the current model
version). Only then Argos Translate, whose output is stored, so a text is machine-translated once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.db import Database, TranslationCacheEntry, utcnow
from knowledge import KnowledgeBase
from translations.machine import (
    MachineTranslationBusy,
    MachineTranslationError,
    MachineTranslationUnavailable,
    MachineTranslator,
)

CURATED_VERSION = "curated"

Origin = Literal["identity", "curated", "machine"]


class TranslationUnavailable(Exception):
    """Neither curated text, the cache nor a machine translation model can translate this."""


class TranslationBusy(TranslationUnavailable):
    """A model exists but the translation queue is full right now: trying again later may succeed."""


@dataclass(frozen=True)
class Translated:
    """A text in the target language, with where it came from and the original kept."""

    text: str
    source: str
    target: str
    original: str
    origin: Origin
    cached: bool = False
    model_version: str | None = None

    @property
    def machine(self) -> bool:
        """True when a machine wrote it: the user must be told so."""
        return self.origin == "machine"


@dataclass(frozen=True)
class CachedTranslation:
    """A row of the translation cache, as staff review it."""

    id: int
    source: str
    target: str
    source_text: str
    translated_text: str
    curated: bool
    model_version: str
    created_at: dt.datetime

    @classmethod
    def of(cls, row: TranslationCacheEntry) -> CachedTranslation:
        return cls(
            row.id,
            row.source_language,
            row.target_language,
            row.source_text,
            row.translated_text,
            row.curated,
            row.model_version,
            row.created_at,
        )


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CuratedTexts:
    """Knowledge-base titles and answers, to serve a curated translation instead of a machine one."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._index: dict[tuple[str, str], tuple[str, str]] = {}
        for entry in kb.entries.values():
            for language, text in entry.texts.items():
                self._index[(language, text.title.strip())] = (entry.id, "title")
                self._index[(language, text.answer.strip())] = (entry.id, "answer")

    def lookup(self, text: str, source: str, target: str) -> str | None:
        found = self._index.get((source, text.strip()))
        if found is None:
            return None
        entry_id, field = found
        translated = self._kb.entries[entry_id].text(target)
        return getattr(translated, field) if translated else None


class TranslationService:
    def __init__(
        self, db: Database, machine: MachineTranslator | None = None, curated: CuratedTexts | None = None
    ) -> None:
        self.db = db
        self.machine = machine
        self.curated = curated

    def machine_available(self, source: str, target: str) -> bool:
        return self.machine is not None and self.machine.model_version(source, target) is not None

    async def translate(self, text: str, source: str, target: str, *, store: bool = True) -> Translated:
        """`text` from `source` into `target` (raises TranslationUnavailable).

        `store=False` for personal text (a user's message, a staff reply): it is translated and may be
        served from the cache, but never written to it, so it stays only where the retention rules reach it.
        """
        if source == target or not text.strip():
            return Translated(text, source, target, text, "identity")
        if self.curated is not None:
            curated = self.curated.lookup(text, source, target)
            if curated is not None:
                return Translated(curated, source, target, text, "curated")
        version = self.machine.model_version(source, target) if self.machine is not None else None
        cached = await self._cached(text, source, target, version)
        if cached is not None:
            return cached
        if self.machine is None or version is None:
            raise TranslationUnavailable(f"no curated text and no machine translation model for {source} to {target}")
        try:
            result = await self.machine.translate(text, source, target)
        except MachineTranslationUnavailable as exc:
            raise TranslationUnavailable(str(exc)) from exc
        except MachineTranslationBusy as exc:
            raise TranslationBusy(str(exc)) from exc
        except MachineTranslationError as exc:
            raise TranslationUnavailable(f"machine translation failed: {exc}") from exc
        if store:
            await self._store(text, source, target, version, result, curated=False)
        return Translated(result, source, target, text, "machine", model_version=version)

    async def correct(self, text: str, source: str, target: str, corrected: str) -> Translated:
        """Staff correct a translation: from now on it is curated and served for this text."""
        await self._store(text, source, target, CURATED_VERSION, corrected, curated=True)
        return Translated(corrected, source, target, text, "curated", cached=True)

    async def awaiting_review(self, target: str | None = None, limit: int = 50) -> list[CachedTranslation]:
        """Machine translations in the cache that no person has corrected yet, newest first."""
        corrected = aliased(TranslationCacheEntry)
        reviewed = (
            select(corrected.id)
            .where(
                corrected.curated.is_(True),
                corrected.source_language == TranslationCacheEntry.source_language,
                corrected.target_language == TranslationCacheEntry.target_language,
                corrected.source_hash == TranslationCacheEntry.source_hash,
            )
            .exists()
        )
        query = select(TranslationCacheEntry).where(TranslationCacheEntry.curated.is_(False), ~reviewed)
        if target:
            query = query.where(TranslationCacheEntry.target_language == target)
        async with self.db.session() as session:
            rows = (await session.scalars(query.order_by(TranslationCacheEntry.id.desc()).limit(limit))).all()
        return [CachedTranslation.of(row) for row in rows]

    async def correct_cached(self, cache_id: int, corrected: str) -> Translated:
        """Staff correct a cached translation (by its id in `awaiting_review`); raises KeyError if unknown."""
        if not corrected.strip():
            raise ValueError("the corrected translation is empty")
        async with self.db.session() as session:
            row = await session.get(TranslationCacheEntry, cache_id)
        if row is None:
            raise KeyError(cache_id)
        markers = sorted(set(re.findall(r"§\d+", row.source_text)))
        missing = [m for m in markers if corrected.count(m) != 1]
        if missing:  # an interface text: its placeholders must survive the correction
            raise ValueError(f"keep each of {' '.join(markers)} exactly once: they stand for values filled in later")
        return await self.correct(row.source_text, row.source_language, row.target_language, corrected.strip())

    async def _cached(self, text: str, source: str, target: str, version: str | None) -> Translated | None:
        versions = [CURATED_VERSION] + ([version] if version else [])
        async with self.db.session() as session:
            rows = (await session.scalars(_rows_for(text, source, target, versions))).all()
        rows = [row for row in rows if row.source_text == text]  # a hash collision must not leak a wrong text
        if not rows:
            return None
        row = next((r for r in rows if r.curated), rows[0])
        origin: Origin = "curated" if row.curated else "machine"
        return Translated(
            row.translated_text,
            source,
            target,
            text,
            origin,
            cached=True,
            model_version=None if row.curated else row.model_version,
        )

    async def _store(
        self, text: str, source: str, target: str, version: str, translated: str, *, curated: bool
    ) -> None:
        async with self.db.session() as session:
            row = await session.scalar(_rows_for(text, source, target, [version]))
            if row is None:
                row = TranslationCacheEntry(
                    source_language=source,
                    target_language=target,
                    source_hash=source_hash(text),
                    model_version=version,
                    source_text=text,
                    created_at=utcnow(),
                )
                session.add(row)
            row.translated_text = translated
            row.curated = curated
            row.updated_at = utcnow()
            await session.commit()


def _rows_for(text: str, source: str, target: str, versions: list[str]):
    """The cache rows for one text and language pair, of the given model versions."""
    return select(TranslationCacheEntry).where(
        TranslationCacheEntry.source_language == source,
        TranslationCacheEntry.target_language == target,
        TranslationCacheEntry.source_hash == source_hash(text),
        TranslationCacheEntry.model_version.in_(versions),
    )
