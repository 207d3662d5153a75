"""Services against a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot import services
from bot.db import Case, CaseMessage, Message, QuestionLog, User
from bot.services.retention import purge_old_messages


async def test_language_choice_wins_over_telegram_and_detection(ctx) -> None:
    profile = await services.register_contact(ctx, 1, 1, "uk", "Hallo")
    assert profile.is_new and profile.language == "uk" and not profile.language_chosen
    profile = await services.register_contact(ctx, 1, 1, "uk", "وين بعمل انملدونغ")
    assert profile.language == "uk"  # Telegram's language code beats detection from the text
    chosen = await services.choose_language(ctx, 1, 1, "tr")
    assert chosen.language == "tr" and chosen.language_chosen
    again = await services.register_contact(ctx, 1, 1, "de", "Hallo")
    assert again.language == "tr" and not again.is_new


async def test_detection_when_telegram_gives_no_usable_code(ctx) -> None:
    profile = await services.register_contact(ctx, 2, 2, "pt-br", "من میخوام ثبت نام کنم")
    assert profile.language == "fa"
    profile = await services.register_contact(ctx, 3, 3, None, None)
    assert profile.language == ctx.settings.default_language


async def test_unsupported_language_is_refused(ctx) -> None:
    import pytest

    with pytest.raises(services.UnsupportedLanguage):
        await services.choose_language(ctx, 1, 1, "xx")


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


async def test_suggestion_choice_and_rejection_update_the_log(ctx) -> None:
    profile = await services.register_contact(ctx, 7, 7, "de")
    async with ctx.db.session() as session:
        row = QuestionLog(
            asked_on=ctx.today(), language="de", text="x", entry_id="bank-account", score=50.0, outcome="suggested"
        )
        session.add(row)
        await session.commit()
    answer = await services.choose_suggestion(ctx, profile, row.id, "childcare-kita")
    assert answer.entry.id == "childcare-kita"
    await services.reject_suggestions(ctx, profile, row.id)
    async with ctx.db.session() as session:
        logged = await session.get(QuestionLog, row.id)
        assert logged.outcome == "unanswered" and logged.entry_id is None
        assert await session.scalar(select(func.count()).select_from(Case)) == 1


async def test_unknown_ids_from_buttons_raise_a_domain_error(ctx) -> None:
    import pytest

    profile = await services.register_contact(ctx, 8, 8, "de")
    with pytest.raises(services.UnknownQuestion):
        await services.record_feedback(ctx, 999_999, True)
    with pytest.raises(services.UnknownQuestion):
        await services.show_entry(ctx, profile, "no-such-entry")


async def test_old_conversation_messages_are_purged_but_cases_keep_their_copy(ctx, clock) -> None:
    profile = await services.register_contact(ctx, 9, 9, "en")
    await services.handle_question(ctx, profile, "tell me a joke please")
    clock.advance(days=ctx.settings.message_retention_days + 1)
    await services.remember(ctx, profile, "user", "recent message")
    deleted = await purge_old_messages(ctx)
    assert deleted >= 2
    async with ctx.db.session() as session:
        remaining = (await session.scalars(select(Message.text))).all()
        assert remaining == ["recent message"]
        assert await session.scalar(select(func.count()).select_from(CaseMessage)) >= 1


async def test_datetimes_come_back_timezone_aware(ctx) -> None:
    await services.register_contact(ctx, 10, 10, "de")
    async with ctx.db.session() as session:
        user = await session.scalar(select(User).where(User.telegram_user_id == 10))
        assert user.created_at.tzinfo is not None
        assert user.created_at == dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


async def test_staff_replies_are_claimed_once_even_by_competing_ticks(ctx) -> None:
    import asyncio

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
    import pytest

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
