"""The hand-over end to end: staff replies reach the user even when Telegram fails on the first try."""

from __future__ import annotations

import logging

import pytest

from bot import services
from tests.helpers import RunningBot


async def test_a_staff_reply_telegram_refuses_is_logged_and_delivered_on_the_next_tick(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.user(language_code="de")
    await user.send("/person")
    await user.reply()
    case = (await services.list_cases(bot.ctx))[0]
    await bot.observer.fail_next("sendMessage", 502, "Bad Gateway")
    with caplog.at_level(logging.WARNING, logger="bot"):
        await services.reply_to_case(bot.ctx, case.id, "Wir melden uns morgen bei Ihnen.")
        reply = await user.reply(timeout=20)
    assert "Wir melden uns morgen bei Ihnen." in reply.text
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("not delivered yet" in message and "Bad Gateway" in message for message in warnings), warnings
