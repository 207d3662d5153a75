"""Questions, the anonymous question log and retention, on a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot import services
from bot.db import Case, CaseMessage, Message, QuestionLog, QuestionOutcome, Sender
from bot.services import purge_old_messages


async def test_answered_question_is_logged_without_personal_data(ctx) -> None:
    profile = await services.register_contact(ctx, 5, 5, "de")
    outcome = await services.handle_question(ctx, profile, "Kindergeld beantragen, Tel. 0151 2345678")
    assert isinstance(outcome, services.Answer) and outcome.entry.id == "child-benefit"
    async with ctx.db.session() as session:
        row = await session.get(QuestionLog, outcome.log_id)
        assert row.entry_id == "child-benefit" and row.outcome == "answered" and row.language == "de"
        assert "2345678" not in row.text and "[number]" in row.text
        assert row.asked_on == dt.date(2026, 11, 22)
        columns = set(QuestionLog.__table__.columns.keys())
        assert not columns & {"user_id", "chat_id", "telegram_user_id"}  # no link back to the person


async def test_suggestion_choice_and_rejection_update_the_log(ctx) -> None:
    profile = await services.register_contact(ctx, 7, 7, "de")
    async with ctx.db.session() as session:
        row = QuestionLog(
            asked_on=ctx.today(),
            language="de",
            text="x",
            entry_id="bank-account",
            score=50.0,
            outcome=QuestionOutcome.SUGGESTED,
        )
        session.add(row)
        await session.commit()
    answer = await services.choose_suggestion(ctx, profile, row.id, "childcare-kita")
    assert answer.entry.id == "childcare-kita"
    await services.reject_suggestions(ctx, profile, row.id)
    async with ctx.db.session() as session:
        logged = await session.get(QuestionLog, row.id)
        assert logged.outcome == "unanswered" and logged.entry_id is None
        # rejecting the suggestions offers a person; only asking for one opens a case
        assert await session.scalar(select(func.count()).select_from(Case)) == 0


async def test_unknown_ids_from_buttons_raise_a_domain_error(ctx) -> None:
    profile = await services.register_contact(ctx, 8, 8, "de")
    with pytest.raises(services.UnknownQuestion):
        await services.record_feedback(ctx, 999_999, True)
    with pytest.raises(services.UnknownQuestion):
        await services.show_entry(ctx, profile, "no-such-entry")


async def test_old_conversation_messages_are_purged_but_cases_keep_their_copy(ctx, clock) -> None:
    profile = await services.register_contact(ctx, 9, 9, "en")
    await services.handle_question(ctx, profile, "tell me a joke please")
    await services.request_person(ctx, profile)
    clock.advance(days=ctx.settings.retention.message_retention_days + 1)
    await services.remember(ctx, profile, Sender.USER, "recent message")
    deleted = await purge_old_messages(ctx)
    assert deleted >= 2
    async with ctx.db.session() as session:
        remaining = (await session.scalars(select(Message.text))).all()
        assert remaining == ["recent message"]
        assert await session.scalar(select(func.count()).select_from(CaseMessage)) >= 1
