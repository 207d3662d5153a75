"""Hand-overs to a person, and the human chat in both directions.

A `Case` holds a copy of the conversation so far. In an open hand-over a user's message is stored as
written plus a German translation for staff; staff answer in German (`reply_to_case`), and the reply goes
into the outbox (`bot/services/outbox.py`) to be translated into the user's language and sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.db import (
    Case,
    CaseMessage,
    CaseReason,
    CaseStatus,
    Message,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Sender,
    TranslationOrigin,
    User,
)
from bot.services.context import ServiceContext
from bot.services.errors import CaseNotFound, EmptyText
from bot.services.localize import report_translation_failure
from bot.services.users import UserProfile
from translations.languages import STAFF_LANGUAGE
from translations.service import Translated, TranslationBusy, TranslationUnavailable

CONVERSATION_WINDOW = dt.timedelta(hours=24)
CONVERSATION_MESSAGES = 20


@dataclass(frozen=True)
class CaseInfo:
    id: int
    status: CaseStatus
    reason: CaseReason
    person_requested: bool
    already_open: bool


@dataclass(frozen=True)
class CaseLine:
    sender: Sender
    text: str  # as written
    language: str | None
    translated_text: str | None  # for the other side (German for staff, the user's language for replies)
    translation_origin: TranslationOrigin | None
    created_at: dt.datetime


@dataclass(frozen=True)
class CaseSummary:
    id: int
    status: CaseStatus
    reason: CaseReason
    person_requested: bool
    language: str
    created_at: dt.datetime
    telegram_user_id: int
    messages: list[CaseLine]


@dataclass(frozen=True)
class QueuedReply:
    case_id: int
    case_message_id: int
    outbox_id: int


async def open_case(
    ctx: ServiceContext, profile: UserProfile, reason: CaseReason, *, person_requested: bool
) -> CaseInfo:
    """Open a case for the user, or add to their open one; either way it holds the recent conversation."""
    async with ctx.db.session() as session:
        case = await session.scalar(
            select(Case)
            .where(Case.user_id == profile.id, Case.status == CaseStatus.OPEN)
            .order_by(Case.id.desc())
            .limit(1)
        )
        already_open = case is not None
        if case is None:
            case = Case(
                user_id=profile.id,
                status=CaseStatus.OPEN,
                reason=reason,
                language=profile.language,
                created_at=ctx.now(),
                person_requested=person_requested,
            )
            session.add(case)
            await session.flush()
            since = ctx.now() - CONVERSATION_WINDOW
        else:
            case.person_requested = case.person_requested or person_requested
            last_copied = await session.scalar(
                select(CaseMessage.created_at)
                .where(CaseMessage.case_id == case.id)
                .order_by(CaseMessage.id.desc())
                .limit(1)
            )
            since = last_copied or case.created_at
        recent = (
            await session.scalars(
                select(Message)
                .where(Message.user_id == profile.id, Message.created_at > since)
                .order_by(Message.id.desc())
                .limit(CONVERSATION_MESSAGES)
            )
        ).all()
        for message in reversed(recent):
            session.add(
                CaseMessage(
                    case_id=case.id,
                    sender=message.sender,
                    text=message.text,
                    language=message.language,
                    created_at=message.created_at,
                )
            )
        await session.commit()
        return CaseInfo(case.id, case.status, case.reason, case.person_requested, already_open)


async def list_cases(ctx: ServiceContext, status: CaseStatus | None = CaseStatus.OPEN) -> list[CaseSummary]:
    """Cases, newest first, with their conversation (for `lotse cases list` until the staff queue exists)."""
    async with ctx.db.session() as session:
        query = (
            select(Case, User.telegram_user_id)
            .join(User, User.id == Case.user_id)
            .options(selectinload(Case.messages))
            .order_by(Case.id.desc())
        )
        if status:
            query = query.where(Case.status == status)
        rows = (await session.execute(query)).all()
        return [
            CaseSummary(
                id=case.id,
                status=case.status,
                reason=case.reason,
                person_requested=case.person_requested,
                language=case.language,
                created_at=case.created_at,
                telegram_user_id=telegram_user_id,
                messages=[
                    CaseLine(m.sender, m.text, m.language, m.translated_text, m.translation_origin, m.created_at)
                    for m in case.messages
                ],
            )
            for case, telegram_user_id in rows
        ]


async def reply_to_case(ctx: ServiceContext, case_id: int, text: str) -> QueuedReply:
    """Queue a staff member's reply (German) to the user of an open case."""
    text = text.strip()
    if not text:
        raise EmptyText("the reply is empty")
    async with ctx.db.session() as session:
        row = (
            await session.execute(select(Case, User).join(User, User.id == Case.user_id).where(Case.id == case_id))
        ).first()
        if row is None or row[0].status != CaseStatus.OPEN:
            raise CaseNotFound(f"no open case {case_id}")
        case, user = row
        message = CaseMessage(
            case_id=case.id, sender=Sender.STAFF, text=text, language=STAFF_LANGUAGE, created_at=ctx.now()
        )
        session.add(message)
        await session.flush()
        outbox = OutboxMessage(
            kind=OutboxKind.STAFF_REPLY,
            chat_id=user.chat_id,
            case_message_id=message.id,
            status=OutboxStatus.PENDING,
            attempts=0,
            created_at=ctx.now(),
        )
        session.add(outbox)
        await session.commit()
        return QueuedReply(case.id, message.id, outbox.id)


