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

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db import (
    Case,
    CaseFile,
    CaseMessage,
    CaseMessageKind,
    CaseOutcome,
    CasePriority,
    CaseReason,
    CaseStatus,
    Message,
    OutboxStatus,
    Sender,
    TranslationOrigin,
    User,
    dialect_insert,
)
from bot.services.case_translation import StaffCopy, set_translation
from bot.services.context import ServiceContext
from bot.services.errors import CaseNotFound, InvalidInput
from bot.services.office_hours import ExpectedAnswer, OfficeHours
from bot.services.outbox import delivery_states
from bot.services.users import UserProfile
from knowledge import KnowledgeBase
from translations.languages import STAFF_LANGUAGE

SUGGESTED = "[suggested] "  # how the conversation records the entries the bot offered as choices
OFFICE = "koordinierungsstelle"  # the organisation whose team answers hand-overs (its hours set expectations)
CONVERSATION_WINDOW = dt.timedelta(hours=24)
CONVERSATION_MESSAGES = 20
COMMENT_WINDOW = dt.timedelta(hours=1)  # after a rating, the next message within this is its comment
MAX_COMMENT_CHARS = 2000
# A case closed with these outcomes reopens when the user writes again soon after (not one they withdrew).
REOPENABLE = frozenset({CaseOutcome.RESOLVED, CaseOutcome.REFERRED, CaseOutcome.NO_RESPONSE})


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
    priority: CasePriority = CasePriority.NORMAL
    topic: str | None = None
    outcome: CaseOutcome | None = None


@dataclass(frozen=True)
class QueuedReply:
    case_id: int
    case_message_id: int


async def open_case(
    ctx: ServiceContext, profile: UserProfile, reason: CaseReason, *, person_requested: bool
) -> CaseInfo:
    """Open a case for the user, or add to their open one; either way it holds the recent conversation."""
    async with ctx.db.session() as session, session.begin():
        return await open_case_in(session, ctx.now(), profile, reason, person_requested=person_requested, kb=ctx.kb)


async def open_case_in(
    session: AsyncSession,
    now: dt.datetime,
    profile: UserProfile,
    reason: CaseReason,
    *,
    person_requested: bool,
    kb: KnowledgeBase | None = None,
) -> CaseInfo:
    """`open_case` in the caller's transaction. The case starts in hand-over mode; its topic and priority
    come from what the conversation was about (an emergency card: urgent; a sensitive entry: high)."""
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
                priority=CasePriority.NORMAL,
                bot_paused=person_requested,
                pause_notice_sent=False,
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
        if person_requested and not case.bot_paused:  # "ask the bot again" earlier, now a person again
            case.bot_paused = True
            case.pause_notice_sent = False
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
    if kb is not None:
        suggested = [
            entry_id.strip()
            for m in recent
            if m.sender is Sender.BOT and m.text.startswith(SUGGESTED)
            for entry_id in m.text.removeprefix(SUGGESTED).split(",")
        ]
        topic, priority = conversation_topic(kb, [m.entry_id for m in reversed(recent) if m.entry_id], suggested)
        case.topic = topic or case.topic
        case.priority = max(case.priority, priority)
    await session.flush()
    return CaseInfo(case.id, case.status, case.reason, case.person_requested, already_open)


def expected_answer(ctx: ServiceContext) -> ExpectedAnswer | None:
    """When the team can be expected to answer: the office's hours and Lower Saxony's public holidays."""
    office = ctx.kb.organisations.get(OFFICE)
    if office is None:
        return None
    expected = OfficeHours(office, ctx.timezone).expected_answer(ctx.now())
    return expected if expected.next_opening is not None else None


def conversation_topic(
    kb: KnowledgeBase, entry_ids: list[str], suggested: list[str] | None = None
) -> tuple[str | None, CasePriority]:
    """The topic of the last entry the conversation was about, and the priority its entries call for: an
    emergency card makes a case urgent, a sensitive entry (violence, a rejection, a deadline) high, also when
    it was only among the suggestions (a question the bot was unsure about may be exactly that)."""
    entries = [entry for entry_id in entry_ids if (entry := kb.get(entry_id)) is not None]
    offered = [entry for entry_id in suggested or [] if (entry := kb.get(entry_id)) is not None]
    priority = CasePriority.NORMAL
    if any(entry.is_emergency for entry in entries):
        priority = CasePriority.URGENT
    elif any(entry.is_sensitive for entry in entries + offered):
        priority = CasePriority.HIGH
    topical = [entry for entry in entries if not entry.is_emergency]
    topic = topical[-1].topics[0] if topical else ("emergency" if entries else None)
    return topic, priority


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
            priority=CasePriority(case.priority),
            topic=case.topic,
            outcome=case.outcome,
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


