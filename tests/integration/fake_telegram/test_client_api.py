"""The client API refuses what Telegram would never deliver, with a clear 400, so that one odd input
cannot wedge getUpdates; registered tokens only; the fake's clock; the time of every message; the bot's
answers to button presses; a stop that does not wait for long polls."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, InvalidToken

from fake_telegram import BotObserver, FakeTelegramServer, TelegramUser
from tests.helpers import eventually
from tests.integration.fake_telegram.wire import RecordingBot, Wire

ODD_BODIES: list[Any] = [
    {"user_id": 1001, "text": "\ud800 lone surrogate"},
    {"user_id": 1001, "text": "nul \x00 inside"},
    {"user_id": 1001, "text": ""},
    {"user_id": 1001, "text": " \n "},
    {"user_id": 1001, "text": "😀" * 2049},  # 4098 UTF-16 units
    {"user_id": 1001, "text": 42},
    {"user_id": 1001, "text": ["a"]},
    {"user_id": 1001},
    {"user_id": 0, "text": "x"},
    {"user_id": -5, "text": "x"},
    {"user_id": 2**60, "text": "x"},
    {"user_id": 1.5, "text": "x"},
    {"user_id": True, "text": "x"},
    {"user_id": None, "text": "x"},
    {"user_id": "abc", "text": "x"},
    {"user_id": 1001, "text": "x", "first_name": ""},
    {"user_id": 1001, "text": "x", "first_name": "\ud83d"},
    {"user_id": 1001, "text": "x", "first_name": "n" * 65},
    {"user_id": 1001, "text": "x", "language_code": "<script>"},
    {"user_id": 1001, "text": "x", "language_code": 7},
    {"user_id": 1001, "kind": "hologram"},
    {"user_id": 1001, "text": "x", "chat": {"id": 5, "type": "group", "title": "positive id"}},
    {"user_id": 1001, "text": "x", "chat": {"id": -5, "type": "supergroup", "title": "no -100 prefix"}},
    {"user_id": 1001, "text": "x", "chat": {"id": -4001, "type": "castle", "title": "x"}},
    {"user_id": 1001, "text": "x", "chat": "-4001"},
    {"user_id": 1001, "text": "x", "reply_to_message_id": 999},
    [1, 2, 3],
    "just a string",
]


async def test_odd_inputs_are_refused_and_the_bot_still_gets_the_next_message(
    wire: Wire, recording_bot: RecordingBot
) -> None:
    for body in ODD_BODIES:
        status, answer = await wire.post("/send", body)
        assert status == 400 and answer["ok"] is False and answer["description"].startswith("Bad Request: "), body
    raw = await wire.http.post(
        f"/client/{wire.token}/send", content=b'{"user_id": 1001, "text": "\\ud800"}', headers={"content-type": "x"}
    )
    assert raw.status_code == 400
    broken = await wire.http.post(f"/client/{wire.token}/send", content=b"\xff\xfe not json")
    assert broken.status_code == 400
    for path, body in (
        ("/press", {"user_id": 1001, "message_id": 1, "data": "x" * 65}),
        ("/press", {"user_id": 1001, "message_id": 1, "data": ""}),
        ("/press", {"user_id": 1001, "message_id": "1", "data": "x"}),
        ("/block", {"user_id": 1001, "blocked": "no"}),
        ("/edit", {"user_id": 1001, "message_id": 1, "text": "\ud800"}),
        ("/advance", {"seconds": -1}),
    ):
        status, answer = await wire.post(path, body)
        assert status == 400, (path, body, answer)
    messages = await wire.http.get(f"/client/{wire.token}/messages", params={"chat_id": "x"})
    assert messages.status_code == 400

    await wire.send(1001, "  Wo melde ich mich an? 😀\n")
    [update] = await recording_bot.wait_for(1)
    assert update.message is not None and update.message.text == "Wo melde ich mich an? 😀"  # trimmed, as Telegram does
    assert not recording_bot.errors
    assert (await wire.state())["pending_updates"] <= 1


async def test_4096_utf16_units_is_the_most_a_user_can_send(wire: Wire) -> None:
    await wire.send(1002, "😀" * 2048)
    status, _ = await wire.post("/send", {"user_id": 1002, "text": "😀" * 2048 + "x"})
    assert status == 400


async def test_unknown_tokens_are_unauthorized(telegram_server: FakeTelegramServer) -> None:
    async with httpx.AsyncClient(base_url=telegram_server.url) as http:
        for path in ("/bot123456:never-registered/getMe", "/client/123456:never-registered/send"):
            response = await http.post(path, json={"user_id": 1, "text": "x"})
            assert response.status_code == 401 and response.json()["description"] == "Unauthorized"
    with pytest.raises(InvalidToken):
        async with Bot("123456:never-registered", base_url=telegram_server.base_url):
            pass  # initialize() calls getMe


async def test_bots_are_registered_from_any_thread(telegram_server: FakeTelegramServer) -> None:
    tokens = [f"55500{i}:from-thread" for i in range(5)]
    threads = [threading.Thread(target=telegram_server.add_bot, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    telegram_server.add_bot(tokens[0])  # again: keeps the bot
    for token in tokens:
        async with Bot(token, base_url=telegram_server.base_url) as bot:
            assert bot.id == int(token.split(":")[0])


async def test_callback_queries_expire_after_15_minutes(
    telegram_server: FakeTelegramServer, token: str, wire: Wire
) -> None:
    user = TelegramUser(telegram_server.url, token, 1003)
    observer = BotObserver(telegram_server.url, token)
    try:
        await user.send("/start")
        markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}]]}
        await wire.call("sendMessage", chat_id=1003, text="Weiter?", reply_markup=markup)
        question = await user.reply()
        fresh = await user.press(question, "Ja")
        old = await user.press(question, "Ja")
        await observer.advance(14 * 60)
        assert (await wire.call("answerCallbackQuery", callback_query_id=fresh["id"]))[0] == 200
        await observer.advance(61)
        status, body = await wire.call("answerCallbackQuery", callback_query_id=old["id"])
        assert status == 400
        assert body["description"] == (
            "Bad Request: query is too old and response timeout expired or query ID is invalid"
        )
        assert (await wire.call("answerCallbackQuery", callback_query_id="12345"))[0] == 400  # unknown
        assert (await wire.call("answerCallbackQuery", callback_query_id=fresh["id"]))[0] == 400  # answered
        late = await user.send("später")
        assert late["date"] >= int(time.time()) + 15 * 60  # message dates follow the clock
    finally:
        await user.aclose()
        await observer.aclose()


async def test_every_message_carries_the_time_it_was_recorded(
    telegram_server: FakeTelegramServer, token: str, wire: Wire
) -> None:
    before = time.time()
    await wire.send(1004, "Hallo")
    await asyncio.sleep(0.05)
    async with Bot(token, base_url=telegram_server.base_url) as bot:
        sent = await bot.send_message(1004, "Guten Tag")
        items = await wire.messages(1004)
        assert [sorted(item) for item in items] == [["by_bot", "deleted", "edited", "message", "seq", "time"]] * 2
        user_time, bot_time = (item["time"] for item in items)
        assert before <= user_time < bot_time <= time.time()
        await bot.edit_message_text("Guten Tag!", chat_id=1004, message_id=sent.message_id)
        [edited] = await wire.messages(1004, after=items[-1]["seq"])
        assert edited["edited"] and edited["time"] >= bot_time
        with pytest.raises(BadRequest):
            await bot.send_message(1004, "<b>unclosed", parse_mode="HTML")


async def test_the_bots_answer_to_a_button_press_is_kept_for_the_users_app(
    telegram_server: FakeTelegramServer, token: str, wire: Wire
) -> None:
    """What a Telegram app shows after a press (answerCallbackQuery's text, as a notice or an alert): the
    client API gives it per press, waiting for it like the app does."""
    user = TelegramUser(telegram_server.url, token, 1005)
    try:
        await user.send("/start")
        markup = {
            "inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}, {"text": "Nein", "callback_data": "no"}]]
        }
        await wire.call("sendMessage", chat_id=1005, text="Hat das geholfen?", reply_markup=markup)
        question = await user.reply()
        yes = await user.press(question, "Ja")
        no = await user.press(question, "Nein")
        path = f"/client/{token}/callback_answer"
        not_yet = await wire.http.get(path, params={"callback_query_id": yes["id"]})
        assert not_yet.json() == {"ok": True, "result": None}

        waiting = asyncio.ensure_future(wire.http.get(path, params={"callback_query_id": yes["id"], "wait": 20}))
        started = time.monotonic()
        await wire.call("answerCallbackQuery", callback_query_id=yes["id"], text="Danke!")
        answer = (await waiting).json()["result"]
        assert time.monotonic() - started < 5  # answered when the bot answered, not after the wait
        assert answer == {
            "callback_query_id": yes["id"],
            "text": "Danke!",
            "show_alert": False,
            "url": None,
            "user_id": 1005,
            "chat_id": 1005,
            "message_id": question.message_id,
        }
        await wire.call("answerCallbackQuery", callback_query_id=no["id"], text="Schade.", show_alert="true")
        alert = (await wire.http.get(path, params={"callback_query_id": no["id"], "wait": 1})).json()["result"]
        assert alert["text"] == "Schade." and alert["show_alert"] is True
        assert (await wire.state())["callback_answers"] == [answer, alert]  # the same records, in order

        unknown = await wire.http.get(path, params={"callback_query_id": "404", "wait": 5})
        assert unknown.status_code == 400 and "not found" in unknown.json()["description"]
        assert (await wire.http.get(path)).status_code == 400
    finally:
        await user.aclose()


async def test_stopping_the_server_answers_waiting_long_polls_at_once() -> None:
    """A browser tab waiting for messages and a bot waiting in getUpdates get their (empty) answers when the
    server stops, instead of holding the shutdown up until their connections are cut."""
    token = "100003:stop-test"
    server = FakeTelegramServer([token]).start_in_thread()
    assert server.api is not None
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        assert (await http.get(f"/client/{token}/state")).status_code == 200  # a kept-alive idle connection too
        page = asyncio.ensure_future(http.get(f"/client/{token}/messages", params={"chat_id": 5, "wait": 25}))
        bot = asyncio.ensure_future(http.post(f"/bot{token}/getUpdates", json={"timeout": 25}))
        await eventually(lambda: server.api is not None and server.api.bot(token).polls_waiting == 1)
        await asyncio.sleep(0.2)  # the page's poll is waiting too (it has no counter)
        started = time.monotonic()
        await asyncio.to_thread(server.stop)
        stopped_in = time.monotonic() - started
        page_answer, bot_answer = await asyncio.gather(page, bot)
    assert page_answer.json() == {"ok": True, "result": []}
    assert bot_answer.json() == {"ok": True, "result": []}
    assert stopped_in < 0.9, stopped_in  # uvicorn would cut waiting requests after 1 s, with an error logged
