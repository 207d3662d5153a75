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
