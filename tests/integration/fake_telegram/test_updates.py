"""Updates a bot must survive, injected through the client API and parsed by python-telegram-bot:
group messages, channel posts, edited messages, my_chat_member when a user blocks or unblocks the bot."""

from __future__ import annotations

from telegram import ChatMember, Update

from fake_telegram import FakeTelegramServer, TelegramChannel, TelegramGroup, TelegramUser
from fake_telegram.spec import shape_problems
from tests.integration.fake_telegram.wire import RecordingBot, Wire

GROUP_ID = -4012345678
GROUP = {"id": GROUP_ID, "type": "group", "title": "Deutschkurs Montag"}


async def test_group_messages_reach_the_bot_and_it_answers_in_the_group(
    telegram_server: FakeTelegramServer, token: str, wire: Wire, recording_bot: RecordingBot
) -> None:
    group = TelegramGroup(telegram_server.url, token, -4012345678, title="Deutschkurs Montag")
    user = TelegramUser(telegram_server.url, token, 501, first_name="Amira")
    try:
        sent = await group.send(user, "/start@lotse_demo_bot")
        assert sent["chat"] == GROUP and sent["from"]["id"] == 501
        assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 21}]
        [update] = await recording_bot.wait_for(1)
        assert update.effective_chat is not None and update.effective_chat.type == "group"
        assert update.message is not None and update.message.text == "/start@lotse_demo_bot"

        bot = recording_bot.application.bot
        await bot.send_message(GROUP_ID, "Hallo Gruppe")
        answer = await group.reply()
        assert answer.text == "Hallo Gruppe" and answer.raw["chat"] == GROUP
        assert [m["message"].get("text") for m in await wire.messages(GROUP_ID)] == [
            "/start@lotse_demo_bot",
            "Hallo Gruppe",
        ]
        await user.no_reply(within=0.2)  # nothing went to the private chat
    finally:
        await group.aclose()
        await user.aclose()


async def test_privacy_mode_hides_ordinary_group_chatter_from_the_bot(
    telegram_server: FakeTelegramServer, token: str, wire: Wire, recording_bot: RecordingBot
) -> None:
    await wire.send(502, "Hallo zusammen", chat=GROUP)  # not for the bot
    await wire.send(502, "/help@some_other_bot", chat=GROUP)  # for another bot
    await wire.send(502, "/help", chat=GROUP)
    await wire.send(502, "Frage an @lotse_demo_bot: wo ist das Amt?", chat=GROUP)
    updates = await recording_bot.wait_for(2)
    assert [u.message.text for u in updates if u.message] == ["/help", "Frage an @lotse_demo_bot: wo ist das Amt?"]
    bot_message = await recording_bot.application.bot.send_message(GROUP_ID, "Womit kann ich helfen?")
    await wire.send(502, "Mit dem Kindergeld", chat=GROUP, reply_to_message_id=bot_message.message_id)
    updates = await recording_bot.wait_for(3)
    reply = updates[-1].message
    assert reply is not None and reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == bot_message.message_id
    assert len(await wire.messages(GROUP_ID)) == 6  # the group itself has everything


async def test_a_bot_without_privacy_mode_reads_every_group_message(telegram_server: FakeTelegramServer) -> None:
    token = "777001:no-privacy"
    telegram_server.add_bot(token, can_read_all_group_messages=True)
    wire = Wire(telegram_server, token)
    bot = RecordingBot(telegram_server, token)
    await bot.start()
    try:
        await wire.send(503, "Hallo zusammen", chat={"id": -1001234567890, "type": "supergroup", "title": "Ukraine"})
        [update] = await bot.wait_for(1)
        assert update.effective_chat is not None and update.effective_chat.type == "supergroup"
        assert (await bot.application.bot.get_me()).can_read_all_group_messages is True
    finally:
        await bot.stop()
        await wire.aclose()


