"""Hand-overs to a person, and the human chat in both directions.

A `Case` holds a copy of the conversation so far. In an open hand-over a user's message is stored as
written plus a German translation for staff; staff answer in German (`reply_to_case`): the reply and its
outbox row (`bot/services/outbox.py`) commit together; the delivery worker translates it into the user's
language in a step of its own (`bot/services/case_translation.py`), then sends it.

"At most one open case per user" is a partial unique index: `open_case` inserts with ON CONFLICT, so
three quick requests for a person find one case. No session stays open while the translator works.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db import (
    Case,
    CaseMessage,
    CasePriority,
    CaseReason,
    CaseStatus,
    Message,
    OutboxKind,
    OutboxStatus,
    Sender,
    TranslationOrigin,
    User,
    dialect_insert,
)
from bot.services.case_translation import StaffCopy, set_translation
from bot.services.context import ServiceContext
from bot.services.errors import CaseNotFound, EmptyText
from bot.services.outbox import delivery_states, enqueue
from bot.services.users import UserProfile
from translations.languages import STAFF_LANGUAGE

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
    delivery: OutboxStatus | None = None  # a staff reply's delivery state (pending, sent, failed, ...)


@dataclass(frozen=True)
class CaseSummary:
    id: int
    status: CaseStatus
    reason: CaseReason
    person_requested: bool
    language: str
    created_at: dt.datetime
    telegram_user_id: int
    urgent: bool
    messages: list[CaseLine]


@dataclass(frozen=True)
class QueuedReply:
    case_id: int
    case_message_id: int


async def open_case(
    ctx: ServiceContext, profile: UserProfile, reason: CaseReason, *, person_requested: bool
) -> CaseInfo:
    """Open a case for the user, or add to their open one; either way it holds the recent conversation."""
    async with ctx.db.session() as session, session.begin():
        return await open_case_in(session, ctx.now(), profile, reason, person_requested=person_requested)


async def open_case_in(
    session: AsyncSession, now: dt.datetime, profile: UserProfile, reason: CaseReason, *, person_requested: bool
) -> CaseInfo:
    """`open_case` in the caller's transaction."""
    assert session.bind is not None, "sessions are bound to the database's engine"
    created_id = (
        await session.execute(
            dialect_insert(session.bind.dialect.name)(Case)
            .values(
                user_id=profile.id,
                status=CaseStatus.OPEN,
                reason=reason,
                language=profile.language,
                created_at=now,
                person_requested=person_requested,
            )
            # The predicate is literal SQL, not a bound parameter: PostgreSQL must match it to the partial
            # index, which it cannot do for a parameter once a prepared statement runs on a generic plan.
            .on_conflict_do_nothing(index_elements=["user_id"], index_where=text("status = 'open'"))
            .returning(Case.id)
        )
    ).scalar_one_or_none()
    already_open = created_id is None
    case = await session.scalar(
        select(Case).where(Case.user_id == profile.id, Case.status == CaseStatus.OPEN).with_for_update()
    )
    assert case is not None, "an open case exists: it was just inserted, or the insert met it"
    if already_open:
        case.person_requested = case.person_requested or person_requested
        last_copied = await session.scalar(
            select(CaseMessage.created_at)
            .where(CaseMessage.case_id == case.id)
            .order_by(CaseMessage.id.desc())
            .limit(1)
        )
        since = last_copied or case.created_at
    else:
        since = now - CONVERSATION_WINDOW
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
    await session.flush()
    return CaseInfo(case.id, case.status, case.reason, case.person_requested, already_open)


