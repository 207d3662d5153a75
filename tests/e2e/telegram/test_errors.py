"""When Telegram itself fails while the bot answers: a warning someone notices, and the user is not left alone."""

from __future__ import annotations

import logging

import pytest

from tests.helpers import RunningBot

APOLOGY = "Entschuldigung, bei uns ist ein Fehler passiert."


async def test_telegram_failing_during_an_answer_is_a_rate_limited_warning_and_the_user_gets_the_apology(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.user(language_code="de")
    apologies = []
    with caplog.at_level(logging.INFO, logger="bot"):
        for question in ("Kindergeld beantragen", "Wo melde ich meine Wohnung an?"):
            await bot.observer.fail_next("sendMessage", 502, "Bad Gateway")  # the answer fails
            await user.send(question)
            apologies.append(await user.reply(timeout=20))
    assert all(APOLOGY in message.text for message in apologies), [message.text for message in apologies]
    failed = [r for r in caplog.records if "Telegram failed" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelno == logging.WARNING and "Bad Gateway" in failed[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # not mistaken for a bug
