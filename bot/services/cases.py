"""Hand-overs to a person: a `Case` with a copy of the conversation so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.db import Case, CaseMessage, Message, User
from bot.services.context import ServiceContext
from bot.services.users import UserProfile

CONVERSATION_WINDOW = dt.timedelta(hours=24)
CONVERSATION_MESSAGES = 20


@dataclass(frozen=True)
class CaseInfo:
    id: int
    status: str
    reason: str
    person_requested: bool
    already_open: bool


@dataclass(frozen=True)
class CaseLine:
    sender: str
    text: str  # as written
    language: str | None
    translated_text: str | None  # for the other side (German for staff, the user's language for replies)
    translation_origin: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class CaseSummary:
    id: int
    status: str
    reason: str
    person_requested: bool
    language: str
    created_at: dt.datetime
    telegram_user_id: int
    messages: list[CaseLine]


async def open_case(ctx: ServiceContext, profile: UserProfile, reason: str, *, person_requested: bool) -> CaseInfo:
    """Open a case for the user, or add to their open one; either way it holds the recent conversation."""
    async with ctx.db.session() as session:
        case = await session.scalar(
            select(Case).where(Case.user_id == profile.id, Case.status == "open").order_by(Case.id.desc()).limit(1)
        )
        already_open = case is not None
        if case is None:
            case = Case(
                user_id=profile.id,
                status="open",
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


async def list_cases(ctx: ServiceContext, status: str | None = "open") -> list[CaseSummary]:
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
