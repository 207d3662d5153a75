"""What staff do with cases: the queue, a case's whole story, claiming, assigning, notes, priorities, closing,
and the files a newcomer sent.

The newcomer's side of a hand-over (opening a case, hand-over mode, withdrawing, rating) lives in
`bot/services/handover.py`; staff replies are queued there too (`reply_to_case`). Whatever the newcomer
must be told (a person has joined, the case was closed) is an outbox row written in the same transaction as
the change. Every function here is one unit of work; the web app records who did what in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import (
    Case,
    CaseFile,
    CaseMessage,
    CaseMessageKind,
    CaseOutcome,
    CasePriority,
    CaseStatus,
    OutboxKind,
    OutboxStatus,
    Sender,
    StaffAccount,
    TranslationOrigin,
    User,
)
from bot.services.canned import curated_canned
from bot.services.context import ServiceContext
from bot.services.errors import CaseNotFound, EmptyText, InvalidInput, NotFound
from bot.services.handover import QueuedReply, staff_reply_key
from bot.services.outbox import delivery_states, enqueue
from translations.languages import STAFF_LANGUAGE

QUEUE_PAGE = 50
MAX_NOTE_CHARS = 4000

# Outcomes after which the newcomer is asked for a rating (not after withdrawing or a duplicate).
RATED_OUTCOMES = frozenset({CaseOutcome.RESOLVED, CaseOutcome.REFERRED, CaseOutcome.NO_RESPONSE})


@dataclass(frozen=True)
class QueueFilter:
    status: CaseStatus | None = CaseStatus.OPEN  # None: every status
    language: str | None = None
    topic: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False


@dataclass(frozen=True)
class QueueItem:
    id: int
    status: CaseStatus
    priority: CasePriority
    language: str
    topic: str | None
    created_at: dt.datetime
    waiting_since: dt.datetime  # the newcomer's last message, else the case's opening
    assignee: str | None  # display name
    first_message: str | None  # the newcomer's first message in the case, as written
    first_message_german: str | None
    first_message_machine: bool  # the German text is a machine translation
    outcome: CaseOutcome | None
    rating: int | None


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueItem]
    total: int
    languages: list[str]  # every language and topic of cases, for the filters
    topics: list[str]


@dataclass(frozen=True)
class FileInfo:
    id: int
    file_name: str
    media_type: str
    size: int

    @property
    def is_image(self) -> bool:
        return self.media_type in ("image/jpeg", "image/png", "image/webp", "image/gif")


@dataclass(frozen=True)
class CaseEntry:
    """One line of a case's story, for staff."""

    id: int
    sender: Sender
    kind: CaseMessageKind
    text: str  # as written
    language: str | None
    translated_text: str | None
    translation_origin: TranslationOrigin | None
    created_at: dt.datetime
    author: str | None  # the staff member who wrote it (replies, notes, events)
    delivery: OutboxStatus | None  # a staff reply's delivery state
    files: tuple[FileInfo, ...]


@dataclass(frozen=True)
class CaseView:
    id: int
    status: CaseStatus
    priority: CasePriority
    language: str
    topic: str | None
    created_at: dt.datetime
    closed_at: dt.datetime | None
    outcome: CaseOutcome | None
    assignee_id: int | None
    assignee: str | None
    bot_paused: bool
    rating: int | None
    rating_comment: str | None
    messages: list[CaseEntry]


@dataclass(frozen=True)
class StoredFile:
    case_id: int
    file_name: str
    media_type: str
    content: bytes


