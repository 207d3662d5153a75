"""Hand-overs to staff and the outbox of staff replies, on a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import asyncio

import pytest

from bot import services


async def test_an_unanswered_question_opens_no_case_but_asking_for_a_person_brings_the_conversation(ctx, clock) -> None:
    profile = await services.register_contact(ctx, 6, 6, "en")
    await services.handle_question(ctx, profile, "how much is kindergeld")
    clock.advance(minutes=1)
    for question in ("what is the best pizza in town", "tell me a joke about cats", "how is the weather"):
        outcome = await services.handle_question(ctx, profile, question)
        assert isinstance(outcome, services.NoAnswer)  # a person is offered; no case for staff to wade through
        clock.advance(minutes=1)
    assert await services.list_cases(ctx) == []
    case = await services.request_person(ctx, profile)
    assert not case.already_open and case.person_requested
    again = await services.request_person(ctx, profile)
    assert again.id == case.id and again.already_open
    cases = await services.list_cases(ctx)
    assert len(cases) == 1
    texts = [line.text for line in cases[0].messages]
    assert texts.count("what is the best pizza in town") == 1  # copied once, not on every request
    assert any("kindergeld" in t for t in texts) and any("cats" in t for t in texts)


async def test_reply_to_a_closed_or_unknown_case_is_refused(ctx) -> None:
    with pytest.raises(services.CaseNotFound):
        await services.reply_to_case(ctx, 9999, "Hallo")


async def test_three_quick_requests_for_a_person_open_one_case(ctx) -> None:
    profile = await services.register_contact(ctx, 42, 42, "de")
    cases = await asyncio.gather(*(services.request_person(ctx, profile) for _ in range(3)))
    assert len({case.id for case in cases}) == 1
    assert sum(not case.already_open for case in cases) == 1
    assert len(await services.list_cases(ctx)) == 1


async def test_a_new_users_first_messages_at_once_create_one_user(ctx) -> None:
    profiles = await asyncio.gather(
        *(services.register_contact(ctx, 43, 43, "uk", text) for text in ("Привіт", "Допоможіть", "Як справи"))
    )
    assert len({profile.id for profile in profiles}) == 1
    assert sum(profile.is_new for profile in profiles) == 1
    assert {profile.language for profile in profiles} == {"uk"}


async def test_many_users_open_cases_one_after_another(ctx) -> None:
    """PostgreSQL runs a prepared statement on a generic plan after five executions; the ON CONFLICT of
    `open_case` must still find its partial unique index then."""
    for telegram_id in range(500, 512):
        profile = await services.register_contact(ctx, telegram_id, telegram_id, "de")
        assert not (await services.request_person(ctx, profile)).already_open
    assert len(await services.list_cases(ctx)) == 12
