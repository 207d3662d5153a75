"""The outbox: one table for everything sent later or in bulk, and the rules for delivering it.

Whoever decides that something must be sent (a staff reply now; reminders and broadcasts later) calls
`enqueue` inside its own transaction, so the change and its message commit together or not at all. A
delivery worker (the bot's tick, or `lotse worker`) then:

1. `claim_due`: takes due rows with a lease (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite
   one UPDATE under the write lock), so two workers never hold the same row; a dead worker's rows come
   back once its lease has expired;
2. renders and sends each claimed row (bot/telegram/delivery.py); nothing slow runs under a claim: what
   needs translating is translated beforehand (`bot/services/handover.py`), a row that is not ready yet is
   `defer`red;
3. records the outcome: `part_sent` after every part of a multi-part message, `sent`, `retry_later` (backoff
   with jitter up to the give-up age, or exactly `retry_after` for a 429, which is no failure), `failed`
   (a 400 no retry can fix), `unreachable` (403: nothing more is sent to that user until they write again
   or unblock the bot).

Only the worker that holds the claim may record an outcome; a worker whose lease expired learns that its
row was taken over (`LostClaim`) and stops. An outcome Telegram never confirmed (a response lost after the
request went out) may cause one duplicate when the row is retried; nothing else may.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import OutboxKind, OutboxMessage, OutboxStatus, User, dialect_insert, rows_affected
from bot.services.context import ServiceContext

log = logging.getLogger(__name__)

BACKOFF_FIRST = dt.timedelta(seconds=2)
BACKOFF_CAP = dt.timedelta(minutes=10)
DEFER = dt.timedelta(seconds=2)  # a row whose content is not ready yet (its translation is under way)


@dataclass(frozen=True)
class Claimed:
    """A row this worker holds: what to send, to whom, in which language (the user's, at this moment)."""

    id: int
    kind: OutboxKind
    user_id: int
    chat_id: int
    language: str
    payload: dict[str, Any]
    parts_sent: int
    attempts: int
    due_at: dt.datetime
    worker: str


@dataclass(frozen=True)
class OutboxRow:
    """A row as `lotse outbox list` shows it."""

    id: int
    kind: OutboxKind
    user_id: int
    dedupe_key: str
    status: OutboxStatus
    due_at: dt.datetime
    not_before: dt.datetime | None
    attempts: int
    parts_sent: int
    claimed_until: dt.datetime | None
    sent_at: dt.datetime | None
    last_error: str | None


class LostClaim(Exception):
    """The lease ran out and another worker took the row over; this worker must stop working on it."""


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (two deliveries in one process differ)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


async def enqueue(
    session: AsyncSession,
    *,
    kind: OutboxKind,
    user_id: int,
    dedupe_key: str,
    due_at: dt.datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Add a row in the caller's transaction; a row with the same `dedupe_key` already there wins. A row for
    a user who blocked the bot waits as 'unreachable' from the start."""
    assert session.bind is not None, "sessions are bound to the database's engine"
    insert = dialect_insert(session.bind.dialect.name)
    # Locked (PostgreSQL): an unblock committing between this read and the insert would leave the row
    # waiting as 'unreachable' for a reachable user. User row first, then outbox rows, as everywhere here.
    blocked = await session.scalar(select(User.unreachable_since).where(User.id == user_id).with_for_update())
    await session.execute(
        insert(OutboxMessage)
        .values(
            kind=kind,
            user_id=user_id,
            payload=payload or {},
            dedupe_key=dedupe_key,
            status=OutboxStatus.PENDING if blocked is None else OutboxStatus.UNREACHABLE,
            due_at=due_at,
            attempts=0,
            parts_sent=0,
            created_at=due_at,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )


async def cancel(session: AsyncSession, dedupe_key_prefix: str) -> int:
    """Drop rows not sent yet whose key starts with the prefix (e.g. a cancelled booking's reminders)."""
    waiting = (OutboxStatus.PENDING, OutboxStatus.UNREACHABLE)
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.dedupe_key.startswith(dedupe_key_prefix), OutboxMessage.status.in_(waiting))
        .values(status=OutboxStatus.CANCELLED, claimed_by=None, claimed_until=None)
    )
    return rows_affected(result)


async def claim_due(ctx: ServiceContext, worker: str, limit: int = 20) -> list[Claimed]:
    """Claim up to `limit` due rows for `worker`, oldest first, with a lease of `outbox.lease_seconds`.

    A row that was tried and is still not out after the give-up age (e.g. its worker kept dying on it) is
    given up here rather than claimed again."""
    now = ctx.now()
    lease_until = now + _lease(ctx)
    abandoned = and_(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.attempts > 0,
        OutboxMessage.due_at <= now - dt.timedelta(hours=ctx.settings.outbox.give_up_hours),
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
    )
    due = (
        select(OutboxMessage.id)
        .join(User, User.id == OutboxMessage.user_id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.due_at <= now,
            or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
            User.unreachable_since.is_(None),
        )
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )
    async with ctx.db.session() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(abandoned)
            .values(status=OutboxStatus.GIVEN_UP, last_error="given up: still not delivered after the give-up age")
        )
        claimed_ids = (
            await session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(due.scalar_subquery()))
                .values(claimed_by=worker, claimed_until=lease_until, attempts=OutboxMessage.attempts + 1)
                .returning(OutboxMessage.id)
            )
        ).all()
        if not claimed_ids:
            return []
        rows = (
            await session.execute(
                select(OutboxMessage, User.telegram_user_id, User.language)
                .join(User, User.id == OutboxMessage.user_id)
                .where(OutboxMessage.id.in_(claimed_ids))
                .order_by(OutboxMessage.due_at, OutboxMessage.id)
            )
        ).all()
    return [
        Claimed(
            id=row.id,
            kind=row.kind,
            user_id=row.user_id,
            chat_id=private_chat,  # a private chat's id is the user's id: never a group's
            language=language or ctx.settings.default_language,
            payload=dict(row.payload),
            parts_sent=row.parts_sent,
            attempts=row.attempts,
            due_at=row.due_at,
            worker=worker,
        )
        for row, private_chat, language in rows
    ]