async def case_queue(
    ctx: ServiceContext, where: QueueFilter = QueueFilter(), *, limit: int = QUEUE_PAGE, offset: int = 0
) -> QueuePage:
    """Cases by priority, then by how long the newcomer has waited (longest first)."""
    conditions = []
    if where.status is not None:
        conditions.append(Case.status == where.status)
    if where.language:
        conditions.append(Case.language == where.language)
    if where.topic:
        conditions.append(Case.topic == where.topic)
    if where.unassigned:
        conditions.append(Case.assigned_to_id.is_(None))
    elif where.assignee_id is not None:
        conditions.append(Case.assigned_to_id == where.assignee_id)
    waiting_since = func.coalesce(Case.last_user_message_at, Case.created_at)
    page = (
        select(Case, StaffAccount.display_name)
        .outerjoin(StaffAccount, StaffAccount.id == Case.assigned_to_id)
        .where(*conditions)
        .order_by(Case.priority.desc(), waiting_since, Case.id)
        .limit(limit)
        .offset(offset)
    )
    async with ctx.db.session() as session:
        rows = (await session.execute(page)).all()
        # The first message of the page's cases only: one small indexed query, not a scan of every message
        first_ids = (
            select(func.min(CaseMessage.id))
            .where(
                CaseMessage.case_id.in_([case.id for case, _ in rows]),
                CaseMessage.sender == Sender.USER,
                CaseMessage.kind == CaseMessageKind.TEXT,
            )
            .group_by(CaseMessage.case_id)
        )
        firsts = {m.case_id: m for m in await session.scalars(select(CaseMessage).where(CaseMessage.id.in_(first_ids)))}
        total = await session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
        languages = list(await session.scalars(select(Case.language).distinct().order_by(Case.language)))
        topics = list(
            await session.scalars(select(Case.topic).where(Case.topic.is_not(None)).distinct().order_by(Case.topic))
        )
    items = []
    for case, assignee in rows:
        first = firsts.get(case.id)
        items.append(
            QueueItem(
                id=case.id,
                status=case.status,
                priority=CasePriority(case.priority),
                language=case.language,
                topic=case.topic,
                created_at=case.created_at,
                waiting_since=case.last_user_message_at or case.created_at,
                assignee=assignee,
                first_message=first.text if first else None,
                first_message_german=first.translated_text if first else None,
                first_message_machine=bool(first and first.translation_origin is TranslationOrigin.MACHINE),
                outcome=case.outcome,
                rating=case.rating,
            )
        )
    return QueuePage(items, total, languages, [topic for topic in topics if topic])


async def case_view(ctx: ServiceContext, case_id: int) -> CaseView:
    """A case with its whole conversation, notes, events, files and the delivery state of each reply."""
    async with ctx.db.session() as session:
        row = (
            await session.execute(
                select(Case, StaffAccount.display_name)
                .outerjoin(StaffAccount, StaffAccount.id == Case.assigned_to_id)
                .where(Case.id == case_id)
            )
        ).first()
        if row is None:
            raise CaseNotFound(f"no case {case_id}")
        case, assignee = row
        messages = (
            await session.execute(
                select(CaseMessage, StaffAccount.display_name)
                .outerjoin(StaffAccount, StaffAccount.id == CaseMessage.author_id)
                .where(CaseMessage.case_id == case_id)
                .order_by(CaseMessage.id)
            )
        ).all()
        files = (
            await session.execute(
                select(CaseFile.id, CaseFile.case_message_id, CaseFile.file_name, CaseFile.media_type, CaseFile.size)
                .join(CaseMessage, CaseMessage.id == CaseFile.case_message_id)
                .where(CaseMessage.case_id == case_id)
                .order_by(CaseFile.id)
            )
        ).all()
    by_message: dict[int, list[FileInfo]] = {}
    for file_id, message_id, name, media_type, size in files:
        by_message.setdefault(message_id, []).append(FileInfo(file_id, name, media_type, size))
    replies = [
        staff_reply_key(m.id) for m, _ in messages if m.sender is Sender.STAFF and m.kind is CaseMessageKind.TEXT
    ]
    delivery = await delivery_states(ctx, replies)
    return CaseView(
        id=case.id,
        status=case.status,
        priority=CasePriority(case.priority),
        language=case.language,
        topic=case.topic,
        created_at=case.created_at,
        closed_at=case.closed_at,
        outcome=case.outcome,
        assignee_id=case.assigned_to_id,
        assignee=assignee,
        bot_paused=case.bot_paused,
        rating=case.rating,
        rating_comment=case.rating_comment,
        messages=[
            CaseEntry(
                id=m.id,
                sender=m.sender,
                kind=m.kind,
                text=m.text,
                language=m.language,
                translated_text=m.translated_text,
                translation_origin=m.translation_origin,
                created_at=m.created_at,
                author=author,
                delivery=delivery.get(staff_reply_key(m.id)),
                files=tuple(by_message.get(m.id, ())),
            )
            for m, author in messages
        ],
    )


