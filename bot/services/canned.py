"""Canned replies: prepared staff answers per language, curated and editable by admins.

Staff write German. A canned reply sent unchanged reaches a newcomer in its curated text for their language
where one exists (`curated_canned`, used when a reply is queued), so it is never machine-translated; an
edited one is an ordinary reply. The table starts from `knowledge/data/canned_replies.yaml` when it is empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import CannedReply, dialect_insert
from bot.services.context import ServiceContext
from bot.services.errors import EmptyText, InvalidInput, NotFound
from knowledge.canned import load_canned_replies
from translations.languages import LANGUAGE_NAMES, STAFF_LANGUAGE


@dataclass(frozen=True)
class Canned:
    id: int
    key: str
    language: str
    title: str
    text: str
    updated_at: dt.datetime


async def canned_replies(ctx: ServiceContext, language: str | None = None) -> list[Canned]:
    """Canned replies (of one language, or all), by key and language."""
    query = select(CannedReply).order_by(CannedReply.key, CannedReply.language)
    if language is not None:
        query = query.where(CannedReply.language == language)
    async with ctx.db.session() as session:
        rows = await session.scalars(query)
        return [Canned(r.id, r.key, r.language, r.title, r.text, r.updated_at) for r in rows]


async def save_canned(ctx: ServiceContext, key: str, language: str, title: str, text: str) -> None:
    """Add a canned reply or change the one with this key and language."""
    key, title, text = key.strip().lower(), title.strip(), text.strip()
    if not key or not title or not text:
        raise EmptyText("a canned reply needs a key, a title and a text")
    if language not in LANGUAGE_NAMES:
        raise InvalidInput(f"unknown language {language!r}")
    if len(key) > 64 or len(title) > 120 or len(text) > 4000:
        raise InvalidInput("key, title or text too long (64, 120, 4000 characters)")
    async with ctx.db.session() as session, session.begin():
        await _upsert(session, ctx.now(), key, language, title, text, overwrite=True)


async def delete_canned(ctx: ServiceContext, canned_id: int) -> None:
    async with ctx.db.session() as session, session.begin():
        result = await session.execute(delete(CannedReply).where(CannedReply.id == canned_id).returning(CannedReply.id))
        if result.first() is None:
            raise NotFound(f"no canned reply {canned_id}")


async def seed_canned_replies(ctx: ServiceContext) -> int:
    """Fill an empty table from the starting set; returns how many were added (0 once staff have any)."""
    starting = load_canned_replies()
    async with ctx.db.session() as session, session.begin():
        if await session.scalar(select(func.count()).select_from(CannedReply)):
            return 0
        for canned in starting:
            await _upsert(session, ctx.now(), canned.key, canned.language, canned.title, canned.text, overwrite=False)
    return len(starting)


async def curated_canned(session: AsyncSession, german: str, language: str) -> str | None:
    """The curated text in `language` of the German canned reply `german` (sent unchanged), if there is one."""
    if language == STAFF_LANGUAGE:
        return None
    key = await session.scalar(
        select(CannedReply.key).where(CannedReply.language == STAFF_LANGUAGE, CannedReply.text == german).limit(1)
    )
    if key is None:
        return None
    text: str | None = await session.scalar(
        select(CannedReply.text).where(CannedReply.key == key, CannedReply.language == language)
    )
    return text


async def _upsert(
    session: AsyncSession, now: dt.datetime, key: str, language: str, title: str, text: str, *, overwrite: bool
) -> None:
    assert session.bind is not None, "sessions are bound to the database's engine"
    insert = dialect_insert(session.bind.dialect.name)(CannedReply).values(
        key=key, language=language, title=title, text=text, updated_at=now
    )
    if overwrite:
        statement = insert.on_conflict_do_update(
            index_elements=["key", "language"], set_={"title": title, "text": text, "updated_at": now}
        )
    else:
        statement = insert.on_conflict_do_nothing(index_elements=["key", "language"])
    await session.execute(statement)
