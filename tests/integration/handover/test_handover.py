"""Hand-overs to staff and the outbox of staff replies, on a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import asyncio

import pytest

from bot import services


async def test_unanswered_question_opens_one_case_with_the_conversation(ctx, clock) -> None:
    profile = await services.register_contact(ctx, 6, 6, "en")
    await services.handle_question(ctx, profile, "how much is kindergeld")
    clock.advance(minutes=1)
    first = await services.handle_question(ctx, profile, "what is the best pizza in town")
    assert isinstance(first, services.NoAnswer) and not first.case.already_open
    clock.advance(minutes=1)
    second = await services.handle_question(ctx, profile, "tell me a joke about cats")
    assert isinstance(second, services.NoAnswer) and second.case.id == first.case.id and second.case.already_open
    case = await services.request_person(ctx, profile)
    assert case.id == first.case.id and case.person_requested
    cases = await services.list_cases(ctx)
    assert len(cases) == 1
    texts = [line.text for line in cases[0].messages]
    assert texts.count("what is the best pizza in town") == 1  # copied once, not on every hand-over
    assert any("kindergeld" in t for t in texts) and any("cats" in t for t in texts)


async def test_staff_replies_are_claimed_once_even_by_competing_ticks(ctx) -> None:
    profile = await services.register_contact(ctx, 40, 40, "de")
    case = await services.request_person(ctx, profile)
    queued = [await services.reply_to_case(ctx, case.id, f"Antwort {n}") for n in range(6)]
    first, second = await asyncio.gather(services.claim_staff_replies(ctx), services.claim_staff_replies(ctx))
    claimed = [r.outbox_id for r in first + second]
    assert sorted(claimed) == sorted(q.outbox_id for q in queued)  # every reply exactly once
    assert all(r.origin == "identity" and r.text == r.original for r in first + second)  # German reader
    await services.mark_failed(ctx, first[0].outbox_id if first else second[0].outbox_id, "timeout", retry=True)
    again = await services.claim_staff_replies(ctx)
    assert len(again) == 1  # a failed delivery comes back once


async def test_reply_to_a_closed_or_unknown_case_is_refused(ctx) -> None:
    with pytest.raises(services.CaseNotFound):
        await services.reply_to_case(ctx, 9999, "Hallo")


async def test_a_reply_claimed_by_a_process_that_died_is_sent_later(ctx, clock) -> None:
    profile = await services.register_contact(ctx, 41, 41, "de")
    case = await services.request_person(ctx, profile)
    await services.reply_to_case(ctx, case.id, "Antwort")
    assert len(await services.claim_staff_replies(ctx)) == 1  # claimed, never marked sent (the process died)
    assert await services.claim_staff_replies(ctx) == []
    clock.advance(minutes=6)
    assert len(await services.claim_staff_replies(ctx)) == 1  # restarts lose nothing