async def messages_after(ctx: ServiceContext, case_id: int, after_id: int) -> int:
    """The id of the case's newest line if it is newer than `after_id` (else 0): the case page's live check."""
    async with ctx.db.session() as session:
        newest = await session.scalar(select(func.max(CaseMessage.id)).where(CaseMessage.case_id == case_id))
    return newest if newest is not None and newest > after_id else 0


async def queue_marker(ctx: ServiceContext) -> str:
    """Changes whenever the queue would look different (a new case, a new line, a status change): the
    queue page's live check compares it with the marker it was rendered with."""
    async with ctx.db.session() as session:
        cases = (
            await session.execute(
                select(func.count(), func.max(Case.id), func.sum(Case.priority)).where(Case.status == CaseStatus.OPEN)
            )
        ).one()
        newest_line = await session.scalar(select(func.max(CaseMessage.id)))
        assigned = await session.scalar(
            select(func.count()).where(Case.status == CaseStatus.OPEN, Case.assigned_to_id.is_not(None))
        )
    return f"{cases[0]}-{cases[1] or 0}-{cases[2] or 0}-{newest_line or 0}-{assigned or 0}"


async def _open_case_for_update(session: AsyncSession, case_id: int) -> Case:
    case = await session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise CaseNotFound(f"no case {case_id}")
    return case


async def _staff(session: AsyncSession, staff_id: int) -> StaffAccount:
    staff = await session.get(StaffAccount, staff_id)
    if staff is None or not staff.active:
        raise NotFound(f"no active staff account {staff_id}")
    return staff


def _event(case: Case, now: dt.datetime, text: str, author_id: int | None) -> CaseMessage:
    """A line in the case's history (staff see it; the newcomer never does)."""
    return CaseMessage(
        case_id=case.id,
        sender=Sender.STAFF,
        kind=CaseMessageKind.EVENT,
        text=text,
        language=STAFF_LANGUAGE,
        author_id=author_id,
        created_at=now,
    )


async def assign_in(session: AsyncSession, now: dt.datetime, case: Case, assignee: StaffAccount, by_id: int) -> None:
    """Assign `case` to `assignee` (in the caller's transaction); the newcomer is told once per person that
    they joined, under the name the person chose to show."""
    if case.status is not CaseStatus.OPEN:
        raise InvalidInput(f"case {case.id} is closed")
    if case.assigned_to_id == assignee.id:
        return
    case.assigned_to_id = assignee.id
    session.add(_event(case, now, f"assigned to {assignee.display_name}", by_id))
    await enqueue(
        session,
        kind=OutboxKind.STAFF_JOINED,
        user_id=case.user_id,
        dedupe_key=f"staff-joined:{case.id}:{assignee.id}",
        payload={"case_id": case.id, "name": assignee.display_name},
        due_at=now,
    )


async def claim_case(ctx: ServiceContext, case_id: int, staff_id: int) -> None:
    """The staff member takes the case on."""
    await assign_case(ctx, case_id, staff_id, by_id=staff_id)


async def assign_case(ctx: ServiceContext, case_id: int, assignee_id: int | None, *, by_id: int) -> None:
    """Assign the case to a staff member, or (None) give it back to the queue."""
    async with ctx.db.session() as session, session.begin():
        case = await _open_case_for_update(session, case_id)
        if assignee_id is None:
            if case.assigned_to_id is not None:
                case.assigned_to_id = None
                session.add(_event(case, ctx.now(), "returned to the queue", by_id))
            return
        await assign_in(session, ctx.now(), case, await _staff(session, assignee_id), by_id)


