"""The Bot API methods the fake implements, as Telegram answers them (results and errors).

Each method is `async def method(state, params) -> result` and raises BotApiError; METHODS maps the
lower-case method name to it. getUpdates is in `fake_telegram.polling`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from fake_telegram.entities import fix_entities, trim
from fake_telegram.errors import BotApiError, bad_request
from fake_telegram.files import bot_document
from fake_telegram.html import EntityParseError, parse_html, utf16_len
from fake_telegram.polling import get_updates
from fake_telegram.state import BotState, SentMessage

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
CALLBACK_QUERY_TTL = 15 * 60  # seconds: older queries can no longer be answered
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as "
    "a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}  # fmt: skip

Method = Callable[[BotState, dict[str, Any]], Awaitable[Any]]


# --- chats and message content ------------------------------------------------------------------


def chat_for_sending(state: BotState, chat_id: Any) -> tuple[int, dict[str, Any]]:
    """The chat a bot addresses by `chat_id` and its Chat object (400 if unknown, 403 if blocked)."""
    try:
        chat = int(chat_id)
    except (TypeError, ValueError):
        raise bad_request("chat not found") from None
    if chat > 0:
        user = state.users.get(chat)
        if user is None:
            raise bad_request("chat not found")
        if user.blocked_bot:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        return chat, user.private_chat()
    group = state.groups.get(chat)
    if group is None:
        raise bad_request("chat not found")
    return chat, group.json()


def new_bot_message(state: BotState, chat_id: int, chat: dict[str, Any]) -> dict[str, Any]:
    """The head of a message the bot sends; in a channel it is signed by the channel, not the bot."""
    message: dict[str, Any] = {"message_id": state.next_message_id(chat_id)}
    if chat["type"] == "channel":
        message["sender_chat"] = chat
    else:
        message["from"] = state.bot_user
    message["chat"] = chat
    message["date"] = int(state.now())
    return message


def text_and_entities(
    state: BotState, params: dict[str, Any], key: str = "text", limit: int = MAX_TEXT
) -> tuple[str, list[dict[str, Any]]]:
    """The text as Telegram stores it (entities parsed, trimmed) and its entities; length in UTF-16 units."""
    raw = str(params.get(key, ""))
    mode = (params.get("parse_mode") or "").lower()
    if mode == "html":
        try:
            text, entities = parse_html(raw, user=lambda user_id: _known_user(state, user_id))
        except EntityParseError as exc:
            raise BotApiError(400, str(exc)) from exc
    elif mode in ("markdown", "markdownv2"):
        raise bad_request("this fake Bot API server only supports parse_mode HTML")
    elif mode:
        raise bad_request(f"unsupported parse_mode {params.get('parse_mode')}")
    else:
        given = params.get(f"{key}_entities" if key == "caption" else "entities") or []
        if not isinstance(given, list) or not all(_entity_ok(e) for e in given):
            raise bad_request("can't parse entities JSON object")
        text, entities = raw, fix_entities(given)
    text, entities = trim(text, entities)
    if not text:
        raise bad_request("message text is empty" if key == "text" else "message caption is empty")
    if utf16_len(text) > limit:
        raise bad_request("message is too long" if key == "text" else "message caption is too long")
    return text, entities


def _entity_ok(entity: Any) -> bool:
    return (
        isinstance(entity, dict)
        and isinstance(entity.get("type"), str)
        and all(isinstance(entity.get(k), int) and not isinstance(entity.get(k), bool) for k in ("offset", "length"))
        and entity["offset"] >= 0
    )


def _known_user(state: BotState, user_id: int) -> dict[str, Any] | None:
    user = state.users.get(user_id)
    return None if user is None else user.json()


def check_markup(markup: Any) -> dict[str, Any] | None:
    if markup in (None, ""):
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup  # reply keyboards etc. are stored as given
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = str(button["callback_data"]).encode("utf-8", "surrogatepass")
                if not 1 <= len(data) <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif "url" in button:
                if not re.match(r"^(https?|tg)://", str(button["url"])):
                    raise bad_request("BUTTON_URL_INVALID")
            else:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
    return markup


# --- the bot and its webhook ----------------------------------------------------------------------


async def get_me(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    return state.bot_user


async def log_out(state: BotState, params: dict[str, Any]) -> bool:
    return True


async def delete_webhook(state: BotState, params: dict[str, Any]) -> bool:
    state.webhook_url = ""
    if params.get("drop_pending_updates"):
        state.updates.clear()
    return True


async def set_webhook(state: BotState, params: dict[str, Any]) -> bool:
    url = str(params.get("url", ""))
    if url and not url.startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    state.webhook_url = url
    return True


async def get_webhook_info(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    return {"url": state.webhook_url, "has_custom_certificate": False, "pending_update_count": len(state.updates)}


# --- messages ------------------------------------------------------------------------------------------


async def send_message(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    chat_id, chat = chat_for_sending(state, params.get("chat_id"))
    text, entities = text_and_entities(state, params)
    markup = check_markup(params.get("reply_markup"))
    message = new_bot_message(state, chat_id, chat)
    message["text"] = text
    if entities:
        message["entities"] = entities
    if markup and "inline_keyboard" in markup:
        message["reply_markup"] = markup
    state.record(chat_id, message, by_bot=True)
    await state.notify()
    return message


async def send_chat_action(state: BotState, params: dict[str, Any]) -> bool:
    chat_id, _ = chat_for_sending(state, params.get("chat_id"))
    if params.get("action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    state.chat_actions.append({"chat_id": chat_id, "action": params["action"], "time": state.now()})
    return True


async def send_document(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    chat_id, chat = chat_for_sending(state, params.get("chat_id"))
    document = params.get("document")
    if not document:
        raise bad_request("there is no document in the request")
    caption = text_and_entities(state, params, "caption", MAX_CAPTION) if params.get("caption") else None
    file = bot_document(state, document)
    message = new_bot_message(state, chat_id, chat)
    message["document"] = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_name": file.file_name or "document",
        "mime_type": file.mime_type,
        "file_size": file.size,
    }
    if caption is not None:
        message["caption"] = caption[0]
        if caption[1]:
            message["caption_entities"] = caption[1]
    state.record(chat_id, message, by_bot=True)
    await state.notify()
    return message


async def get_file(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    """A File with the `file_path` to download it from (see `fake_telegram.files`)."""
    return state.files.get_file(str(params.get("file_id", "")))


def _bot_message(state: BotState, params: dict[str, Any]) -> SentMessage:
    if params.get("inline_message_id"):
        raise bad_request("inline messages are not supported by this fake server")
    chat_id, _ = chat_for_sending(state, params.get("chat_id"))
    target = state.find_message(chat_id, _int(params.get("message_id")))
    if target is None:
        raise bad_request("message to edit not found")
    if not target.by_bot:
        raise bad_request("message can't be edited")
    return target


async def edit_message_text(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    target = _bot_message(state, params)
    text, entities = text_and_entities(state, params)
    markup = check_markup(params.get("reply_markup"))
    old = target.message
    if old.get("text") == text and old.get("entities", []) == entities and old.get("reply_markup") == markup:
        raise BotApiError(400, NOT_MODIFIED)
    message = {k: v for k, v in old.items() if k not in ("entities", "reply_markup")}
    message["text"] = text
    if entities:
        message["entities"] = entities
    if markup:
        message["reply_markup"] = markup
    return await _replace(state, target, message)


async def edit_message_reply_markup(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    target = _bot_message(state, params)
    markup = check_markup(params.get("reply_markup"))
    old = target.message
    if old.get("reply_markup") == markup:
        raise BotApiError(400, NOT_MODIFIED)
    message = {k: v for k, v in old.items() if k != "reply_markup"}
    if markup:
        message["reply_markup"] = markup
    return await _replace(state, target, message)


async def _replace(state: BotState, target: SentMessage, message: dict[str, Any]) -> dict[str, Any]:
    message["edit_date"] = int(state.now())
    state.replace(target, message)
    await state.notify()
    return message


async def delete_message(state: BotState, params: dict[str, Any]) -> bool:
    chat_id, _ = chat_for_sending(state, params.get("chat_id"))
    target = state.find_message(chat_id, _int(params.get("message_id")))
    if target is None:
        raise bad_request("message to delete not found")
    state.replace(target, deleted=True)
    await state.notify()
    return True


async def answer_callback_query(state: BotState, params: dict[str, Any]) -> bool:
    entry = state.callback_queries.get(str(params.get("callback_query_id")))
    if entry is None or entry["answered"] or state.monotonic() - entry["time"] > CALLBACK_QUERY_TTL:
        raise BotApiError(400, QUERY_TOO_OLD)
    text = params.get("text")
    if text is not None and len(str(text)) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    entry["answered"] = True
    query = entry["query"]
    answer = {
        "callback_query_id": params["callback_query_id"],
        "text": text,
        "show_alert": bool(params.get("show_alert")),
        "url": params.get("url"),
        "user_id": query["from"]["id"],
        "chat_id": query["message"]["chat"]["id"],
        "message_id": query["message"]["message_id"],
    }
    entry["answer"] = answer  # per query, for the client API's callback_answer (the app shows the text)
    state.callback_answers.append(answer)
    await state.notify()
    return True


# --- commands and chats ----------------------------------------------------------------------------


def _scope(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict):
        raise bad_request("can't parse BotCommandScope JSON object")
    return str(scope.get("type")), str(params.get("language_code") or "")


async def set_my_commands(state: BotState, params: dict[str, Any]) -> bool:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 commands")
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description must be 1-256 characters")
    scope, language = _scope(params)
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    state.commands[(scope, language)] = commands
    return True


async def get_my_commands(state: BotState, params: dict[str, Any]) -> list[dict[str, str]]:
    return state.commands.get(_scope(params), [])


async def delete_my_commands(state: BotState, params: dict[str, Any]) -> bool:
    state.commands.pop(_scope(params), None)
    return True


async def get_chat(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    chat_id = _int(params.get("chat_id"))
    user = state.users.get(chat_id)
    group = state.groups.get(chat_id)
    if user is None and group is None:
        raise bad_request("chat not found")
    chat = user.private_chat() if user is not None else group.json() if group is not None else {}
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


METHODS: dict[str, Method] = {
    "getme": get_me,
    "logout": log_out,
    "close": log_out,
    "deletewebhook": delete_webhook,
    "setwebhook": set_webhook,
    "getwebhookinfo": get_webhook_info,
    "getupdates": get_updates,
    "sendmessage": send_message,
    "sendchataction": send_chat_action,
    "senddocument": send_document,
    "getfile": get_file,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "getchat": get_chat,
}
