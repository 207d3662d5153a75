"""The outbox against the fake Bot API, as a county's server meets Telegram: outages, flood limits, users who
block the bot. The bot's delivery tick runs for real; time is the test's clock."""

from __future__ import annotations

import re

from bot import services
from bot.services import OutboxStatus
from tests.helpers import Clock, RunningBot, eventually


async def _handover(bot: RunningBot, language: str = "de"):
    user = bot.user(language_code=language)
    await user.send("/person")
    await user.reply()
    case = (await services.list_cases(bot.ctx))[0]
    return user, case


async def _state(bot: RunningBot, case_message_id: int) -> OutboxStatus | None:
    key = services.staff_reply_key(case_message_id)
    return (await services.delivery_states(bot.ctx, [key])).get(key)


async def _send_calls(bot: RunningBot) -> int:
    return sum(call["method"] == "sendMessage" for call in (await bot.observer.state())["calls"])


async def test_a_reply_outlives_an_outage_longer_than_the_old_retry_window(bot: RunningBot, clock: Clock) -> None:
    user, case = await _handover(bot)
    await bot.observer.fail_next("sendMessage", 502, "Bad Gateway", count=8)  # the old outbox gave up after 5
    queued = await services.reply_to_case(bot.ctx, case.id, "Ihr Termin ist am Montag.")
    calls = await _send_calls(bot)
    for _ in range(8):  # each failure backs off; the clock jumps over each wait
        await eventually(lambda calls=calls: _more_calls(bot, calls), timeout=10)  # type: ignore[misc]
        calls = await _send_calls(bot)
        clock.advance(minutes=10)
    reply = await user.reply(timeout=20)
    assert "Ihr Termin ist am Montag." in reply.text
    await eventually(lambda: _is(bot, queued.case_message_id, OutboxStatus.SENT))
    await user.no_reply(within=1.0)  # exactly once


async def _more_calls(bot: RunningBot, than: int) -> bool:
    return await _send_calls(bot) > than


async def _is(bot: RunningBot, case_message_id: int, status: OutboxStatus) -> bool:
    return await _state(bot, case_message_id) is status


async def test_retry_after_is_honoured(bot: RunningBot, clock: Clock) -> None:
    user, case = await _handover(bot)
    await bot.observer.fail_next("sendMessage", 429, "Too Many Requests: retry after 30", retry_after=30)
    calls = await _send_calls(bot)
    await services.reply_to_case(bot.ctx, case.id, "Bitte bringen Sie Ihren Pass mit.")
    await eventually(lambda: _more_calls(bot, calls), timeout=10)
    clock.advance(seconds=29)
    await user.no_reply(within=2.5)  # a tick or more passes: still waiting as Telegram asked
    clock.advance(seconds=2)
    assert "Pass" in (await user.reply(timeout=10)).text


async def test_a_user_who_blocked_the_bot_gets_nothing_until_they_write_again(bot: RunningBot, clock: Clock) -> None:
    user, case = await _handover(bot)
    await user.block_bot()
    first = await services.reply_to_case(bot.ctx, case.id, "Erste Nachricht")
    await eventually(lambda: _is(bot, first.case_message_id, OutboxStatus.UNREACHABLE), timeout=10)
    calls = await _send_calls(bot)
    second = await services.reply_to_case(bot.ctx, case.id, "Zweite Nachricht")
    clock.advance(minutes=5)
    await user.no_reply(within=2.5)
    assert await _send_calls(bot) == calls  # not even tried: Telegram would refuse it
    assert await _state(bot, second.case_message_id) is OutboxStatus.UNREACHABLE

    await user.unblock_bot()
    await user.send("Hallo, ich bin wieder da")
    texts = [message.text for message in await user.replies(3, timeout=20)]
    assert any("Erste Nachricht" in text for text in texts) and any("Zweite Nachricht" in text for text in texts)


async def test_a_long_reply_held_up_half_way_goes_on_where_it_stopped(bot: RunningBot, clock: Clock) -> None:
    """Five parts, more than a private chat takes at once: the parts that went out are recorded and not
    sent again when the rest follows."""
    user, case = await _handover(bot)
    paragraphs = [f"Teil {n}: " + " ".join(["Wort"] * 600) for n in range(1, 6)]
    queued = await services.reply_to_case(bot.ctx, case.id, "\n\n".join(paragraphs))
    received: list[str] = []
    rounds = 0
    while len(received) < 5 and rounds < 60:
        rounds += 1
        received += [message.text for message in await _quick_replies(user)]
        clock.advance(seconds=2)
    parts = [number for text in received for number in re.findall(r"Teil (\d):", text)]
    assert parts == ["1", "2", "3", "4", "5"]  # each part once, in order
    await eventually(lambda: _is(bot, queued.case_message_id, OutboxStatus.SENT))
    assert rounds > 1  # it really was held up half-way (the chat's flood limit), and went on later


async def _quick_replies(user) -> list:
    try:
        return await user.replies(1, timeout=0.5)
    except AssertionError:
        return []