async def reply_to_case(ctx: ServiceContext, case_id: int, text: str, author_id: int | None = None) -> QueuedReply:
    """Queue a staff member's reply (German) to the newcomer of an open case: the message and its outbox row
    commit together; the delivery worker translates it for the newcomer, then sends it. A reply to a case
    nobody has taken on yet assigns it to its author (the newcomer learns first that a person joined)."""
    text = text.strip()
    if not text:
        raise EmptyText("the reply is empty")
    async with ctx.db.session() as session, session.begin():
        row = (
            await session.execute(
                select(Case, User).join(User, User.id == Case.user_id).where(Case.id == case_id).with_for_update()
            )
        ).first()
        if row is None or row[0].status != CaseStatus.OPEN:
            raise CaseNotFound(f"no open case {case_id}")
        case, user = row
        if author_id is not None and case.assigned_to_id is None:
            await assign_in(session, ctx.now(), case, await _staff(session, author_id), author_id)
        language = user.language or case.language
        curated = await curated_canned(session, text, language)  # a canned reply sent unchanged
        message = CaseMessage(
            case_id=case.id,
            sender=Sender.STAFF,
            kind=CaseMessageKind.TEXT,
            text=text,
            language=STAFF_LANGUAGE,
            author_id=author_id,
            translation_language=language,
            translated_text=curated,
            translation_origin=TranslationOrigin.CURATED if curated else TranslationOrigin.PENDING,
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


async def add_note(ctx: ServiceContext, case_id: int, text: str, author_id: int) -> int:
    """An internal note: staff see it, the newcomer never does. Returns its id."""
    text = text.strip()
    if not text:
        raise EmptyText("the note is empty")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(f"a note has at most {MAX_NOTE_CHARS} characters")
    async with ctx.db.session() as session, session.begin():
        case = await _open_case_for_update(session, case_id)
        note = CaseMessage(
            case_id=case.id,
            sender=Sender.STAFF,
            kind=CaseMessageKind.NOTE,
            text=text,
            language=STAFF_LANGUAGE,
            author_id=author_id,
            created_at=ctx.now(),
        )
        session.add(note)
        await session.flush()
        return note.id


async def set_priority(ctx: ServiceContext, case_id: int, priority: CasePriority, staff_id: int) -> None:
    async with ctx.db.session() as session, session.begin():
        case = await _open_case_for_update(session, case_id)
        if case.priority != priority:
            case.priority = priority
            session.add(_event(case, ctx.now(), f"priority {priority.name.lower()}", staff_id))


async def close_case(ctx: ServiceContext, case_id: int, outcome: CaseOutcome, staff_id: int | None) -> None:
    """Close the case with an outcome; the newcomer is asked for a 1-5 rating (unless it was withdrawn or a
    duplicate). Closing a closed case is refused (someone else closed it meanwhile)."""
    async with ctx.db.session() as session, session.begin():
        case = await _open_case_for_update(session, case_id)
        if case.status is not CaseStatus.OPEN:
            raise InvalidInput(f"case {case_id} is already closed")
        await close_in(session, ctx.now(), case, outcome, staff_id)


async def close_in(
    session: AsyncSession, now: dt.datetime, case: Case, outcome: CaseOutcome, staff_id: int | None
) -> None:
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.outcome = outcome
    case.bot_paused = False
    session.add(_event(case, now, f"closed: {outcome.value}", staff_id))
    if outcome in RATED_OUTCOMES:
        await enqueue(
            session,
            kind=OutboxKind.CASE_CLOSED,
            user_id=case.user_id,
            dedupe_key=f"case-closed:{case.id}:{int(now.timestamp())}",
            payload={"case_id": case.id},
            due_at=now,
        )


async def case_file(ctx: ServiceContext, file_id: int) -> StoredFile:
    async with ctx.db.session() as session:
        row = (
            await session.execute(
                select(CaseMessage.case_id, CaseFile.file_name, CaseFile.media_type, CaseFile.content)
                .join(CaseMessage, CaseMessage.id == CaseFile.case_message_id)
                .where(CaseFile.id == file_id)
            )
        ).first()
    if row is None:
        raise NotFound(f"no file {file_id}")
    return StoredFile(row.case_id, row.file_name, row.media_type, row.content)
