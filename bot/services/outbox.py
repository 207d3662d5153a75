"""The outbox: what the bot must send, claimed by one process at a time and sent by the bot's tick.

Today it holds staff replies: the tick claims them, translates them into the user's language (curated
where the text comes from the knowledge base, else machine translation, else the German original with a
note), stores the translation beside the original and sends them. While the translation queue is full a
reply waits (up to BUSY_WAIT) rather than going out in German.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select, update

from bot.db import Case, CaseMessage, OutboxKind, OutboxMessage, OutboxStatus, TranslationOrigin, User, rows_affected
from bot.services.context import ServiceContext
from bot.services.handover import set_translation, translate_personal
from translations.languages import STAFF_LANGUAGE
from translations.service import TranslationBusy

MAX_ATTEMPTS = 5
STALE_CLAIM = dt.timedelta(minutes=5)  # a process that claimed a reply and died: another may take it
BUSY_WAIT = dt.timedelta(minutes=1)  # how long a reply waits for a busy translator before it goes in German


@dataclass(frozen=True)
class StaffReply:
    """A claimed outbox row, ready to send."""

    outbox_id: int
    chat_id: int
    language: str
    case_message_id: int
    original: str
    text: str  # what the user reads
    origin: TranslationOrigin  # NONE: no translation possible, the user reads the German original


async def claim_staff_replies(ctx: ServiceContext, limit: int = 20) -> list[StaffReply]:
    """Claim pending replies (a compare-and-set per row, so two bot processes never take the same one),
    translate them for their reader and store the translation with the original."""
    now = ctx.now()
    claimable = or_(
        OutboxMessage.status == OutboxStatus.PENDING,
        (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < now - STALE_CLAIM),
    )
    async with ctx.db.session() as session:
        candidates = (
            await session.scalars(
                select(OutboxMessage.id)
                .where(claimable, OutboxMessage.kind == OutboxKind.STAFF_REPLY)
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        ).all()
        claimed = []
        for outbox_id in candidates:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == outbox_id, claimable)
                .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
            )
            if rows_affected(result) == 1:
                claimed.append(outbox_id)
        await session.commit()
    prepared = [await _prepare(ctx, outbox_id) for outbox_id in claimed]
    return [reply for reply in prepared if reply is not None]


async def _prepare(ctx: ServiceContext, outbox_id: int) -> StaffReply | None:
    """Translate a claimed reply; None when the translator is busy and the reply may still wait.
    No session stays open while the translator works."""
    async with ctx.db.session() as session:
        outbox = await session.get(OutboxMessage, outbox_id)
        assert outbox is not None and outbox.case_message_id is not None, f"outbox row {outbox_id} without a message"
        message = await session.get(CaseMessage, outbox.case_message_id)
        assert message is not None, f"outbox row {outbox_id}: its message is gone"
        case_language, user_language = (
            await session.execute(
                select(Case.language, User.language)
                .join(User, User.id == Case.user_id)
                .where(Case.id == message.case_id)
            )
        ).one()
        may_wait = outbox.created_at > ctx.now() - BUSY_WAIT
        chat_id, original = outbox.chat_id, message.text
    language = user_language or case_language  # the language the user reads now
    try:
        translated = await translate_personal(ctx, original, STAFF_LANGUAGE, language, busy_is_final=not may_wait)
    except TranslationBusy:
        async with ctx.db.session() as session:  # the next tick tries again; this was not a delivery attempt
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == outbox_id)
                .values(status=OutboxStatus.PENDING, attempts=OutboxMessage.attempts - 1)
            )
            await session.commit()
        return None
    async with ctx.db.session() as session:
        message = await session.get(CaseMessage, message.id)
        assert message is not None
        set_translation(message, translated)
        message.translation_language = language
        origin = message.translation_origin
        await session.commit()
    assert origin is not None
    return StaffReply(
        outbox_id=outbox_id,
        chat_id=chat_id,
        language=language,
        case_message_id=message.id,
        original=original,
        text=translated.text if translated else original,
        origin=origin,
    )


async def mark_sent(ctx: ServiceContext, outbox_id: int) -> None:
    async with ctx.db.session() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(status=OutboxStatus.SENT, sent_at=ctx.now(), last_error=None)
        )
        await session.commit()


async def mark_failed(ctx: ServiceContext, outbox_id: int, error: str, *, retry: bool) -> None:
    """Put a reply back in the queue (up to MAX_ATTEMPTS) or give up on it (e.g. the user blocked the bot)."""
    async with ctx.db.session() as session:
        outbox = await session.get(OutboxMessage, outbox_id)
        if outbox is None:
            return
        outbox.last_error = error[:1000]
        outbox.status = OutboxStatus.PENDING if retry and outbox.attempts < MAX_ATTEMPTS else OutboxStatus.FAILED
        await session.commit()
