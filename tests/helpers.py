"""Helpers the tests share: a clock tests move by hand, polling for a condition, the running bot, the CLI.

Fixtures live in conftest.py and build on these; tests import helpers from here, never from conftest.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bot.runtime import build_translator, start_polling, stop_polling
from bot.services import ServiceContext
from bot.telegram.application import build_application
from bot.telegram.context import LotseApplication
from fake_telegram import BotObserver, FakeTelegramServer, TelegramUser
from translations.machine import MachineTranslator

FIXED_NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
TEST_SECRET = b"test-secret-key"


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: dt.datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


async def eventually(check: Callable[[], object], timeout: float = 5.0) -> object:
    """Poll an async or sync check until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def with_machine(ctx: ServiceContext, machine: MachineTranslator | None) -> ServiceContext:
    """`ctx` with a translation service that uses `machine` (the tests' tiny Argos models)."""
    return ServiceContext(
        ctx.settings, ctx.db, ctx.kb, ctx.matcher, build_translator(ctx.db, ctx.kb, machine), ctx.clock
    )


class RunningBot:
    """The real python-telegram-bot Application, polling the fake Telegram over HTTP."""

    def __init__(self, server: FakeTelegramServer, token: str, ctx: ServiceContext) -> None:
        self.server = server
        self.token = token
        self.ctx = ctx
        self.application: LotseApplication | None = None
        self._users: list[TelegramUser] = []
        self.observer = BotObserver(server.url, token)

    async def start(self) -> None:
        application = build_application(
            self.ctx,
            token=self.token,
            base_url=self.server.base_url,
            base_file_url=self.server.base_file_url,
            secret=TEST_SECRET,
        )
        self.application = application
        await start_polling(application, poll_timeout=5)

    async def stop(self) -> None:
        if self.application is None:
            return
        await stop_polling(self.application)
        self.application = None

    def user(
        self, user_id: int | None = None, *, language_code: str | None = None, first_name: str = "Test"
    ) -> TelegramUser:
        user_id = user_id or (10_000 + len(self._users))
        user = TelegramUser(self.server.url, self.token, user_id, first_name=first_name, language_code=language_code)
        self._users.append(user)
        return user

    async def close(self) -> None:
        await self.stop()
        for user in self._users:
            await user.aclose()
        await self.observer.aclose()


def lotse(
    *args: str, env_extra: dict[str, str] | None = None, cwd: Path | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The `lotse` command in a process of its own, as an operator runs it (no token configured); `input` is
    piped to its standard input."""
    env = {**os.environ, **(env_extra or {})}
    env.pop("LOTSE_TELEGRAM_TOKEN", None)
    command = [sys.executable, "-m", "bot.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120, input=input)


_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u2066\u2067\u2068\u2069"))


def without_bidi_marks(text: str) -> str:
    """Text as a reader sees it: right-to-left marks and isolates are invisible."""
    return text.translate(_BIDI_MARKS)
