"""Delivering the outbox to Telegram: the bot's tick runs it, and so does `lotse worker`.

One tick: translate what waits for translation (no claim held), claim due rows, render each in its user's
language at this moment, send it part by part to the user's private chat, and record the outcome the way
`bot/services/outbox.py` describes (429 → later, 403 → unreachable, a 400 no retry can fix → failed,
network trouble → backoff; a timeout is an outcome Telegram never confirmed and is retried).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot import services
from bot.degraded import DegradedLog
from bot.services import Claimed, LostClaim, OutboxKind, ServiceContext
from bot.services import outbox as queue
from bot.telegram.callbacks import CallbackSigner
from bot.telegram.context import LotseContext
from bot.telegram.handlers.common import NO_PREVIEW
from bot.telegram.ratelimit import SEND_ONCE
from bot.telegram.render import Renderer, Reply
from translations.catalog import has_machine_catalog
from translations.interface import prepare_machine_interface
from translations.languages import is_curated

log = logging.getLogger(__name__)
degraded = DegradedLog(log)

Render = Callable[["OutboxDelivery", Claimed, Renderer], Awaitable[list[Reply] | None]]


async def _staff_reply(delivery: OutboxDelivery, claim: Claimed, render: Renderer) -> list[Reply] | None:
    reply = await services.staff_reply_to_send(delivery.ctx, int(claim.payload["case_message_id"]), claim.language)
    return None if reply is None else render.staff_reply(reply)


async def _staff_joined(delivery: OutboxDelivery, claim: Claimed, render: Renderer) -> list[Reply] | None:
    return render.staff_joined(int(claim.payload["case_id"]), str(claim.payload["name"]))


async def _case_closed(delivery: OutboxDelivery, claim: Claimed, render: Renderer) -> list[Reply] | None:
    return render.case_closed(int(claim.payload["case_id"]))


RENDERERS: dict[OutboxKind, Render] = {
    OutboxKind.STAFF_REPLY: _staff_reply,
    OutboxKind.STAFF_JOINED: _staff_joined,
    OutboxKind.CASE_CLOSED: _case_closed,
}


class OutboxDelivery:
    """Sends what the outbox holds, as one worker (its name is on every claim it makes)."""

    def __init__(self, ctx: ServiceContext, bot: Bot, signer: CallbackSigner, worker: str | None = None) -> None:
        self.ctx = ctx
        self.bot = bot
        self.signer = signer
        self.worker = worker or services.worker_name()
        self._no_interface: set[str] = set()  # languages no model reaches: rendered with the English fallback

    async def tick(self, limit: int = 20) -> int:
        """One round; returns how many rows were claimed."""
        await services.translate_waiting_messages(self.ctx)  # before any claim: translating is slow
        claimed = await services.claim_due(self.ctx, self.worker, limit)
        interfaces: set[str] = set()
        for claim in claimed:
            try:
                if not _interface_ready(claim.language) and claim.language not in self._no_interface:
                    await queue.defer(self.ctx, claim)
                    interfaces.add(claim.language)
                else:
                    await self._deliver(claim)
            except LostClaim as exc:
                log.warning("%s", exc)
            except Exception:  # one row's failure must not hold up the others; it comes back after its lease
                log.exception("outbox row %s could not be delivered; it is tried again after its lease", claim.id)
        for language in interfaces:  # translating the interface is slow: only once no row is held
            if not await prepare_machine_interface(self.ctx.translator, language):
                self._no_interface.add(language)
        return len(claimed)

    async def _deliver(self, claim: Claimed) -> None:
        render = Renderer(self.ctx.kb, self.signer, claim.chat_id, claim.language)
        try:
            replies = await RENDERERS[claim.kind](self, claim, render)
        except services.NotFound as exc:  # what it was about is gone (e.g. deleted): nothing to send
            await queue.failed(self.ctx, claim, f"nothing to send: {exc}")
            return
        if replies is None:
            await queue.defer(self.ctx, claim)
            return
        for index, reply in enumerate(replies):
            if index < claim.parts_sent:
                continue  # went out on an earlier attempt
            if not await self._send(claim, reply):
                return
            if index + 1 < len(replies):
                await queue.part_sent(self.ctx, claim, index + 1)
        await queue.sent(self.ctx, claim)

    async def _send(self, claim: Claimed, reply: Reply) -> bool:
        """Send one part, if this worker still holds the row; on failure record what happens next and return
        False."""
        await queue.renew(self.ctx, claim)  # raises LostClaim when another worker may have it by now
        try:
            await self.bot.send_message(
                claim.chat_id,
                reply.html,
                parse_mode="HTML",
                reply_markup=reply.keyboard,
                link_preview_options=NO_PREVIEW,
                rate_limit_args=SEND_ONCE,  # type: ignore[call-arg]  # ExtBot's extra argument
            )
        except RetryAfter as exc:
            wait = exc.retry_after
            delay = wait if isinstance(wait, dt.timedelta) else dt.timedelta(seconds=wait)
            await queue.retry_later(self.ctx, claim, f"429: {exc}", retry_after=delay)
        except Forbidden as exc:
            await queue.unreachable(self.ctx, claim, f"403: {exc}")
        except BadRequest as exc:
            await queue.failed(self.ctx, claim, f"400: {exc}")
        except TimedOut as exc:  # the message may have gone out: a retry may duplicate it, once
            degraded.warning("outbox-timeout", "outbox row %s: no answer from Telegram (%s)", claim.id, exc)
            await queue.retry_later(self.ctx, claim, f"timed out, outcome unknown: {exc}")
        except (NetworkError, TelegramError) as exc:
            degraded.warning("outbox-failure", "outbox row %s not delivered yet: %s", claim.id, exc)
            await queue.retry_later(self.ctx, claim, f"{type(exc).__name__}: {exc}")
        else:
            return True
        return False


def _interface_ready(language: str) -> bool:
    return is_curated(language) or language == "en" or has_machine_catalog(language)


async def deliver_outbox(context: LotseContext) -> None:
    """The bot's outbox tick (JobQueue)."""
    application = context.lotse
    delivery = application.bot_data.get("outbox-delivery")
    if not isinstance(delivery, OutboxDelivery):
        delivery = OutboxDelivery(context.services, context.bot, context.signer)
        application.bot_data["outbox-delivery"] = delivery
    await delivery.tick()
