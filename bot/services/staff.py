"""The human chat in both directions: staff write German, newcomers read their language, and back.

A staff reply is stored as written and queued in the outbox; the bot's tick claims it, translates it
into the user's language (curated where the text comes from the knowledge base, else machine
translation, else the German original with a note), stores the translation beside the original and
sends it. While the translation queue is full a reply waits (up to BUSY_WAIT) rather than going out in
German. A user's message in an open hand-over is stored as written plus a German translation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select, update

from bot.db import Case, CaseMessage, OutboxMessage, User
from bot.services.context import ServiceContext
from bot.services.users import UserProfile
from translations.service import Translated, TranslationBusy, TranslationUnavailable

STAFF_LANGUAGE = "de"
MAX_ATTEMPTS = 5
STALE_CLAIM = dt.timedelta(minutes=5)  # a process that claimed a reply and died: another may take it
BUSY_WAIT = dt.timedelta(minutes=1)  # how long a reply waits for a busy translator before it goes in German


class CaseNotFound(LookupError):
    """No open case with that number."""


@dataclass(frozen=True)
class QueuedReply:
    case_id: int
    case_message_id: int
    outbox_id: int


@dataclass(frozen=True)
class StaffReply:
    """A claimed outbox row, ready to send."""

    outbox_id: int
    chat_id: int
    language: str
    case_message_id: int
    original: str
    text: str  # what the user reads
    origin: str  # identity | curated | machine | none (no translation possible: the German original)


async def reply_to_case(ctx: ServiceContext, case_id: int, text: str) -> QueuedReply:
    """Queue a staff member's reply (German) to the user of an open case."""
    text = text.strip()
    if not text:
        raise ValueError("empty reply")
    async with ctx.db.session() as session:
        row = (
            await session.execute(select(Case, User).join(User, User.id == Case.user_id).where(Case.id == case_id))
        ).first()
        if row is None or row[0].status != "open":
            raise CaseNotFound(f"no open case {case_id}")
        case, user = row
        message = CaseMessage(case_id=case.id, sender="staff", text=text, language=STAFF_LANGUAGE, created_at=ctx.now())
        session.add(message)
        await session.flush()
        outbox = OutboxMessage(
            kind="staff_reply",
            chat_id=user.chat_id,
            case_message_id=message.id,
            status="pending",
            attempts=0,
            created_at=ctx.now(),
        )
        session.add(outbox)
        await session.commit()
        return QueuedReply(case.id, message.id, outbox.id)


async def claim_staff_replies(ctx: ServiceContext, limit: int = 20) -> list[StaffReply]:
    """Claim pending replies (a compare-and-set per row, so two bot processes never take the same one),
    translate them for their reader and store the translation with the original."""
    now = ctx.now()
    claimable = or_(
        OutboxMessage.status == "pending",
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - STALE_CLAIM),
    )
    async with ctx.db.session() as session:
        candidates = (
            await session.scalars(
                select(OutboxMessage.id)
                .where(claimable, OutboxMessage.kind == "staff_reply")
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        ).all()
        claimed = []
        for outbox_id in candidates:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == outbox_id, claimable)
                .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
            )
            if result.rowcount == 1:
                claimed.append(outbox_id)
        await session.commit()
    prepared = [await _prepare(ctx, outbox_id) for outbox_id in claimed]
    return [reply for reply in prepared if reply is not None]


async def _prepare(ctx: ServiceContext, outbox_id: int) -> StaffReply | None:
    """Translate a claimed reply; None when the translator is busy and the reply may still wait."""
    async with ctx.db.session() as session:
        outbox = await session.get(OutboxMessage, outbox_id)
        assert outbox is not None and outbox.case_message_id is not None
        message = await session.get(CaseMessage, outbox.case_message_id)
        assert message is not None
        case_language, user_language = (
            await session.execute(
                select(Case.language, User.language)
                .join(User, User.id == Case.user_id)
                .where(Case.id == message.case_id)
            )
        ).one()
        language = user_language or case_language  # the language the user reads now
        may_wait = outbox.created_at > ctx.now() - BUSY_WAIT
        try:
            translated = await _translate(ctx, message.text, STAFF_LANGUAGE, language, busy_is_final=not may_wait)
        except TranslationBusy:
            outbox.status = "pending"  # the next tick tries again; this was not a delivery attempt
            outbox.attempts -= 1
            await session.commit()
            return None
        _set_translation(message, translated)
        message.translation_language = language
        origin = message.translation_origin
        await session.commit()
        return StaffReply(
            outbox_id=outbox.id,
            chat_id=outbox.chat_id,
            language=language,
            case_message_id=message.id,
            original=message.text,
            text=translated.text if translated else message.text,
            origin=origin,
        )


