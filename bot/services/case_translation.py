"""Translation inside a hand-over, outside every transaction: users' messages into German for staff, staff
replies into the user's language before the outbox sends them.

A message the translator is too busy for is stored as PENDING and caught up by the delivery worker's
translation step (`translate_waiting_messages`); a staff reply waits for it (the outbox defers it) at most
BUSY_WAIT, then goes out in German with a note. Personal text is never cached.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from bot.db import Case, CaseMessage, Sender, TranslationOrigin, User
from bot.services.context import ServiceContext
from bot.services.errors import CaseNotFound
from bot.services.localize import report_translation_failure
from bot.services.users import UserProfile
from translations.languages import STAFF_LANGUAGE
from translations.service import Translated, TranslationBusy, TranslationUnavailable

BUSY_WAIT = dt.timedelta(minutes=1)  # how long a staff reply waits for a busy translator before it goes in German


@dataclass(frozen=True)
class StaffCopy:
    """A user's message prepared for staff: its German translation, or `pending` while the translator is busy."""

    translated: Translated | None
    pending: bool = False


async def translate_for_staff(ctx: ServiceContext, profile: UserProfile, text: str) -> StaffCopy:
    """A user's message translated to German for staff."""
    try:
        return StaffCopy(await translate_personal(ctx, text, profile.language, STAFF_LANGUAGE))
    except TranslationBusy:
        return StaffCopy(None, pending=True)


@dataclass(frozen=True)
class _Waiting:
    id: int
    sender: Sender
    text: str
    source: str
    target: str
    created_at: dt.datetime


async def translate_waiting_messages(ctx: ServiceContext, limit: int = 10) -> int:
    """Translate hand-over messages waiting for it: users' messages into German, staff replies into the
    user's current language. Returns how many were translated; stops at the first one the translator is
    still too busy for. A staff reply that waited longer than BUSY_WAIT is given up on (German with a note)."""
    async with ctx.db.session() as session:
        rows = (
            await session.execute(
                select(CaseMessage, User.language)
                .join(Case, Case.id == CaseMessage.case_id)
                .join(User, User.id == Case.user_id)
                .where(CaseMessage.translation_origin == TranslationOrigin.PENDING)
                .order_by(CaseMessage.id)
                .limit(limit)
            )
        ).all()
    waiting = [
        _Waiting(
            message.id,
            message.sender,
            message.text,
            message.language or ctx.settings.default_language,
            # the language the outbox renders in (claim_due): the user's, else the office's default
            STAFF_LANGUAGE if message.sender is Sender.USER else (user_language or ctx.settings.default_language),
            message.created_at,
        )
        for message, user_language in rows
    ]
    done = 0
    for item in waiting:
        final = item.sender is Sender.STAFF and item.created_at <= ctx.now() - BUSY_WAIT
        try:
            translated = await translate_personal(ctx, item.text, item.source, item.target, busy_is_final=final)
        except TranslationBusy:
            break
        async with ctx.db.session() as session, session.begin():
            message = await session.get(CaseMessage, item.id)
            if message is None or message.translation_origin is not TranslationOrigin.PENDING:
                continue  # deleted, or translated by another worker meanwhile
            set_translation(message, translated)
            message.translation_language = item.target
        done += 1
    return done


@dataclass(frozen=True)
class StaffReply:
    """A staff reply ready to send: what the user reads, and the German original."""

    case_message_id: int
    language: str
    original: str
    text: str  # what the user reads
    origin: TranslationOrigin  # NONE: no translation possible, the user reads the German original


async def staff_reply_to_send(ctx: ServiceContext, case_message_id: int, language: str) -> StaffReply | None:
    """The staff reply in `language` (the user's at this moment); None while its translation is not ready.
    A user who changed their language meanwhile gets it translated again (the next translation step)."""
    async with ctx.db.session() as session, session.begin():
        message = await session.get(CaseMessage, case_message_id)
        if message is None:
            raise CaseNotFound(f"staff reply {case_message_id} is gone")
        if message.translation_origin in (None, TranslationOrigin.PENDING):
            message.translation_origin = TranslationOrigin.PENDING
            return None
        if message.translation_language != language:
            message.translation_origin = TranslationOrigin.PENDING
            message.translation_language = language
            return None
        return StaffReply(
            case_message_id=message.id,
            language=language,
            original=message.text,
            text=message.translated_text or message.text,
            origin=message.translation_origin,
        )


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
