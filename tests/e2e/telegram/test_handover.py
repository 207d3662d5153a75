"""The hand-over end to end: staff replies reach the user even when Telegram fails on the first try."""

from __future__ import annotations

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
