"""Telegram's sending limits, on by default: 30 messages a second per bot, a private chat 1 a second in
bursts of 3, a group 20 a minute; more is a 429 with retry_after. The bot's clock (advance) stands in
for waiting."""

from __future__ import annotations

import asyncio

from fake_telegram import FakeTelegramServer
from fake_telegram.limits import GROUP_PER_MINUTE, PER_BOT_PER_SECOND, PRIVATE_CHAT_BURST
from tests.integration.fake_telegram.wire import Wire

GROUP_ID = -4099
GROUP = {"id": GROUP_ID, "type": "group", "title": "Sprachcafé"}


async def _send(wire: Wire, chat_id: int, text: str = "x") -> tuple[int, dict]:
    return await wire.call("sendMessage", chat_id=chat_id, text=text)


async def test_a_private_chat_takes_a_burst_of_three_then_one_a_second(wire: Wire) -> None:
    await wire.send(701, "/start")
    for _ in range(PRIVATE_CHAT_BURST):
        assert (await _send(wire, 701))[0] == 200
    status, body = await _send(wire, 701)
    assert status == 429 and body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert len(await wire.messages(701)) == 1 + PRIVATE_CHAT_BURST  # the refused one is not in the chat
    await wire.post("/advance", {"seconds": 1})
    assert (await _send(wire, 701))[0] == 200
    assert (await _send(wire, 701))[0] == 429
    assert (await wire.state())["rate_limited"] == {"private_chat": 2}


async def test_what_does_not_count(wire: Wire) -> None:
    await wire.send(702, "/start")
    for _ in range(PRIVATE_CHAT_BURST):
        _, sent = await _send(wire, 702)
    message_id = sent["result"]["message_id"]
    for i in range(5):
        assert (await wire.call("sendChatAction", chat_id=702, action="typing"))[0] == 200
        status, _ = await wire.call("editMessageText", chat_id=702, message_id=message_id, text=f"edit {i}")
        assert status == 200
    assert (await _send(wire, 4242))[0] == 400  # a call that fails takes no place
    assert (await _send(wire, 703))[0] == 400


async def test_a_failed_call_gives_its_place_back(wire: Wire) -> None:
    await wire.send(704, "/start")
    for _ in range(PRIVATE_CHAT_BURST):
        status, _ = await wire.call("sendMessage", chat_id=704, text="<b>kaputt", parse_mode="HTML")
        assert status == 400
    for _ in range(PRIVATE_CHAT_BURST):
        assert (await _send(wire, 704))[0] == 200


async def test_thirty_messages_a_second_per_bot(wire: Wire) -> None:
    users = list(range(710, 710 + PER_BOT_PER_SECOND + 1))
    for user in users:
        await wire.send(user, "/start")
    results = await asyncio.gather(*(_send(wire, user) for user in users))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * PER_BOT_PER_SECOND + [429]
    assert (await wire.state())["rate_limited"] == {"per_bot": 1}
    await wire.post("/advance", {"seconds": 1})
    assert (await _send(wire, users[-1]))[0] == 200


async def test_twenty_messages_a_minute_per_group(wire: Wire) -> None:
    await wire.send(750, "/start@lotse_demo_bot", chat=GROUP)
    for _ in range(GROUP_PER_MINUTE):
        assert (await _send(wire, GROUP_ID))[0] == 200
        await wire.post("/advance", {"seconds": 1})  # keeps the per-bot window out of it
    status, body = await _send(wire, GROUP_ID)
    assert status == 429 and 30 <= body["parameters"]["retry_after"] <= 41
    await wire.post("/advance", {"seconds": body["parameters"]["retry_after"]})
    assert (await _send(wire, GROUP_ID))[0] == 200


async def test_limits_can_be_switched_off() -> None:
    server = FakeTelegramServer(["800:no-limits"], limits=False).start_in_thread()
    wire = Wire(server, "800:no-limits")
    try:
        await wire.send(801, "/start")
        for _ in range(10):
            assert (await _send(wire, 801))[0] == 200
    finally:
        await wire.aclose()
        server.stop()
