"""The retention tick: delete what the retention rules say to delete."""

from __future__ import annotations

import logging

from bot import services
from bot.telegram.context import LotseContext

log = logging.getLogger(__name__)


async def purge_old_messages(context: LotseContext) -> None:
    ctx = context.services
    deleted = await services.purge_old_messages(ctx)
    if deleted:
        days = ctx.settings.retention.message_retention_days
        log.info("deleted %d conversation messages older than %d days", deleted, days)
