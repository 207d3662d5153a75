"""Keeping under Telegram's flood limits without stopping everybody when one chat hits them.

python-telegram-bot's `AIORateLimiter` pauses *every* request while one 429 is being waited out and has no
bucket per private chat. Telegram's limits are: about 30 messages per second per bot, about 1 per second
per private chat (short bursts are fine) and 20 per minute per group. This limiter keeps one leaky bucket
per limit (aiolimiter), counts only requests that post a message, and when Telegram still answers 429
waits only in the request that got it.

The buckets live in this process: a `lotse worker` beside the bot keeps its own, so together they may
exceed the overall limit; Telegram then answers 429, which the outbox honours (`retry_after`).

`rate_limit_args` is the number of retries after a 429 for one call; `SEND_ONCE` (-1; python-telegram-bot
drops a falsy value such as 0) means: never wait at all, neither for a bucket nor after a 429, but raise
`RetryAfter` for the caller to reschedule. The outbox uses it: a delivery worker never sleeps while it
holds a claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

SEND_ONCE = -1
# Leaky buckets (capacity, seconds to refill it). A bucket lets through its capacity at once plus its rate
# over any window, so capacity + rate x window stays within Telegram's limit for that window:
OVERALL = (3, 3 / 27)  # 3 + 27/s: at most 30 in any second
PRIVATE = (3, 3.0)  # 1 per second per private chat on average, up to 3 at once
GROUP = (1, 3.2)  # 1 + 18.75 per minute: within 20 per minute per group
_MAX_CHAT_BUCKETS = 10_000
_POSTING = ("send", "copy", "forward")  # sendMessage, sendDocument, copyMessage, forwardMessages, ...


class TelegramRateLimiter(BaseRateLimiter[int]):
    def __init__(self, max_retries: int = 3) -> None:
        self.max_retries = max_retries
        self._overall = AsyncLimiter(*OVERALL)
        self._chats: OrderedDict[int | str, AsyncLimiter] = OrderedDict()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        self._chats.clear()

    def _chat_bucket(self, chat_id: int | str) -> AsyncLimiter:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            group = isinstance(chat_id, str) or chat_id < 0
            bucket = AsyncLimiter(*GROUP) if group else AsyncLimiter(*PRIVATE)
            self._chats[chat_id] = bucket
            while len(self._chats) > _MAX_CHAT_BUCKETS:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return bucket

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        once = rate_limit_args == SEND_ONCE
        retries = 0 if once else self.max_retries if rate_limit_args is None else rate_limit_args
        buckets = self._buckets(endpoint, data)
        attempt = 0
        while True:
            if once and not all(bucket.has_capacity() for bucket in buckets):
                raise RetryAfter(dt.timedelta(seconds=1))
            async with contextlib.AsyncExitStack() as stack:
                for bucket in buckets:
                    await stack.enter_async_context(bucket)
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as exc:
                    if attempt >= retries:
                        raise
                    wait = exc.retry_after
                    seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
            attempt += 1
            log.info("Telegram asked to wait %.1f s (%s); only this request waits", seconds, endpoint)
            await asyncio.sleep(seconds + 0.1)

    def _buckets(self, endpoint: str, data: dict[str, Any]) -> list[AsyncLimiter]:
        name = endpoint.lower()
        if not name.startswith(_POSTING) or name == "sendchataction":  # "typing…" puts nothing into the chat
            return []
        chat_id: Any = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)
        if chat_id is None:
            return [self._overall]
        return [self._chat_bucket(chat_id), self._overall]