def _lease(ctx: ServiceContext) -> dt.timedelta:
    return dt.timedelta(seconds=ctx.settings.outbox.lease_seconds)


async def renew(ctx: ServiceContext, claim: Claimed) -> None:
    """Extend the lease before sending (each part): a worker whose lease ran out must not send, because
    another worker may have taken the row over and sent it already (raises LostClaim)."""
    now = ctx.now()
    async with ctx.db.session() as session, session.begin():
        result = await session.execute(
            update(OutboxMessage)
            .where(_held_by(claim), OutboxMessage.claimed_until > now)
            .values(claimed_until=now + _lease(ctx))
        )
        if rows_affected(result) != 1:
            raise LostClaim(f"the lease on outbox row {claim.id} ran out before it was sent")


def _held_by(claim: Claimed) -> Any:
    return and_(OutboxMessage.id == claim.id, OutboxMessage.claimed_by == claim.worker)


async def _finish(ctx: ServiceContext, claim: Claimed, **values: Any) -> None:
    async with ctx.db.session() as session, session.begin():
        result = await session.execute(update(OutboxMessage).where(_held_by(claim)).values(**values))
        if rows_affected(result) != 1:
            raise LostClaim(f"outbox row {claim.id} is no longer held by {claim.worker}")


async def part_sent(ctx: ServiceContext, claim: Claimed, parts_sent: int) -> None:
    """Part `parts_sent` of a multi-part message went out; a retry starts after it."""
    await _finish(ctx, claim, parts_sent=parts_sent)


async def sent(ctx: ServiceContext, claim: Claimed) -> None:
    await _finish(
        ctx,
        claim,
        status=OutboxStatus.SENT,
        sent_at=ctx.now(),
        last_error=None,
        claimed_by=None,
        claimed_until=None,
    )


async def defer(ctx: ServiceContext, claim: Claimed, delay: dt.timedelta = DEFER) -> None:
    """Not ready to send yet (e.g. its translation is under way): back in the queue, not a failed attempt."""
    await _finish(
        ctx,
        claim,
        not_before=ctx.now() + delay,
        attempts=OutboxMessage.attempts - 1,
        claimed_by=None,
        claimed_until=None,
    )


def backoff(attempts: int, rng: random.Random | None = None) -> dt.timedelta:
    """Exponential backoff with jitter: 1-2 s after the first failure, doubling, at most 10 minutes."""
    ceiling: dt.timedelta = min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_CAP)
    jitter: float = (rng or random).uniform(0.5, 1.0)
    return ceiling * jitter


async def retry_later(
    ctx: ServiceContext, claim: Claimed, error: str, *, retry_after: dt.timedelta | None = None
) -> OutboxStatus:
    """A failure worth retrying: after `retry_after` (Telegram's 429, not counted as a failed attempt) or
    after a backoff; given up once the row is older than the give-up age. Returns the row's new status."""
    now = ctx.now()
    give_up_at = claim.due_at + dt.timedelta(hours=ctx.settings.outbox.give_up_hours)
    if retry_after is None and now >= give_up_at:
        await _finish(
            ctx, claim, status=OutboxStatus.GIVEN_UP, last_error=error[:1000], claimed_by=None, claimed_until=None
        )
        log.warning("outbox row %s given up after %s attempts: %s", claim.id, claim.attempts, error)
        return OutboxStatus.GIVEN_UP
    values: dict[str, Any] = {"last_error": error[:1000], "claimed_by": None, "claimed_until": None}
    if retry_after is not None:
        values["not_before"] = now + retry_after
        values["attempts"] = OutboxMessage.attempts - 1
    else:
        values["not_before"] = now + backoff(claim.attempts)
    await _finish(ctx, claim, **values)
    return OutboxStatus.PENDING