async def test_channel_posts_have_no_sender_user(
    telegram_server: FakeTelegramServer, token: str, recording_bot: RecordingBot
) -> None:
    channel = TelegramChannel(telegram_server.url, token, -1009876543210, title="Landkreis Nachrichten")
    try:
        post = await channel.post("Das Amt ist am Freitag geschlossen.")
        assert "from" not in post and post["sender_chat"]["type"] == "channel"
        await channel.edit(post, "Das Amt ist am Freitag und Montag geschlossen.")
        first, edited = await recording_bot.wait_for(2)
        assert first.channel_post is not None and first.channel_post.from_user is None
        assert edited.edited_channel_post is not None and edited.edited_channel_post.edit_date is not None
        await recording_bot.application.bot.send_message(-1009876543210, "Danke")
        answer = await channel.reply()
        assert "from" not in answer.raw and answer.raw["sender_chat"]["id"] == -1009876543210
    finally:
        await channel.aclose()


async def test_edited_messages(telegram_server: FakeTelegramServer, token: str, recording_bot: RecordingBot) -> None:
    user = TelegramUser(telegram_server.url, token, 504, language_code="uk")
    try:
        sent = await user.send("Kindergeld beantargen")
        edited = await user.edit(sent, "Kindergeld beantragen")
        assert edited["message_id"] == sent["message_id"] and edited["edit_date"] >= sent["date"]
        first, second = await recording_bot.wait_for(2)
        assert first.message is not None and first.message.text == "Kindergeld beantargen"
        assert second.edited_message is not None and second.edited_message.text == "Kindergeld beantragen"
        assert second.edited_message.edit_date is not None
        other = TelegramUser(telegram_server.url, token, 505)
        try:
            rejected = await other._http.post(
                "/edit", json={"user_id": 505, "chat_id": 504, "message_id": sent["message_id"], "text": "x"}
            )
            assert rejected.status_code == 400  # only the author edits a message
        finally:
            await other.aclose()
    finally:
        await user.aclose()


async def test_blocking_and_unblocking_the_bot_are_my_chat_member_updates(
    telegram_server: FakeTelegramServer, token: str, wire: Wire, recording_bot: RecordingBot
) -> None:
    user = TelegramUser(telegram_server.url, token, 506)
    try:
        await user.send("/start")
        await user.block_bot()
        await user.block_bot()  # no change, no update
        status, body = await wire.call("sendMessage", chat_id=506, text="hallo?")
        assert status == 403 and body["description"] == "Forbidden: bot was blocked by the user"
        await user.unblock_bot()
        updates = await recording_bot.wait_for(3)
        blocked, unblocked = updates[1].my_chat_member, updates[2].my_chat_member
        assert blocked is not None and unblocked is not None
        assert (blocked.old_chat_member.status, blocked.new_chat_member.status) == (
            ChatMember.MEMBER,
            ChatMember.BANNED,
        )
        assert (unblocked.old_chat_member.status, unblocked.new_chat_member.status) == (
            ChatMember.BANNED,
            ChatMember.MEMBER,
        )
        assert blocked.from_user.id == 506 and blocked.new_chat_member.user.id == recording_bot.application.bot.id
        status, _ = await wire.call("sendMessage", chat_id=506, text="willkommen zurück")
        assert status == 200
        assert not recording_bot.errors
    finally:
        await user.aclose()


async def test_every_injected_update_has_the_documented_shape(wire: Wire) -> None:
    await wire.send(507, "/start")
    await wire.send(507, "/start@lotse_demo_bot", chat=GROUP)
    await wire.post("/send", {"chat": {"id": -1009876543211, "type": "channel", "title": "Kanal"}, "text": "Post"})
    await wire.post("/block", {"user_id": 507, "blocked": True})
    await wire.post("/block", {"user_id": 507, "blocked": False})
    status, body = await wire.call("getUpdates", timeout=0)
    assert status == 200 and len(body["result"]) == 5
    for update in body["result"]:
        assert shape_problems("Update", update) == []
        assert Update.de_json(update, None) is not None


async def test_allowed_updates_is_remembered(wire: Wire) -> None:
    await wire.call("getUpdates", timeout=0, allowed_updates=["callback_query"])
    await wire.send(508, "not wanted now")
    _, body = await wire.call("getUpdates", timeout=0)
    assert body["result"] == []  # dropped, as Telegram does, not merely hidden
    await wire.call("getUpdates", timeout=0, allowed_updates=[])  # back to the default
    await wire.send(508, "wanted")
    _, body = await wire.call("getUpdates", timeout=0)
    assert [u["message"]["text"] for u in body["result"]] == ["wanted"]
