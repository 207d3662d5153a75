"""Helpers for the fake Bot API's own tests: raw HTTP to it (as a bot and as the client API), and a
python-telegram-bot Application that records every update it receives."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from fake_telegram import FakeTelegramServer


class Wire:
    """The fake over raw HTTP, for one bot token."""

    def __init__(self, server: FakeTelegramServer, token: str, *, timeout: float = 20) -> None:
        self.server = server
        self.token = token
        self.http = httpx.AsyncClient(base_url=server.url, timeout=timeout)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def call(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """A Bot API call with a JSON body, as python-telegram-bot would send it."""
        response = await self.http.post(f"/bot{self.token}/{method}", json=params)
        return response.status_code, response.json()

    async def post(self, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
        """A client API call: `path` like "/send". The body goes as ASCII JSON, so even lone surrogates
        (as "\\ud800") reach the fake, as from a JavaScript client."""
        content = json.dumps(body if body is not None else {}).encode("ascii")
        response = await self.http.post(
            f"/client/{self.token}{path}", content=content, headers={"content-type": "application/json"}
        )
        return response.status_code, response.json()

    async def send(self, user_id: int, text: str, **extra: Any) -> dict[str, Any]:
        status, body = await self.post("/send", {"user_id": user_id, "text": text, **extra})
        assert status == 200, body
        return body["result"]

    async def messages(self, chat_id: int, after: int = 0) -> list[dict[str, Any]]:
        response = await self.http.get(f"/client/{self.token}/messages", params={"chat_id": chat_id, "after": after})
        return response.json()["result"]

    async def state(self) -> dict[str, Any]:
        return (await self.http.get(f"/client/{self.token}/state")).json()["result"]


class RecordingBot:
    """A plain python-telegram-bot Application polling the fake; it keeps every update it receives."""

    def __init__(self, server: FakeTelegramServer, token: str) -> None:
        builder = Application.builder().token(token).base_url(server.base_url)
        self.application = builder.base_file_url(server.base_file_url).build()
        self.updates: list[Update] = []
        self.errors: list[object] = []
        self._arrived = asyncio.Event()
        self.application.add_handler(TypeHandler(Update, self._record))
        self.application.add_error_handler(self._error)

    async def _record(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.updates.append(update)
        self._arrived.set()

    async def _error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.errors.append(context.error)

    async def start(self) -> None:
        await self.application.initialize()
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(timeout=2, poll_interval=0)

    async def stop(self) -> None:
        assert self.application.updater is not None
        if self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def wait_for(self, count: int, within: float = 5.0) -> list[Update]:
        """Until `count` updates have arrived in all (at most `within` seconds); returns them all."""
        async with asyncio.timeout(within):
            while len(self.updates) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return self.updates
