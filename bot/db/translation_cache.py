"""The translation cache on the database: `translations.service.TranslationStore` implemented with SQLAlchemy."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.db.engine import Database, dialect_insert
from bot.db.models import TranslationCacheEntry, utcnow
from translations.service import CachedTranslation


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cached(row: TranslationCacheEntry) -> CachedTranslation:
    return CachedTranslation(
        row.id,
        row.source_language,
        row.target_language,
        row.source_text,
        row.translated_text,
        row.curated,
        row.model_version,
        row.created_at,
    )


class SqlTranslationStore:
    def __init__(self, db: Database, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    async def find(self, text: str, source: str, target: str, versions: Sequence[str]) -> list[CachedTranslation]:
        query = select(TranslationCacheEntry).where(
            TranslationCacheEntry.source_language == source,
            TranslationCacheEntry.target_language == target,
            TranslationCacheEntry.source_hash == source_hash(text),
            TranslationCacheEntry.model_version.in_(versions),
        )
        async with self.db.session() as session:
            rows = (await session.scalars(query)).all()
        return [_cached(row) for row in rows if row.source_text == text]  # a hash collision must not leak

    async def save(self, text: str, source: str, target: str, version: str, translated: str, *, curated: bool) -> None:
        """Insert, or update the row of the same text, pair and version (two users at once is no conflict)."""
        now = self.clock()
        values = {
            "source_language": source,
            "target_language": target,
            "source_hash": source_hash(text),
            "model_version": version,
            "source_text": text,
            "translated_text": translated,
            "curated": curated,
            "created_at": now,
            "updated_at": now,
        }
        statement = dialect_insert(self.db.dialect)(TranslationCacheEntry).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["source_language", "target_language", "source_hash", "model_version"],
            set_={"translated_text": translated, "curated": curated, "updated_at": now},
        )
        async with self.db.session() as session:
            await session.execute(statement)
            await session.commit()

    async def get(self, cache_id: int) -> CachedTranslation | None:
        async with self.db.session() as session:
            row = await session.get(TranslationCacheEntry, cache_id)
        return _cached(row) if row is not None else None

    async def awaiting_review(self, target: str | None, limit: int) -> list[CachedTranslation]:
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
        return [_cached(row) for row in rows]