async def mark_sent(ctx: ServiceContext, outbox_id: int) -> None:
    async with ctx.db.session() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(status="sent", sent_at=ctx.now(), last_error=None)
        )
        await session.commit()


async def mark_failed(ctx: ServiceContext, outbox_id: int, error: str, *, retry: bool) -> None:
    """Put a reply back in the queue (up to MAX_ATTEMPTS) or give up on it (e.g. the user blocked the bot)."""
    async with ctx.db.session() as session:
        outbox = await session.get(OutboxMessage, outbox_id)
        if outbox is None:
            return
        outbox.last_error = error[:1000]
        outbox.status = "pending" if retry and outbox.attempts < MAX_ATTEMPTS else "failed"
        await session.commit()


async def record_user_message(ctx: ServiceContext, profile: UserProfile, text: str) -> None:
    """Add a user's message to their open hand-over, with a German translation for staff."""
    async with ctx.db.session() as session:
        case = await session.scalar(
            select(Case)
            .where(Case.user_id == profile.id, Case.status == "open", Case.person_requested.is_(True))
            .order_by(Case.id.desc())
            .limit(1)
        )
        if case is None:
            return
        message = CaseMessage(
            case_id=case.id,
            sender="user",
            text=text,
            language=profile.language,
            translation_language=STAFF_LANGUAGE,
            created_at=ctx.now(),
        )
        try:
            _set_translation(
                message, await _translate(ctx, text, profile.language, STAFF_LANGUAGE, busy_is_final=False)
            )
        except TranslationBusy:
            message.translation_origin = "pending"  # translate_waiting_user_messages catches up
        session.add(message)
        await session.commit()


async def translate_waiting_user_messages(ctx: ServiceContext, limit: int = 10) -> int:
    """Translate users' messages that arrived while the translator was busy (the bot's tick calls this);
    returns how many were translated. Stops at the first one the translator is still too busy for."""
    done = 0
    async with ctx.db.session() as session:
        waiting = (
            await session.scalars(
                select(CaseMessage)
                .where(CaseMessage.translation_origin == "pending")
                .order_by(CaseMessage.id)
                .limit(limit)
            )
        ).all()
        for message in waiting:
            try:
                _set_translation(
                    message,
                    await _translate(
                        ctx,
                        message.text,
                        message.language or ctx.settings.default_language,
                        STAFF_LANGUAGE,
                        busy_is_final=False,
                    ),
                )
            except TranslationBusy:
                break
            await session.commit()
            done += 1
    return done


def _set_translation(message: CaseMessage, translated: Translated | None) -> None:
    message.translated_text = translated.text if translated else None
    message.translation_origin = translated.origin if translated else "none"


async def original_of(ctx: ServiceContext, profile: UserProfile, case_message_id: int) -> str:
    """The original text of a message in the user's own case (raises CaseNotFound for anyone else's)."""
    async with ctx.db.session() as session:
        message = await session.scalar(
            select(CaseMessage)
            .join(Case, Case.id == CaseMessage.case_id)
            .where(CaseMessage.id == case_message_id, Case.user_id == profile.id)
        )
        if message is None:
            raise CaseNotFound(f"no message {case_message_id} for this user")
        return message.text


async def _translate(
    ctx: ServiceContext, text: str, source: str, target: str, *, busy_is_final: bool = True
) -> Translated | None:
    """The translation, or None when there is none (raises TranslationBusy unless `busy_is_final`)."""
    if ctx.translator is None:
        return None
    try:
        return await ctx.translator.translate(text, source, target, store=False)  # personal: never cached
    except TranslationBusy:
        if busy_is_final:
            return None
        raise
    except TranslationUnavailable:
        return None