def staff_reply_key(case_message_id: int) -> str:
    """The outbox's dedupe key of a staff reply (and how its delivery state is found)."""
    return f"staff-reply:{case_message_id}"


@dataclass(frozen=True)
class HandoverState:
    """Where the user stands with the team, read before anything slow runs."""

    paused_case: int | None = None  # an open case in hand-over mode: their messages go to it
    reopenable_case: int | None = None  # closed a short while ago: a new message reopens it
    comment_case: int | None = None  # just rated: the next message is the rating's comment

    @property
    def forwards(self) -> bool:
        return self.paused_case is not None or self.reopenable_case is not None


@dataclass(frozen=True)
class Forwarded:
    """The message went to the user's case; the bot says so once per case (or when the case reopened)."""

    case_id: int
    notice: bool
    reopened: bool = False


@dataclass(frozen=True)
class UserFile:
    """A photo or document the user sent, downloaded and within the size limit."""

    kind: CaseMessageKind  # PHOTO or DOCUMENT
    file_name: str
    media_type: str
    content: bytes


async def handover_state(ctx: ServiceContext, profile: UserProfile) -> HandoverState:
    now = ctx.now()
    async with ctx.db.session() as session:
        open_case = (
            await session.execute(
                select(Case.id, Case.bot_paused).where(Case.user_id == profile.id, Case.status == CaseStatus.OPEN)
            )
        ).first()
        if open_case is not None:
            return HandoverState(paused_case=open_case.id if open_case.bot_paused else None)
        last = await session.scalar(
            select(Case)
            .where(Case.user_id == profile.id, Case.status == CaseStatus.CLOSED, Case.person_requested.is_(True))
            .order_by(Case.closed_at.desc(), Case.id.desc())
            .limit(1)
        )
    if last is None or last.closed_at is None:
        return HandoverState()
    if last.rated_at is not None and last.rating_comment is None and now - last.rated_at < COMMENT_WINDOW:
        return HandoverState(comment_case=last.id)
    reopen_window = dt.timedelta(hours=ctx.settings.handover.reopen_hours)
    if last.outcome in REOPENABLE and now - last.closed_at < reopen_window:
        return HandoverState(reopenable_case=last.id)
    return HandoverState()


async def forward_in(
    session: AsyncSession,
    now: dt.datetime,
    profile: UserProfile,
    state: HandoverState,
    text: str,
    copy: StaffCopy | None,
    file: UserFile | None = None,
) -> Forwarded | None:
    """Add the user's message (or file) to their case in hand-over mode, reopening a recently closed one
    (in the caller's transaction). None when the case changed meanwhile (closed, "ask the bot again")."""
    reopened = False
    if state.paused_case is not None:
        case = await session.scalar(
            select(Case).where(Case.id == state.paused_case, Case.status == CaseStatus.OPEN).with_for_update()
        )
        if case is None or not case.bot_paused:
            return None
    elif state.reopenable_case is not None:
        case = await session.scalar(
            select(Case).where(Case.id == state.reopenable_case, Case.status == CaseStatus.CLOSED).with_for_update()
        )
        if case is None:
            return None
        case.status = CaseStatus.OPEN
        case.closed_at = None
        case.outcome = None
        case.bot_paused = True
        case.pause_notice_sent = False
        await session.flush()  # the partial unique index speaks now if another case opened meanwhile
        session.add(_history(case, now, "reopened: the user wrote again"))
        reopened = True
    else:
        return None
    _add_user_line(session, now, case, profile, text, copy, file)
    notice = not case.pause_notice_sent
    case.pause_notice_sent = True
    return Forwarded(case.id, notice=notice, reopened=reopened)


