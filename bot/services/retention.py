"""Conversation messages are kept only for `message_retention_days` (cases keep their own copy); the record
of which groups were told to write privately only for the day it is about."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from bot.db import GroupNotice, Message, rows_affected
from bot.services.context import ServiceContext


async def purge_old_messages(ctx: ServiceContext) -> int:
    """Delete conversation messages older than the retention period; returns how many."""
    cutoff = ctx.now() - dt.timedelta(days=ctx.settings.retention.message_retention_days)
    async with ctx.db.session() as session, session.begin():
        result = await session.execute(delete(Message).where(Message.created_at < cutoff))
        await session.execute(delete(GroupNotice).where(GroupNotice.notified_on < ctx.today()))
        return rows_affected(result)
