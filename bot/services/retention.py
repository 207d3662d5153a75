"""Conversation messages are kept only for `message_retention_days` (cases keep their own copy)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from bot.db import Message, rows_affected
from bot.services.context import ServiceContext


async def purge_old_messages(ctx: ServiceContext) -> int:
    """Delete conversation messages older than the retention period; returns how many."""
    cutoff = ctx.now() - dt.timedelta(days=ctx.settings.retention.message_retention_days)
    async with ctx.db.session() as session:
        result = await session.execute(delete(Message).where(Message.created_at < cutoff))
        await session.commit()
        return rows_affected(result)
