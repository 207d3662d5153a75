"""The user side: what people do in Telegram that reaches the bot as updates.

A user writes (in the private chat, or in a group the bot is in), edits a message, taps an inline
button, blocks or unblocks the bot; a channel the bot administers publishes a post. Inputs are already
type-checked by the client API (`fake_telegram.client`); these functions apply Telegram's rules:

- privacy mode (the default for bots, `can_read_all_group_messages: false` in getMe): in groups the bot
  receives only commands (`/cmd`, or `/cmd@its_name`), replies to its messages and mentions of it;
- blocking or unblocking the bot is a `my_chat_member` update (member -> kicked, kicked -> member);
- every update is checked against the Bot API's documented shape before it is queued;
- photos and documents carry bytes (sent by the client, or a placeholder) the bot can get with getFile.
"""

from __future__ import annotations

from typing import Any

from fake_telegram.errors import bad_request
from fake_telegram.files import Upload, user_media
from fake_telegram.html import utf16_len
from fake_telegram.state import BotState, FakeUser

MEDIA_KINDS = ("sticker", "photo", "voice", "location", "document", "video")
CAPTIONED_KINDS = ("photo", "document", "video", "voice")


async def user_sends(
    state: BotState,
    user_id: int | None,
    *,
    text: str | None = None,
    first_name: str | None = None,
    language_code: str | None = None,
    kind: str = "text",
    chat: dict[str, Any] | None = None,
    reply_to_message_id: int | None = None,
    caption: str | None = None,
    upload: Upload | None = None,
) -> dict[str, Any]:
    """A user writes to the bot (or in a group, or a channel posts); returns the Message.

    Media (`kind` photo, document, ...) carry the bytes of `upload`, or a placeholder, and an optional
    caption; the file is kept for getFile (see `fake_telegram.files`)."""
    chat_id, chat_json, user = _chat(state, user_id, first_name, language_code, chat)
    message: dict[str, Any] = {"message_id": state.next_message_id(chat_id)}
    if user is not None:
        message["from"] = user.json()
    else:
        message["sender_chat"] = chat_json
    message["chat"] = chat_json
    message["date"] = int(state.now())
    if reply_to_message_id is not None:
        target = state.find_message(chat_id, reply_to_message_id)
        if target is None:
            raise bad_request("message to be replied not found")
        message["reply_to_message"] = {k: v for k, v in target.message.items() if k != "reply_to_message"}
    file = None
    if kind == "text":
        if not text:
            raise bad_request("message text is empty")
        if caption is not None or upload is not None:
            raise bad_request("a text message has no caption and no file")
        _set_text(message, text)
    else:
        media, file = user_media(state, kind, upload)
        message.update(media)
        if caption is not None:
            if kind not in CAPTIONED_KINDS:
                raise bad_request(f"a {kind} has no caption")
            _set_text(message, caption, "caption")
    kind_name = "channel_post" if chat_json["type"] == "channel" else "message"
    update = state.make_update(kind_name, message)
    if file is not None:
        state.files.add(file)
    state.record(chat_id, message, by_bot=False)
    if _reaches_bot(state, message):
        await state.queue(update)
    return message


async def user_edits(
    state: BotState, user_id: int | None, message_id: int, text: str, chat_id: int | None = None
) -> dict[str, Any]:
    """A user edits one of their text messages (or a channel its post): an edited_message update."""
    chat = chat_id if chat_id is not None else user_id
    if chat is None:
        raise bad_request("user_id or chat_id is required")
    sent = state.find_message(chat, message_id)
    if sent is None:
        raise bad_request("message to edit not found")
    sender = sent.message.get("from", {}).get("id")
    if sent.by_bot or (user_id is not None and sender != user_id) or (user_id is None and sender is not None):
        raise bad_request("message can't be edited")
    if "text" not in sent.message:
        raise bad_request("there is no text in the message to edit")
    if sent.message["text"] == text:
        raise bad_request("message is not modified")
    message = {k: v for k, v in sent.message.items() if k != "entities"}
    _set_text(message, text)
    message["edit_date"] = max(int(state.now()), message["date"])
    kind_name = "edited_channel_post" if message["chat"]["type"] == "channel" else "edited_message"
    update = state.make_update(kind_name, message)
    state.replace(sent, message)
    if _reaches_bot(state, message):
        await state.queue(update)
    else:
        await state.notify()
    return message


async def user_presses(
    state: BotState, user_id: int, message_id: int, data: str, chat_id: int | None = None
) -> dict[str, Any]:
    """A user taps an inline button (any data: a client can forge it) on one of the bot's messages."""
    user = state.user(user_id)
    chat = user_id if chat_id is None else chat_id
    target = state.find_message(chat, message_id)
    if target is None or not target.by_bot:
        raise bad_request("message not found")
    query_id = str(state.next_seq() * 7919 + user_id)
    query = {
        "id": query_id,
        "from": user.json(),
        "message": target.message,
        "chat_instance": str(abs(hash((state.token, chat))) % 10**12),
        "data": data,
    }
    update = state.make_update("callback_query", query)
    state.callback_queries[query_id] = {"query": query, "answered": False, "time": state.monotonic()}
    await state.queue(update)
    return query


async def set_blocked(state: BotState, user_id: int, blocked: bool) -> dict[str, Any] | None:
    """A user blocks the bot (or unblocks / restarts it): Telegram tells the bot with my_chat_member."""
    user = state.user(user_id)
    if user.blocked_bot == blocked:
        return None
    old, new = ("member", "kicked") if blocked else ("kicked", "member")
    payload = {
        "chat": user.private_chat(),
        "from": user.json(),
        "date": int(state.now()),
        "old_chat_member": _member(state, old),
        "new_chat_member": _member(state, new),
    }
    update = state.make_update("my_chat_member", payload)
    user.blocked_bot = blocked
    await state.queue(update)
    return payload


def _member(state: BotState, status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": state.bot_user}
    if status == "kicked":
        member["until_date"] = 0  # forever
    return member


def _chat(
    state: BotState,
    user_id: int | None,
    first_name: str | None,
    language_code: str | None,
    chat: dict[str, Any] | None,
) -> tuple[int, dict[str, Any], FakeUser | None]:
    chat_type = (chat or {}).get("type", "private")
    if chat_type == "channel":
        assert chat is not None
        return chat["id"], state.group(chat["id"], "channel", chat["title"]).json(), None
    if user_id is None:
        raise bad_request("user_id is required")
    user = state.user(user_id, first_name, language_code)
    if chat is None or chat_type == "private":
        return user.id, user.private_chat(), user
    return chat["id"], state.group(chat["id"], chat_type, chat["title"]).json(), user


def _set_text(message: dict[str, Any], text: str, key: str = "text") -> None:
    """The text (or caption) and, for a command, its bot_command entity, as Telegram apps send it."""
    message[key] = text
    if text.startswith("/"):
        command = text.split()[0]
        entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        message["entities" if key == "text" else f"{key}_entities"] = entities


def _reaches_bot(state: BotState, message: dict[str, Any]) -> bool:
    """Whether Telegram delivers this message to the bot (privacy mode in groups)."""
    if message["chat"]["type"] in ("private", "channel") or state.bot_user.get("can_read_all_group_messages"):
        return True
    text = str(message.get("text") or message.get("caption") or "")
    name = state.username.lower()
    if text.startswith("/"):
        _, at, addressee = text.split()[0].partition("@")
        return not at or addressee.lower() == name
    replied = message.get("reply_to_message", {}).get("from", {})
    return bool(replied.get("is_bot") and replied.get("id") == state.bot_user["id"]) or f"@{name}" in text.lower()