async def failed(ctx: ServiceContext, claim: Claimed, error: str) -> None:
    """Telegram refused the message for good (e.g. "chat not found", "message is too long")."""
    await _finish(ctx, claim, status=OutboxStatus.FAILED, last_error=error[:1000], claimed_by=None, claimed_until=None)
    log.warning("outbox row %s failed for good: %s", claim.id, error)


async def unreachable(ctx: ServiceContext, claim: Claimed, error: str) -> None:
    """403: the user blocked the bot. Their rows wait (as 'unreachable') until they write again or unblock."""
    async with ctx.db.session() as session, session.begin():
        # The user's row first, then outbox rows: the order every transaction here takes its locks in.
        await _mark_user_unreachable(session, claim.user_id, ctx.now())
        result = await session.execute(
            update(OutboxMessage)
            .where(_held_by(claim))
            .values(status=OutboxStatus.UNREACHABLE, last_error=error[:1000], claimed_by=None, claimed_until=None)
        )
        if rows_affected(result) != 1:
            raise LostClaim(f"outbox row {claim.id} is no longer held by {claim.worker}")


async def set_reachable(ctx: ServiceContext, telegram_user_id: int, reachable: bool) -> None:
    """The user blocked (False) or unblocked (True) the bot (Telegram's `my_chat_member` update)."""
    async with ctx.db.session() as session, session.begin():
        user_id = await session.scalar(select(User.id).where(User.telegram_user_id == telegram_user_id))
        if user_id is None:
            return
        if reachable:
            await session.execute(update(User).where(User.id == user_id).values(unreachable_since=None))
            await became_reachable(session, user_id, ctx.now())
        else:
            await _mark_user_unreachable(session, user_id, ctx.now())


async def _mark_user_unreachable(session: AsyncSession, user_id: int, now: dt.datetime) -> None:
    await session.execute(
        update(User).where(User.id == user_id, User.unreachable_since.is_(None)).values(unreachable_since=now)
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.user_id == user_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.UNREACHABLE)
    )


async def became_reachable(session: AsyncSession, user_id: int, now: dt.datetime) -> None:
    """The user can be written to again: what waited for them goes back into the queue (in the caller's
    transaction), due now at the earliest; the give-up age counts from then, not from the waiting."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.user_id == user_id, OutboxMessage.status == OutboxStatus.UNREACHABLE)
        .values(
            status=OutboxStatus.PENDING,
            not_before=None,
            due_at=case((OutboxMessage.due_at < now, now), else_=OutboxMessage.due_at),
        )
    )


async def list_outbox(ctx: ServiceContext, status: OutboxStatus | None = None, limit: int = 100) -> list[OutboxRow]:
    """Rows, newest first (for `lotse outbox list`)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    async with ctx.db.session() as session:
        rows = (await session.scalars(query)).all()
    return [
        OutboxRow(
            r.id,
            r.kind,
            r.user_id,
            r.dedupe_key,
            r.status,
            r.due_at,
            r.not_before,
            r.attempts,
            r.parts_sent,
            r.claimed_until,
            r.sent_at,
            r.last_error,
        )
        for r in rows
    ]


async def retry(ctx: ServiceContext, ids: Sequence[int]) -> int:
    """Put failed, given-up or unreachable rows back into the queue now (staff or IT decided to try again);
    the give-up age starts afresh. A pending row is left alone: a worker may be sending it right now.
    Returns how many rows were re-queued."""
    retryable = (OutboxStatus.FAILED, OutboxStatus.GIVEN_UP, OutboxStatus.UNREACHABLE)
    async with ctx.db.session() as session, session.begin():
        user_ids = (
            await session.scalars(
                select(OutboxMessage.user_id).where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(retryable))
            )
        ).all()
        await session.execute(update(User).where(User.id.in_(user_ids)).values(unreachable_since=None))
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(retryable))
            .values(
                status=OutboxStatus.PENDING,
                due_at=ctx.now(),
                not_before=None,
                attempts=0,
                claimed_by=None,
                claimed_until=None,
            )
        )
        return rows_affected(result)


async def delivery_states(ctx: ServiceContext, dedupe_keys: Sequence[str]) -> dict[str, OutboxStatus]:
    """The delivery state of each given row (e.g. the staff replies of a case, by `staff-reply:<id>`)."""
    if not dedupe_keys:
        return {}
    async with ctx.db.session() as session:
        rows = await session.execute(
            select(OutboxMessage.dedupe_key, OutboxMessage.status).where(OutboxMessage.dedupe_key.in_(dedupe_keys))
        )
        return {key: status for key, status in rows}
