"""The outbox's rules on a real database (SQLite, and PostgreSQL in CI): claims, leases, backoff, Telegram's
answers, dedupe keys. Time is the test's clock; the Telegram side is in tests/e2e/telegram/test_outbox*.py."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot import services
from bot.db import OutboxKind
from bot.services import OutboxStatus, ServiceContext, UserProfile
from bot.services import outbox as queue
from tests.helpers import Clock


async def _user_with_replies(ctx: ServiceContext, telegram_id: int, count: int) -> tuple[UserProfile, list[str]]:
    profile = await services.register_contact(ctx, telegram_id, telegram_id, "de")
    case = await services.request_person(ctx, profile)
    keys = []
    for n in range(count):
        queued = await services.reply_to_case(ctx, case.id, f"Antwort {n}")
        keys.append(services.staff_reply_key(queued.case_message_id))
    assert await services.translate_waiting_messages(ctx) == count  # German reader: nothing to wait for
    return profile, keys


async def test_two_workers_claiming_at_once_get_each_row_once(ctx: ServiceContext) -> None:
    _, keys = await _user_with_replies(ctx, 40, 6)
    first, second = await asyncio.gather(services.claim_due(ctx, "a", 4), services.claim_due(ctx, "b", 4))
    ids = [claim.id for claim in first + second]
    assert len(ids) == len(set(ids)) == 6
    assert await services.claim_due(ctx, "c") == []  # all held


async def test_a_dead_workers_rows_are_taken_over_when_the_lease_expires(ctx: ServiceContext, clock: Clock) -> None:
    await _user_with_replies(ctx, 41, 1)
    (claim,) = await services.claim_due(ctx, "dead")
    clock.advance(seconds=ctx.settings.outbox.lease_seconds - 1)
    assert await services.claim_due(ctx, "alive") == []
    clock.advance(seconds=2)
    (taken,) = await services.claim_due(ctx, "alive")
    assert taken.id == claim.id and taken.attempts == 2
    with pytest.raises(services.LostClaim):  # the first worker comes back: it may not record anything
        await queue.sent(ctx, claim)
    await queue.sent(ctx, taken)
    assert (await services.list_outbox(ctx))[0].status is OutboxStatus.SENT


async def test_failures_back_off_past_an_outage_and_are_given_up_only_after_the_give_up_age(
    ctx: ServiceContext, clock: Clock
) -> None:
    await _user_with_replies(ctx, 42, 1)
    start = clock.now
    attempts = 0
    while clock.now - start < dt.timedelta(seconds=60):  # a minute of 5xx: far longer than the old 5 x 2 s
        claims = await services.claim_due(ctx, "w")
        if claims:
            attempts += 1
            assert await queue.retry_later(ctx, claims[0], "502 Bad Gateway") is OutboxStatus.PENDING
        clock.advance(seconds=1)
    assert 4 <= attempts <= 8  # backing off: 1-2 s, 2-4 s, 4-8 s, ...
    (row,) = await services.list_outbox(ctx)
    assert row.status is OutboxStatus.PENDING and row.not_before is not None
    (claim,) = await _claim_when_due(ctx, clock)
    await queue.sent(ctx, claim)  # Telegram is back: delivered

    await _user_with_replies(ctx, 43, 1)
    (claim,) = await services.claim_due(ctx, "w")
    clock.advance(hours=ctx.settings.outbox.give_up_hours)
    assert await queue.retry_later(ctx, claim, "502 Bad Gateway") is OutboxStatus.GIVEN_UP
    assert await _claim_when_due(ctx, clock) == []


async def _claim_when_due(ctx: ServiceContext, clock: Clock) -> list[services.Claimed]:
    for _ in range(30 * 60):
        claims = await services.claim_due(ctx, "w")
        if claims:
            return claims
        clock.advance(seconds=1)
    return []


async def test_retry_after_is_honoured_exactly_and_is_not_a_failed_attempt(ctx: ServiceContext, clock: Clock) -> None:
    await _user_with_replies(ctx, 44, 1)
    (claim,) = await services.claim_due(ctx, "w")
    await queue.retry_later(ctx, claim, "429", retry_after=dt.timedelta(seconds=7))
    clock.advance(seconds=6.5)
    assert await services.claim_due(ctx, "w") == []
    clock.advance(seconds=1)
    (again,) = await services.claim_due(ctx, "w")
    assert again.attempts == 1  # the 429 did not count


async def test_a_blocked_user_gets_nothing_until_they_write_again(ctx: ServiceContext, clock: Clock) -> None:
    profile, _ = await _user_with_replies(ctx, 45, 2)
    first, _second = await services.claim_due(ctx, "w")
    await queue.unreachable(ctx, first, "403 Forbidden: bot was blocked by the user")
    await queue.sent(ctx, _second)
    case = (await services.list_cases(ctx))[0]
    await services.reply_to_case(ctx, case.id, "Noch eine Antwort")
    await services.translate_waiting_messages(ctx)
    clock.advance(minutes=5)
    assert await services.claim_due(ctx, "w") == []  # nothing more is sent to them
    statuses = sorted(row.status for row in await services.list_outbox(ctx))
    assert statuses == ["sent", "unreachable", "unreachable"]

    await services.register_contact(ctx, 45, 45, "de", "Hallo?")  # they write again
    claims = await services.claim_due(ctx, "w")
    assert len(claims) == 2


async def test_unblocking_makes_a_user_reachable_again(ctx: ServiceContext) -> None:
    await _user_with_replies(ctx, 46, 1)
    (claim,) = await services.claim_due(ctx, "w")
    await queue.unreachable(ctx, claim, "403")
    await services.set_reachable(ctx, 46, True)
    assert len(await services.claim_due(ctx, "w")) == 1


async def test_enqueueing_twice_is_harmless_and_cancelling_drops_pending_rows(ctx: ServiceContext) -> None:
    profile = await services.register_contact(ctx, 47, 47, "de")
    for _ in range(2):
        async with ctx.db.session() as session, session.begin():
            for hours in (24, 1):
                await queue.enqueue(
                    session,
                    kind=OutboxKind.STAFF_REPLY,
                    user_id=profile.id,
                    dedupe_key=f"reminder:booking:42:{hours}h",
                    due_at=ctx.now(),
                )
    assert len(await services.list_outbox(ctx)) == 2
    async with ctx.db.session() as session, session.begin():
        assert await queue.cancel(session, "reminder:booking:42:") == 2
    assert {row.status for row in await services.list_outbox(ctx)} == {OutboxStatus.CANCELLED}
    assert await services.claim_due(ctx, "w") == []


async def test_a_reply_whose_translation_is_not_ready_waits_without_losing_an_attempt(ctx: ServiceContext) -> None:
    profile = await services.register_contact(ctx, 48, 48, "de")
    case = await services.request_person(ctx, profile)
    queued = await services.reply_to_case(ctx, case.id, "Guten Tag")
    assert await services.staff_reply_to_send(ctx, queued.case_message_id, "de") is None  # not translated yet
    await services.translate_waiting_messages(ctx)
    reply = await services.staff_reply_to_send(ctx, queued.case_message_id, "de")
    assert reply is not None and reply.text == "Guten Tag"
    # The user changed their language meanwhile: translated again for them before it goes out.
    assert await services.staff_reply_to_send(ctx, queued.case_message_id, "en") is None


async def test_retry_queues_failed_rows_again(ctx: ServiceContext, clock: Clock) -> None:
    await _user_with_replies(ctx, 49, 1)
    (claim,) = await services.claim_due(ctx, "w")
    await queue.failed(ctx, claim, "400 Bad Request: chat not found")
    assert await services.claim_due(ctx, "w") == []
    assert await services.retry(ctx, [claim.id]) == 1
    (again,) = await services.claim_due(ctx, "w")
    assert again.id == claim.id and again.attempts == 1


async def test_a_worker_whose_lease_ran_out_does_not_send(ctx: ServiceContext, clock: Clock) -> None:
    await _user_with_replies(ctx, 50, 1)
    (slow,) = await services.claim_due(ctx, "slow")
    await queue.renew(ctx, slow)  # still its own: may send
    clock.advance(seconds=ctx.settings.outbox.lease_seconds + 1)
    (taken,) = await services.claim_due(ctx, "other")
    with pytest.raises(services.LostClaim):
        await queue.renew(ctx, slow)  # must not send: the other worker may have sent it by now
    await queue.renew(ctx, taken)


async def test_retry_leaves_a_row_a_worker_may_be_sending_alone(ctx: ServiceContext) -> None:
    await _user_with_replies(ctx, 51, 1)
    (claim,) = await services.claim_due(ctx, "w")
    assert await services.retry(ctx, [claim.id]) == 0
    assert await services.claim_due(ctx, "other") == []
    await queue.sent(ctx, claim)


async def test_waiting_for_a_blocked_user_does_not_count_towards_giving_up(ctx: ServiceContext, clock: Clock) -> None:
    await _user_with_replies(ctx, 52, 1)
    (claim,) = await services.claim_due(ctx, "w")
    await queue.unreachable(ctx, claim, "403")
    clock.advance(hours=30)
    await services.set_reachable(ctx, 52, True)
    (again,) = await services.claim_due(ctx, "w")
    assert await queue.retry_later(ctx, again, "502 Bad Gateway") is OutboxStatus.PENDING  # backs off


async def test_a_row_whose_workers_keep_dying_is_given_up_after_the_give_up_age(
    ctx: ServiceContext, clock: Clock
) -> None:
    await _user_with_replies(ctx, 53, 1)
    for _ in range(2):
        assert len(await services.claim_due(ctx, "dies")) == 1  # ... and never records an outcome
        clock.advance(hours=ctx.settings.outbox.give_up_hours / 2)
    clock.advance(seconds=1)
    assert await services.claim_due(ctx, "w") == []
    assert [row.status for row in await services.list_outbox(ctx)] == [OutboxStatus.GIVEN_UP]


async def test_cancelling_drops_rows_waiting_for_a_blocked_user_too(ctx: ServiceContext) -> None:
    profile, _ = await _user_with_replies(ctx, 54, 0)
    await services.set_reachable(ctx, 54, False)
    async with ctx.db.session() as session, session.begin():
        await queue.enqueue(
            session,
            kind=OutboxKind.STAFF_REPLY,
            user_id=profile.id,
            dedupe_key="reminder:booking:7:1h",
            due_at=ctx.now(),
        )
    assert [row.status for row in await services.list_outbox(ctx)] == [OutboxStatus.UNREACHABLE]
    async with ctx.db.session() as session, session.begin():
        assert await queue.cancel(session, "reminder:booking:7:") == 1
    await services.set_reachable(ctx, 54, True)
    assert await services.claim_due(ctx, "w") == []
