"""When Telegram itself fails while the bot answers: a warning someone notices, and the user is not left alone,
nor told that something went wrong when their answer did arrive."""

from __future__ import annotations

import logging

import pytest

from tests.helpers import RunningBot

APOLOGY = "Entschuldigung, bei uns ist ein Fehler passiert."


async def test_a_reply_telegram_failed_to_take_is_sent_again_and_the_user_gets_the_answer(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.user(language_code="de")
    answers = []
    with caplog.at_level(logging.INFO, logger="bot"):
        for question in ("Kindergeld beantragen", "Wo melde ich meine Wohnung an?"):
            await bot.observer.fail_next("sendMessage", 502, "Bad Gateway")  # nothing was sent: try again
            await user.send(question)
            answers.append(await user.reply(timeout=20))
    assert not any(APOLOGY in message.text for message in answers)
    assert "Kindergeld" in answers[0].text and "Anmeld" in answers[1].text
    failed = [r for r in caplog.records if "Telegram failed" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelno == logging.WARNING and "Bad Gateway" in failed[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # not mistaken for a bug
    await user.no_reply(within=1.0)


async def test_when_telegram_keeps_failing_the_user_gets_the_apology_once_it_works_again(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.user(language_code="de")
    with caplog.at_level(logging.INFO, logger="bot"):
        await bot.observer.fail_next("sendMessage", 502, "Bad Gateway", count=3)  # every try of the answer
        await user.send("Kindergeld beantragen")
        apology = await user.reply(timeout=20)
    assert APOLOGY in apology.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_button_pressed_while_the_bot_was_down_does_its_action_without_an_error_message(
    bot: RunningBot, ctx
) -> None:
    from sqlalchemy import select

    from bot.db import User

    user = bot.user(language_code="de")
    await user.send("/start")
    _, picker = await user.replies(2)
    await bot.stop()
    await user.press(picker, "English")
    await bot.observer.advance(16 * 60)  # 16 minutes down: Telegram no longer takes the acknowledgement
    await bot.start()
    confirmation = await user.reply(timeout=20)
    assert "English" in confirmation.text and APOLOGY not in confirmation.text
    await user.no_reply(within=1.5)
    async with ctx.db.session() as session:
        language = await session.scalar(select(User.language).where(User.telegram_user_id == user.user_id))
    assert language == "en"
    answers = (await bot.observer.state())["callback_answers"]
    assert answers == []  # Telegram refused the late acknowledgement; the user saw the action done


async def test_a_reply_whose_answer_from_telegram_came_too_late_is_not_followed_by_an_apology(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.user(language_code="de")
    await bot.observer.fail("sendMessage", "late", delay=6)  # delivered, but the bot times out waiting
    with caplog.at_level(logging.INFO, logger="bot"):
        await user.send("Kindergeld beantragen")
        answer = await user.reply(timeout=20)
        assert "Kindergeld" in answer.text
        await user.no_reply(within=7)  # the bot's read timeout passes: no apology, no second copy
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
