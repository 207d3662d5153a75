"""Updates of one chat in order, different chats at once.

With plain concurrent updates, a user's two quick messages can be answered in the wrong order, or race
each other through the database. `ChatOrderedUpdateProcessor` keeps one lock per chat (FIFO, so updates
of a chat run in the order Telegram delivered them) and a limit on how many chats are worked on at once,
so one user's slow machine translation holds up only that user.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_WAITING = 1024  # updates fetched and waiting for their chat or a free slot


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_chats: int = 16) -> None:
        super().__init__(MAX_WAITING)  # the base class bounds waiting updates; the working ones are below
        self._working = asyncio.BoundedSemaphore(max_concurrent_chats)
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}  # lock and how many updates hold or await it

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            async with self._working:
                await coroutine
            return
        lock, users = self._chats.get(key, (asyncio.Lock(), 0))
        self._chats[key] = (lock, users + 1)
        try:
            async with lock, self._working:
                await coroutine
        finally:
            lock, users = self._chats[key]
            if users == 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None