async def record_user_message(ctx: ServiceContext, profile: UserProfile, text: str) -> None:
    """Add a user's message to their open hand-over, with a German translation for staff."""
    async with ctx.db.session() as session:
        case = await session.scalar(
            select(Case)
            .where(Case.user_id == profile.id, Case.status == CaseStatus.OPEN, Case.person_requested.is_(True))
            .order_by(Case.id.desc())
            .limit(1)
        )
        if case is None:
            return
        message = CaseMessage(
            case_id=case.id,
            sender=Sender.USER,
            text=text,
            language=profile.language,
            translation_language=STAFF_LANGUAGE,
            created_at=ctx.now(),
        )
        try:
            set_translation(message, await translate_personal(ctx, text, profile.language, STAFF_LANGUAGE))
        except TranslationBusy:
            message.translation_origin = TranslationOrigin.PENDING  # translate_waiting_user_messages catches up
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
                .where(CaseMessage.translation_origin == TranslationOrigin.PENDING)
                .order_by(CaseMessage.id)
                .limit(limit)
            )
        ).all()
        for message in waiting:
            source = message.language or ctx.settings.default_language
            try:
                set_translation(message, await translate_personal(ctx, message.text, source, STAFF_LANGUAGE))
            except TranslationBusy:
                break
            await session.commit()
            done += 1
    return done


async def original_of(ctx: ServiceContext, profile: UserProfile, case_message_id: int) -> str:
    """The original text of a message in the user's own case (raises CaseNotFound for anyone else's)."""
    async with ctx.db.session() as session:
        message = await session.scalar(
            select(CaseMessage)
            .join(Case, Case.id == CaseMessage.case_id)
            .where(CaseMessage.id == case_message_id, Case.user_id == profile.id)
        )
        if message is None:
            raise CaseNotFound(f"no message {case_message_id} in a case of user {profile.id}")
        return message.text


def set_translation(message: CaseMessage, translated: Translated | None) -> None:
    message.translated_text = translated.text if translated else None
    message.translation_origin = TranslationOrigin(translated.origin) if translated else TranslationOrigin.NONE


async def translate_personal(
    ctx: ServiceContext, text: str, source: str, target: str, *, busy_is_final: bool = False
) -> Translated | None:
    """A user's or staff member's text translated (never cached: it is personal), or None when no translation
    is possible. Raises TranslationBusy while the translator is busy, unless `busy_is_final`."""
    try:
        return await ctx.translator.translate(text, source, target, store=False)
    except TranslationBusy as exc:
        if not busy_is_final:
            raise
        report_translation_failure(exc, source, target)
        return None
    except TranslationUnavailable as exc:
        if ctx.translator.machine_available(source, target):  # a model should have done it: say so in the log
            report_translation_failure(exc, source, target)
        return None
