"""Injected faults, per method, per count or rate, as python-telegram-bot meets them on the wire."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from fake_telegram import BotObserver, FakeTelegramServer
from tests.integration.fake_telegram.wire import Wire

USER = 601


@pytest_asyncio.fixture
async def bot(telegram_server: FakeTelegramServer, token: str, wire: Wire) -> AsyncIterator[Bot]:
    """A python-telegram-bot Bot with a 1 s read timeout, and a user who started it."""
    await wire.send(USER, "/start")
    async with Bot(
        token,
        base_url=telegram_server.base_url,
        base_file_url=telegram_server.base_file_url,
        request=HTTPXRequest(read_timeout=1.0),
    ) as bot:
        yield bot


@pytest_asyncio.fixture
async def observer(telegram_server: FakeTelegramServer, token: str) -> AsyncIterator[BotObserver]:
    observer = BotObserver(telegram_server.url, token)
    yield observer
    await observer.aclose()


async def _texts(wire: Wire) -> list[str]:
    return [m["message"]["text"] for m in await wire.messages(USER) if m["by_bot"]]


async def test_5xx_fails_at_once_and_sends_nothing(bot: Bot, observer: BotObserver, wire: Wire) -> None:
    await observer.fail("sendMessage", "5xx")
    with pytest.raises(NetworkError, match="Bad Gateway") as info:
        await bot.send_message(USER, "eins")
    assert not isinstance(info.value, TimedOut)
    await bot.send_message(USER, "zwei")  # only the next call
    assert await _texts(wire) == ["zwei"]


async def test_timeout_before_sends_nothing_and_the_client_times_out(
    bot: Bot, observer: BotObserver, wire: Wire
) -> None:
    await observer.fail("sendMessage", "timeout-before", delay=3)
    started = time.monotonic()
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "eins")
    assert time.monotonic() - started < 2.5  # the client's read timeout, not the fake's delay
    assert await _texts(wire) == []


async def test_late_sends_the_message_but_the_answer_comes_too_late(
    bot: Bot, observer: BotObserver, wire: Wire
) -> None:
    await observer.fail("sendMessage", "late", delay=3)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "vielleicht")
    assert await _texts(wire) == ["vielleicht"]  # the user has it; the bot cannot know


async def test_429_and_403(bot: Bot, observer: BotObserver, wire: Wire) -> None:
    await observer.fail("sendMessage", "429", retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER, "eins")
    assert info.value.retry_after in (7, dt.timedelta(seconds=7))  # int or timedelta, by PTB's settings
    await observer.fail("sendMessage", "403")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "zwei")
    await observer.fail_next("sendMessage", 400, "Bad Request: chat not found")  # the original, generic form
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(USER, "drei")
    assert await _texts(wire) == []
    assert (await observer.state())["faults"] == {"429": 1, "403": 1, "error": 1}


async def test_count_chat_and_method(bot: Bot, observer: BotObserver, wire: Wire) -> None:
    await wire.send(USER + 1, "/start")
    await observer.fail("sendMessage", "5xx", count=2, chat_id=USER)
    await bot.send_message(USER + 1, "an den anderen")  # another chat: not affected
    await bot.send_chat_action(USER, "typing")  # another method: not affected
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "nein")
    await bot.send_message(USER, "ja")
    assert await _texts(wire) == ["ja"]


async def test_a_rate_with_a_seed_is_repeatable_and_clear_removes_it(bot: Bot, observer: BotObserver) -> None:
    async def run() -> list[bool]:
        await observer.clear_failures()
        await observer.fail("sendMessage", "5xx", rate=0.5, seed=42)
        outcomes = []
        for i in range(20):
            try:
                await bot.send_message(USER, f"Nachricht {i}")
                outcomes.append(True)
            except NetworkError:
                outcomes.append(False)
            await observer.advance(1)  # keeps the private chat's sending limit out of this test
        return outcomes

    first, second = await run(), await run()
    assert first == second and 3 < first.count(False) < 17
    await observer.clear_failures()
    await bot.send_message(USER, "wieder da")
    state = await observer.state()
    assert state["faults"]["5xx"] == 2 * first.count(False)
    assert [c.get("fault") for c in state["calls"] if c["method"] == "sendMessage"].count("5xx") == state["faults"][
        "5xx"
    ]


async def test_a_rate_for_the_next_calls_only(bot: Bot, observer: BotObserver) -> None:
    await observer.fail("sendMessage", "5xx", rate=1.0, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(USER, "nein")
    await bot.send_message(USER, "ja")


async def test_invalid_faults_are_refused(wire: Wire) -> None:
    for body in (
        {"method": "sendMessage", "kind": "meteor"},
        {"method": "sendMessage", "kind": "5xx", "rate": 1.5},
        {"method": "sendMessage", "kind": "late", "delay": -1},
        {"kind": "5xx"},
        {"method": "sendMessage", "count": "3"},
    ):
        status, answer = await wire.post("/fail", body)
        assert status == 400 and answer["ok"] is False, body
