"""What staff do with cases, on a real database (SQLite, and PostgreSQL in CI): the queue's order and
filters, a case's story, claiming, notes, closing, canned replies and the knowledge-gap report."""

from __future__ import annotations

import pytest

from bot import services
from bot.db import QuestionLog, QuestionOutcome, StaffAccount, StaffRole
from bot.services import CaseOutcome, CasePriority, CaseStatus, OutboxKind, QueueFilter, ServiceContext
from tests.helpers import Clock


async def _staff(ctx: ServiceContext, name: str) -> int:
    async with ctx.db.session() as session, session.begin():
        account = StaffAccount(username=name.lower(), display_name=name, password_hash="-", role=StaffRole.COORDINATOR)
        session.add(account)
        await session.flush()
        return account.id


async def _case(ctx: ServiceContext, telegram_id: int, language: str, *questions: str) -> int:
    profile = await services.register_contact(ctx, telegram_id, telegram_id, language)
    for question in questions:
        await services.handle_question(ctx, profile, question)
    return (await services.request_person(ctx, profile)).id


async def test_the_queue_puts_urgent_and_sensitive_cases_first_then_the_longest_waiting(ctx, clock: Clock) -> None:
    plain = await _case(ctx, 1, "de", "Wie bekomme ich einen Bibliotheksausweis?")
    clock.advance(minutes=5)
    sensitive = await _case(ctx, 2, "de", "Mein Mann schlägt mich")
    clock.advance(minutes=5)
    urgent_profile = await services.register_contact(ctx, 3, 3, "uk")
    urgent = (await services.request_person(ctx, urgent_profile)).id
    await services.handle_question(ctx, urgent_profile, "допоможіть")
    clock.advance(minutes=5)
    unsure = await _case(ctx, 4, "ar", "زوجي يضربني وأخذ جواز سفري")  # domestic violence only among the choices
    page = await services.case_queue(ctx)
    assert [item.id for item in page.items] == [urgent, sensitive, unsure, plain] and page.total == 4
    assert [item.priority for item in page.items] == [
        CasePriority.URGENT,
        CasePriority.HIGH,
        CasePriority.HIGH,
        CasePriority.NORMAL,
    ]
    by_id = {item.id: item for item in page.items}
    assert by_id[sensitive].topic == "violence"
    assert by_id[plain].first_message == "Wie bekomme ich einen Bibliotheksausweis?"
    assert (await services.case_queue(ctx, QueueFilter(language="uk"))).total == 1
    assert [i.id for i in (await services.case_queue(ctx, QueueFilter(topic="violence"))).items] == [sensitive]
    assert set(page.languages) == {"de", "uk", "ar"}


async def test_claiming_tells_the_user_once_and_notes_stay_internal(ctx) -> None:
    case_id = await _case(ctx, 14, "en", "hello")
    anna = await _staff(ctx, "Anna")
    await services.claim_case(ctx, case_id, anna)
    await services.claim_case(ctx, case_id, anna)  # a second click changes nothing
    await services.add_note(ctx, case_id, "Called the Jobcenter, waiting", anna)
    queued = await services.reply_to_case(ctx, case_id, "Wir rufen Sie morgen an.", anna)
    rows = await services.list_outbox(ctx)
    assert sorted(row.kind for row in rows) == [OutboxKind.STAFF_JOINED, OutboxKind.STAFF_REPLY]  # a note: nothing
    view = await services.case_view(ctx, case_id)
    assert view.assignee == "Anna" and (await services.case_queue(ctx, QueueFilter(assignee_id=anna))).total == 1
    note = next(m for m in view.messages if m.kind is services.CaseMessageKind.NOTE)
    assert note.author == "Anna" and note.text == "Called the Jobcenter, waiting"
    reply = next(m for m in view.messages if m.id == queued.case_message_id)
    assert reply.author == "Anna" and reply.delivery is services.OutboxStatus.PENDING
    with pytest.raises(services.EmptyText):
        await services.add_note(ctx, case_id, "   ", anna)


async def test_closing_asks_for_a_rating_except_after_withdrawal_and_cannot_happen_twice(ctx) -> None:
    first = await _case(ctx, 5, "en", "hello")
    second = await _case(ctx, 6, "en", "hello")
    await services.close_case(ctx, first, CaseOutcome.RESOLVED, None)
    await services.close_case(ctx, second, CaseOutcome.WITHDRAWN, None)
    kinds = [row.kind for row in await services.list_outbox(ctx)]
    assert kinds.count(OutboxKind.CASE_CLOSED) == 1
    with pytest.raises(services.InvalidInput):
        await services.close_case(ctx, first, CaseOutcome.RESOLVED, None)
    closed = await services.case_queue(ctx, QueueFilter(status=CaseStatus.CLOSED))
    assert {item.outcome for item in closed.items} == {CaseOutcome.RESOLVED, CaseOutcome.WITHDRAWN}


async def test_a_canned_reply_sent_unchanged_reaches_the_user_in_its_curated_text(ctx) -> None:
    assert await services.seed_canned_replies(ctx) > 0
    assert await services.seed_canned_replies(ctx) == 0  # never twice: staff edits stay
    german = {c.key: c for c in await services.canned_replies(ctx, "de")}
    english = {c.key: c for c in await services.canned_replies(ctx, "en")}
    case_id = await _case(ctx, 7, "en", "hello")
    queued = await services.reply_to_case(ctx, case_id, german["appointment"].text)
    reply = await services.staff_reply_to_send(ctx, queued.case_message_id, "en")
    assert reply is not None and reply.text == english["appointment"].text
    assert reply.origin is services.TranslationOrigin.CURATED
    edited = await services.reply_to_case(ctx, case_id, german["appointment"].text + " Bis bald!")
    assert await services.staff_reply_to_send(ctx, edited.case_message_id, "en") is None  # waits for translation
    await services.save_canned(ctx, "appointment", "en", "Offer an appointment", "Shall we meet?")
    assert {c.text for c in await services.canned_replies(ctx, "en")} >= {"Shall we meet?"}


async def test_the_knowledge_gap_report_groups_similar_questions_with_counts_and_languages(ctx) -> None:
    questions = [
        ("de", "Wo kann ich Schach spielen?", QuestionOutcome.UNANSWERED, None),
        ("de", "wo kann ich schach spielen", QuestionOutcome.UNANSWERED, None),
        ("de", "Wo kann man Schach spielen", QuestionOutcome.SUGGESTED, None),
        ("de", "Gibt es einen Chor?", QuestionOutcome.UNANSWERED, None),
        ("de", "Kindergeld beantragen", QuestionOutcome.ANSWERED, False),
        ("de", "Anmeldung Adresse", QuestionOutcome.ANSWERED, True),  # answered well: no gap
    ]
    async with ctx.db.session() as session, session.begin():
        for language, text, outcome, helpful in questions:
            session.add(
                QuestionLog(asked_on=ctx.today(), language=language, text=text, outcome=outcome, helpful=helpful)
            )
    groups = await services.knowledge_gaps(ctx)
    assert groups[0].count == 3 and "chach" in groups[0].question.lower() and groups[0].languages == {"de": 3}
    assert sorted(g.count for g in groups) == [1, 1, 3]
    assert not any("Anmeldung" in g.question for g in groups)
    assert any(g.outcomes.get("not helpful") for g in groups)
