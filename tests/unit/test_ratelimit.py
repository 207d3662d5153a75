"""The bot's flood-limit keeper: one chat waiting out a 429 holds up nobody else, and the outbox's sends
never wait at all; and which failures of Telegram surely sent nothing (only those are sent again)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.telegram.handlers.common import not_sent
from bot.telegram.ratelimit import PRIVATE, SEND_ONCE, TelegramRateLimiter


async def _sent(**_: Any) -> bool:
    return True


async def test_the_outbox_never_waits_for_a_full_chat_bucket() -> None:
    limiter = TelegramRateLimiter()
    for _ in range(PRIVATE[0]):
        await limiter.process_request(_sent, (), {}, "sendMessage", {"chat_id": 7}, SEND_ONCE)
    started = time.monotonic()
    with pytest.raises(RetryAfter):
        await limiter.process_request(_sent, (), {}, "sendMessage", {"chat_id": 7}, SEND_ONCE)
    assert time.monotonic() - started < 0.1
    await asyncio.sleep(0.2)  # the overall bucket refills at 27/s, one chat's at 1/s
    with pytest.raises(RetryAfter):
        await limiter.process_request(_sent, (), {}, "sendMessage", {"chat_id": 7}, SEND_ONCE)
    assert await limiter.process_request(_sent, (), {}, "sendMessage", {"chat_id": 8}, SEND_ONCE)


async def test_a_429_in_one_chat_makes_only_that_request_wait() -> None:
    limiter = TelegramRateLimiter(max_retries=1)
    calls = {"slow": 0}

    async def flooded(**_: Any) -> bool:
        calls["slow"] += 1
        if calls["slow"] == 1:
            raise RetryAfter(dt.timedelta(seconds=1))
        return True

    slow = asyncio.ensure_future(limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": 1}, None))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    assert await limiter.process_request(_sent, (), {}, "sendMessage", {"chat_id": 2}, None)
    assert time.monotonic() - started < 0.1  # not held up by chat 1's wait
    assert not slow.done()
    assert await slow and calls["slow"] == 2


async def test_a_429_for_an_outbox_send_is_raised_not_waited_out() -> None:
    async def flooded(**_: Any) -> bool:
        raise RetryAfter(dt.timedelta(seconds=30))

    started = time.monotonic()
    with pytest.raises(RetryAfter):
        await TelegramRateLimiter().process_request(flooded, (), {}, "sendMessage", {"chat_id": 1}, SEND_ONCE)
    assert time.monotonic() - started < 0.1


@pytest.mark.parametrize(
    ("error", "surely_not_sent"),
    [
        (NetworkError("Bad Gateway"), True),  # Telegram answered 502
        (NetworkError("httpx.ConnectError: [Errno 111] Connection refused"), True),
        (NetworkError("httpx.ReadError: "), False),  # the request may have arrived
        (NetworkError("httpx.RemoteProtocolError: Server disconnected"), False),
        (TimedOut(), False),
        (BadRequest("Bad Request: chat not found"), False),
        (RetryAfter(dt.timedelta(seconds=3)), False),
    ],
)
def test_only_a_call_that_surely_did_not_reach_telegram_counts_as_not_sent(error, surely_not_sent) -> None:
    assert not_sent(error) is surely_not_sent