def _add_user_line(
    session: AsyncSession,
    now: dt.datetime,
    case: Case,
    profile: UserProfile,
    text: str,
    copy: StaffCopy | None,
    file: UserFile | None = None,
) -> None:
    case.last_user_message_at = now
    message = CaseMessage(
        case_id=case.id,
        sender=Sender.USER,
        kind=file.kind if file else CaseMessageKind.TEXT,
        text=text,
        language=profile.language,
        translation_language=STAFF_LANGUAGE,
        created_at=now,
    )
    if copy is None:
        set_translation(message, None)  # nothing to translate (a file without a caption)
        message.translation_origin = TranslationOrigin.IDENTITY
    elif copy.pending:
        message.translation_origin = TranslationOrigin.PENDING
    else:
        set_translation(message, copy.translated)
    if file is not None:
        message.files.append(
            CaseFile(file_name=file.file_name, media_type=file.media_type, size=len(file.content), content=file.content)
        )
    session.add(message)


async def add_user_message(
    session: AsyncSession, now: dt.datetime, profile: UserProfile, text: str, copy: StaffCopy
) -> int | None:
    """Add a user's message to their open case whatever its mode (a cry for help must reach staff even after
    "ask the bot again"), in the caller's transaction; the case's id, or None without an open case."""
    case = await session.scalar(
        select(Case).where(Case.user_id == profile.id, Case.status == CaseStatus.OPEN).with_for_update()
    )
    if case is None:
        return None
    _add_user_line(session, now, case, profile, text, copy)
    return case.id


async def resume_bot(ctx: ServiceContext, profile: UserProfile) -> int:
    """ "Ask the bot again": hand-over mode ends, the case stays open for staff. Returns the case's id."""
    async with ctx.db.session() as session, session.begin():
        case = await _users_open_case(session, profile)
        if case.bot_paused:
            case.bot_paused = False
            session.add(_history(case, ctx.now(), "the user asked the bot again (hand-over mode ended)"))
        return case.id


async def withdraw_request(ctx: ServiceContext, profile: UserProfile) -> int:
    """ "Withdraw my request": the user's open case is closed (outcome withdrawn). Returns its id."""
    async with ctx.db.session() as session, session.begin():
        case = await _users_open_case(session, profile)
        now = ctx.now()
        case.status = CaseStatus.CLOSED
        case.closed_at = now
        case.outcome = CaseOutcome.WITHDRAWN
        case.bot_paused = False
        session.add(_history(case, now, "withdrawn by the user"))
        return case.id


async def rate_case(ctx: ServiceContext, profile: UserProfile, case_id: int, rating: int) -> None:
    """The user's 1-5 rating of a closed case of theirs (a second tap changes it)."""
    if not 1 <= rating <= 5:
        raise InvalidInput(f"a rating is 1 to 5, not {rating}")
    async with ctx.db.session() as session, session.begin():
        case = await session.scalar(
            select(Case).where(Case.id == case_id, Case.user_id == profile.id).with_for_update()
        )
        if case is None or case.status is not CaseStatus.CLOSED:
            raise CaseNotFound(f"no closed case {case_id} of user {profile.id}")
        case.rating = rating
        case.rated_at = ctx.now()
        session.add(_history(case, ctx.now(), f"rated {rating} of 5 by the user"))  # shows on the case page


async def save_rating_comment(ctx: ServiceContext, profile: UserProfile, case_id: int, text: str) -> bool:
    """The optional comment after a rating (it does not reopen the case). False when the case has one already
    or was not rated; whether the message came within COMMENT_WINDOW is `handover_state`'s to decide."""
    async with ctx.db.session() as session, session.begin():
        case = await session.scalar(
            select(Case).where(Case.id == case_id, Case.user_id == profile.id).with_for_update()
        )
        if case is None or case.rating_comment is not None or case.rated_at is None:
            return False
        case.rating_comment = text[:MAX_COMMENT_CHARS]
        session.add(_history(case, ctx.now(), "the user commented on the rating"))
        return True


async def _users_open_case(session: AsyncSession, profile: UserProfile) -> Case:
    case = await session.scalar(
        select(Case).where(Case.user_id == profile.id, Case.status == CaseStatus.OPEN).with_for_update()
    )
    if case is None:
        raise CaseNotFound(f"user {profile.id} has no open case")
    return case


def _history(case: Case, now: dt.datetime, text: str) -> CaseMessage:
    return CaseMessage(
        case_id=case.id,
        sender=Sender.BOT,
        kind=CaseMessageKind.EVENT,
        text=text,
        language=STAFF_LANGUAGE,
        created_at=now,
    )


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
