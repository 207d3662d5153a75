"""Two users of a machine-only language opening the same entry at once both store its translation: the
cache upserts, so the second write is no conflict (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.db import Database, SqlTranslationStore, TranslationCacheEntry


async def test_the_same_translation_stored_at_once_is_one_row_and_no_error(database: Database) -> None:
    store = SqlTranslationStore(database)
    await asyncio.gather(
        *(store.save("Kindergeld", "en", "ps", "tiny-1", f"[en>ps] {n}", curated=False) for n in range(8))
    )
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(TranslationCacheEntry)) == 1
    (found,) = await store.find("Kindergeld", "en", "ps", ["tiny-1"])
    assert found.translated_text.startswith("[en>ps]")
