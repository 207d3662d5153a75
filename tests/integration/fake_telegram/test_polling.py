"""getUpdates as Telegram answers it: a newer long poll terminates the older one (409 for the older, as
Telegram's Bot API server does), a poll whose client went away ends, and a bot stopped and started again
on the same token gets its updates at once."""

from __future__ import annotations

import asyncio
import time

import httpx

from fake_telegram import FakeTelegramServer
from fake_telegram.polling import CONFLICT
from tests.helpers import eventually
from tests.integration.fake_telegram.wire import RecordingBot, Wire


async def test_a_second_long_poll_terminates_the_first(wire: Wire) -> None:
    first = asyncio.create_task(wire.call("getUpdates", timeout=5))
    await asyncio.sleep(0.3)
    second = asyncio.create_task(wire.call("getUpdates", timeout=5))
    status, body = await first
    assert status == 409 and body["description"] == CONFLICT
    await wire.send(901, "für den zweiten")
    status, body = await second
    assert status == 200 and [u["message"]["text"] for u in body["result"]] == ["für den zweiten"]


async def test_conflicts_come_at_most_every_three_seconds(wire: Wire) -> None:
    polls = []
    for _ in range(3):
        polls.append(asyncio.create_task(wire.call("getUpdates", timeout=10)))
        await asyncio.sleep(0.2)
    started = time.monotonic()
    first = await polls[0]
    assert first[0] == 409 and time.monotonic() - started < 1
    second = await polls[1]
    assert second[0] == 409 and time.monotonic() - started > 2.5  # a second conflict within 3 s waits
    polls[2].cancel()


async def test_a_poll_whose_client_went_away_ends(telegram_server: FakeTelegramServer, token: str, wire: Wire) -> None:
    async with httpx.AsyncClient(base_url=telegram_server.url, timeout=1.0) as impatient:
        poll = asyncio.create_task(impatient.post(f"/bot{token}/getUpdates", json={"timeout": 30}))
        await asyncio.sleep(0.3)
        assert (await wire.state())["polls_waiting"] == 1
        try:
            await poll
        except httpx.ReadTimeout:  # the client gives up and closes the connection
            pass
    await asyncio.sleep(0.6)  # the server notices within a quarter of a second
    assert (await wire.state())["polls_waiting"] == 0
    await wire.send(902, "da")
    status, body = await wire.call("getUpdates", timeout=5)
    assert status == 200 and len(body["result"]) == 1


async def test_a_stopped_bot_started_again_gets_its_updates_at_once(
    telegram_server: FakeTelegramServer, token: str, wire: Wire
) -> None:
    first = RecordingBot(telegram_server, token)
    await first.start()
    await wire.send(903, "eins")
    await first.wait_for(1)
    await asyncio.sleep(0.3)  # its next long poll is waiting now
    await first.stop()
    await wire.send(903, "zwei")
    second = RecordingBot(telegram_server, token)
    started = time.monotonic()
    await second.start()
    try:
        [update] = await second.wait_for(1, within=2)
        assert update.message is not None and update.message.text == "zwei"  # "eins" was confirmed
        assert time.monotonic() - started < 2
        assert not second.errors
    finally:
        await second.stop()


async def test_two_running_bots_conflict_but_neither_is_locked_out(
    telegram_server: FakeTelegramServer, token: str, wire: Wire
) -> None:
    first = RecordingBot(telegram_server, token)
    second = RecordingBot(telegram_server, token)
    await first.start()
    await asyncio.sleep(0.3)
    await second.start()
    try:
        await asyncio.sleep(0.5)
        await wire.send(904, "wer bekommt das?")
        await eventually(lambda: first.updates or second.updates)
    finally:
        await second.stop()
        await first.stop()
