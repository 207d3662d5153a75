"""The hand-over end to end: staff replies reach the user even when Telegram fails on the first try."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot import services
from tests.helpers import Clock, RunningBot, eventually


async def test_a_staff_reply_telegram_refuses_is_logged_and_delivered_after_a_backoff(
    bot: RunningBot, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.user(language_code="de")
    await user.send("/person")
    await user.reply()
    case = (await services.list_cases(bot.ctx))[0]
    await bot.observer.fail_next("sendMessage", 502, "Bad Gateway")
    with caplog.at_level(logging.WARNING, logger="bot"):
        queued = await services.reply_to_case(bot.ctx, case.id, "Wir melden uns morgen bei Ihnen.")
        await eventually(lambda: any("not delivered yet" in r.getMessage() for r in caplog.records), timeout=10)
        key = services.staff_reply_key(queued.case_message_id)
        assert await services.delivery_states(bot.ctx, [key]) == {key: services.OutboxStatus.PENDING}
        await user.no_reply(within=2.5)  # waits for its backoff (the clock stands still)
        clock.advance(seconds=5)
        reply = await user.reply(timeout=20)
    assert "Wir melden uns morgen bei Ihnen." in reply.text
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("not delivered yet" in message and "Bad Gateway" in message for message in warnings), warnings
    await eventually(lambda: _sent(bot, key), timeout=5)


async def _sent(bot: RunningBot, key: str) -> bool:
    return (await services.delivery_states(bot.ctx, [key])).get(key) is services.OutboxStatus.SENT


async def test_after_talk_to_a_person_the_bot_passes_messages_to_the_case_until_asked_again(bot: RunningBot) -> None:
    user = bot.user(language_code="de")
    await user.send("Wie beantrage ich Kindergeld?")
    answer = await user.reply()
    await user.press(answer, "Mit einem Menschen sprechen")
    confirmation = await user.reply()
    assert "Fall" in confirmation.text
    details = ["Ich habe einen Brief von der Familienkasse bekommen", "Wo ist das Bürgerbüro?", "Danke"]
    await user.send(details[0])
    notice = await user.reply()  # said once per case: the team answers now, not the knowledge base
    assert "weitergegeben" in notice.text and "Wissensdatenbank" in notice.text
    for text in details[1:]:
        await user.send(text)
    await user.no_reply(within=1.5)  # no knowledge-base answer to "Wo ist das Bürgerbüro?", no second notice
    case = (await services.list_cases(bot.ctx))[0]
    user_lines = [line.text for line in case.messages if line.sender is services.Sender.USER]
    assert user_lines[-3:] == details

    await user.send("112")  # a cry for help still gets the emergency card, and staff see it first
    card = await user.reply()
    assert "116117" in card.text
    case = (await services.list_cases(bot.ctx))[0]
    assert case.urgent and case.messages[-1].text == "112"

    await user.press(notice, "Wieder den Bot fragen")
    resumed = await user.reply()
    assert "beantworte" in resumed.text.lower()
    await user.send("Wo melde ich meine Adresse an?")
    assert "Anmeldung" in (await user.reply()).text  # answered from the knowledge base again
    assert (await services.list_cases(bot.ctx))[0].status is services.CaseStatus.OPEN  # the team still has it


async def test_an_out_of_scope_question_opens_no_case_and_offers_a_person(bot: RunningBot) -> None:
    user = bot.user(language_code="en")
    await user.send("What is a good recipe for apple pie?")
    reply = await user.reply()
    assert "Talk to a person" in reply.text and "case" not in reply.text.lower()
    assert await services.list_cases(bot.ctx, None) == []


async def test_withdrawing_closes_the_request_and_the_bot_answers_again(bot: RunningBot) -> None:
    user = bot.user(language_code="en")
    await user.send("/person")
    confirmation = await user.reply()
    await user.press(confirmation, "Withdraw my request")
    assert "withdrawn" in (await user.reply()).text
    (case,) = await services.list_cases(bot.ctx, None)
    assert case.status is services.CaseStatus.CLOSED
    await user.send("How do I open a bank account?")
    assert "Basiskonto" in (await user.reply()).text


async def test_staff_join_close_and_the_user_rates_comments_then_reopens(bot: RunningBot, clock: Clock) -> None:
    user = bot.user(language_code="en")
    await user.send("/person")
    await user.reply()
    await user.send("I got a letter and do not understand it")
    await user.reply()  # the once-per-case notice
    (case,) = await services.list_cases(bot.ctx)
    staff = await _staff_member(bot, "Anna")
    await services.claim_case(bot.ctx, case.id, staff)
    joined = await user.reply(timeout=10)
    assert "Anna" in joined.text and str(case.id) in joined.text
    await services.close_case(bot.ctx, case.id, services.CaseOutcome.RESOLVED, staff)
    closed = await user.reply(timeout=10)
    assert "closed" in closed.text
    await user.press(closed, "4 ★")
    edited, thanks = await user.replies(2)
    assert edited.edited and edited.buttons == []  # the stars go away after the rating
    assert "comment" in thanks.text
    await user.send("Very quick help, thank you")  # the comment does not reopen the case
    assert "comment" in (await user.reply()).text
    view = await services.case_view(bot.ctx, case.id)
    assert view.status is services.CaseStatus.CLOSED and view.rating == 4
    assert view.rating_comment == "Very quick help, thank you"
    clock.advance(hours=2)
    await user.send("One more question about the letter")  # a new message after the rating does
    reopened = await user.reply()
    assert "open again" in reopened.text
    view = await services.case_view(bot.ctx, case.id)
    assert view.status is services.CaseStatus.OPEN and view.messages[-1].text == "One more question about the letter"


async def _staff_member(bot: RunningBot, name: str) -> int:
    from bot.db import StaffAccount, StaffRole

    async with bot.ctx.db.session() as session, session.begin():
        account = StaffAccount(username=name.lower(), display_name=name, password_hash="-", role=StaffRole.COORDINATOR)
        session.add(account)
        await session.flush()
        return account.id


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


async def test_a_photo_of_a_letter_reaches_the_case_during_a_hand_over_and_a_person_is_offered_otherwise(
    bot: RunningBot,
) -> None:
    user = bot.user(language_code="uk")
    await user.send_photo(PNG, caption="лист")
    offer = await user.reply()  # no hand-over yet: text please, and a person can look at letters
    assert "Поговорити з людиною" in offer.button_texts
    assert await services.list_cases(bot.ctx) == []

    await user.press(offer, "Поговорити з людиною")
    await user.reply()
    await user.send_photo(PNG, caption="лист з Jobcenter")
    received = await user.reply()
    await user.send_document(b"%PDF-1.4 letter", "Bescheid <b>.pdf")
    received_again = await user.reply()
    (case,) = await services.list_cases(bot.ctx)
    assert str(case.id) in received.text and str(case.id) in received_again.text
    view = await services.case_view(bot.ctx, case.id)
    photo, document = [m for m in view.messages if m.files]
    assert photo.kind is services.CaseMessageKind.PHOTO and "лист з Jobcenter" in photo.text
    assert document.files[0].file_name == "Bescheid <b>.pdf" and document.files[0].media_type == "application/pdf"
    stored = await services.case_file(bot.ctx, photo.files[0].id)
    assert stored.content == PNG and stored.case_id == case.id


async def test_a_file_over_the_limit_is_refused_with_the_limit_named(bot: RunningBot) -> None:
    user = bot.user(language_code="en")
    await user.send("/person")
    await user.reply()
    limit = int(bot.ctx.settings.handover.max_file_mb * 1024 * 1024)
    await user.send_document(b"x" * (limit + 1), "scan.pdf")
    refused = await user.reply()
    assert "too large" in refused.text and f"{bot.ctx.settings.handover.max_file_mb:g} MB" in refused.text
    view = await services.case_view(bot.ctx, (await services.list_cases(bot.ctx))[0].id)
    assert not any(m.files for m in view.messages)


async def test_the_confirmation_says_when_the_office_opens_again_on_a_public_holiday(
    bot: RunningBot, clock: Clock
) -> None:
    clock.now = dt.datetime(2026, 4, 6, 8, 0, tzinfo=dt.UTC)  # Easter Monday, 10:00 in Lower Saxony
    user = bot.user(language_code="de")
    await user.send("/person")
    confirmation = await user.reply()
    assert "Feiertag: Ostermontag" in confirmation.text
    assert "Dienstag, 7. April 2026 um 09:00 Uhr" in confirmation.text  # the next opening, in the user's locale
    assert "Mittwoch, 8. April 2026" in confirmation.text  # two working days later at the latest