async def list_cases(ctx: ServiceContext, status: CaseStatus | None = CaseStatus.OPEN) -> list[CaseSummary]:
    """Cases, newest first, with their conversation and the delivery state of each staff reply (for
    `lotse cases list` until the staff queue exists)."""
    async with ctx.db.session() as session:
        query = (
            select(Case, User.telegram_user_id)
            .join(User, User.id == Case.user_id)
            .options(selectinload(Case.messages))
            .order_by(Case.priority.desc(), Case.id.desc())
        )
        if status:
            query = query.where(Case.status == status)
        rows = (await session.execute(query)).all()
    staff_keys = [staff_reply_key(m.id) for case, _ in rows for m in case.messages if m.sender is Sender.STAFF]
    delivery = await delivery_states(ctx, staff_keys)
    return [
        CaseSummary(
            id=case.id,
            status=case.status,
            reason=case.reason,
            person_requested=case.person_requested,
            language=case.language,
            created_at=case.created_at,
            telegram_user_id=telegram_user_id,
            urgent=case.priority == CasePriority.URGENT,
            messages=[
                CaseLine(
                    m.sender,
                    m.text,
                    m.language,
                    m.translated_text,
                    m.translation_origin,
                    m.created_at,
                    delivery.get(staff_reply_key(m.id)),
                )
                for m in case.messages
            ],
        )
        for case, telegram_user_id in rows
    ]


async def reply_to_case(ctx: ServiceContext, case_id: int, text: str) -> QueuedReply:
    """Queue a staff member's reply (German) to the user of an open case: the message and its outbox row
    commit together; the delivery worker translates it for the user, then sends it."""
    text = text.strip()
    if not text:
        raise EmptyText("the reply is empty")
    async with ctx.db.session() as session, session.begin():
        row = (
            await session.execute(select(Case, User).join(User, User.id == Case.user_id).where(Case.id == case_id))
        ).first()
        if row is None or row[0].status != CaseStatus.OPEN:
            raise CaseNotFound(f"no open case {case_id}")
        case, user = row
        message = CaseMessage(
            case_id=case.id,
            sender=Sender.STAFF,
            text=text,
            language=STAFF_LANGUAGE,
            translation_language=user.language or case.language,
            translation_origin=TranslationOrigin.PENDING,
            created_at=ctx.now(),
        )
        session.add(message)
        await session.flush()
        await enqueue(
            session,
            kind=OutboxKind.STAFF_REPLY,
            user_id=user.id,
            dedupe_key=staff_reply_key(message.id),
            payload={"case_message_id": message.id},
            due_at=ctx.now(),
        )
        return QueuedReply(case.id, message.id)


def staff_reply_key(case_message_id: int) -> str:
    """The outbox's dedupe key of a staff reply (and how its delivery state is found)."""
    return f"staff-reply:{case_message_id}"


async def handover_case_id(ctx: ServiceContext, profile: UserProfile) -> int | None:
    """The user's open case in which they asked for a person (their messages go to it), if any."""
    async with ctx.db.session() as session:
        case_id: int | None = await session.scalar(_handover_case(profile))
        return case_id


def _handover_case(profile: UserProfile) -> Select[int]:
    return select(Case.id).where(
        Case.user_id == profile.id, Case.status == CaseStatus.OPEN, Case.person_requested.is_(True)
    )


async def add_user_message(
    session: AsyncSession, now: dt.datetime, profile: UserProfile, text: str, copy: StaffCopy
) -> None:
    """Add a user's message to their open hand-over (in the caller's transaction), if it is still open."""
    case_id = await session.scalar(_handover_case(profile))
    if case_id is None:
        return
    message = CaseMessage(
        case_id=case_id,
        sender=Sender.USER,
        text=text,
        language=profile.language,
        translation_language=STAFF_LANGUAGE,
        created_at=now,
    )
    if copy.pending:
        message.translation_origin = TranslationOrigin.PENDING
    else:
        set_translation(message, copy.translated)
    session.add(message)


async def mark_open_case_urgent(session: AsyncSession, profile: UserProfile) -> int | None:
    """Mark the user's open case urgent (in the caller's transaction); its id, or None without one."""
    case_id: int | None = await session.scalar(
        update(Case)
        .where(Case.user_id == profile.id, Case.status == CaseStatus.OPEN)
        .values(priority=CasePriority.URGENT)
        .returning(Case.id)
    )
    return case_id


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
