"""The outbox tick: deliver what waits in the outbox (staff replies today), translated for its reader."""

from __future__ import annotations

import logging

from telegram.error import Forbidden, TelegramError

from bot import services
from bot.degraded import DegradedLog
from bot.telegram.context import LotseContext
from bot.telegram.handlers.common import renderer_for, send

log = logging.getLogger(__name__)
degraded = DegradedLog(log)


async def deliver_staff_replies(context: LotseContext) -> None:
    """Send staff replies waiting in the outbox, translated for their reader, and translate users'
    messages that arrived while the translator was busy."""
    ctx = context.services
    for reply in await services.claim_staff_replies(ctx):
        render = await renderer_for(context, reply.chat_id, reply.language, typing=False)
        try:
            await send(context, reply.chat_id, render.staff_reply(reply))
        except Forbidden as exc:  # blocked the bot: no point in trying again
            await services.mark_failed(ctx, reply.outbox_id, str(exc), retry=False)
        except TelegramError as exc:
            degraded.warning("staff-reply", "staff reply %s not delivered yet: %s", reply.outbox_id, exc)
            await services.mark_failed(ctx, reply.outbox_id, str(exc), retry=True)
        else:
            await services.mark_sent(ctx, reply.outbox_id)
    await services.translate_waiting_user_messages(ctx)  # staff read them in German as soon as possible
