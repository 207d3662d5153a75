"""Fixtures for the fake Bot API's own tests (helpers in wire.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from fake_telegram import FakeTelegramServer
from tests.integration.fake_telegram.wire import RecordingBot, Wire


@pytest_asyncio.fixture
async def wire(telegram_server: FakeTelegramServer, token: str) -> AsyncIterator[Wire]:
    client = Wire(telegram_server, token)
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def recording_bot(telegram_server: FakeTelegramServer, token: str) -> AsyncIterator[RecordingBot]:
    bot = RecordingBot(telegram_server, token)
    await bot.start()
    yield bot
    await bot.stop()
