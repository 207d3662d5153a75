"""The state and behaviour of a fake Telegram Bot API: one bot, its users, chats, messages and updates.

It answers like Telegram does (result shapes from the Bot API reference, errors with Telegram's codes
and descriptions, 429 with `retry_after`, 409 on competing getUpdates) and lets a test driver or the
demo's browser chat act as users: send text and other messages, press inline buttons, block the bot.
All methods run on one asyncio event loop (the server's).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from fake_telegram.html import EntityParseError, parse_html, utf16_len
from fake_telegram.spec import ParameterError, coerce_params, method_fields

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as "
    "a current content and reply markup of the message"
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}  # fmt: skip


class BotApiError(Exception):
    """An error answer: HTTP status = error_code, as Telegram sends it."""

    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class InjectedFailure:
    method: str
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class SentMessage:
    """A message in a chat, with a sequence number so clients can wait for what is new."""

    seq: int
    message: dict[str, Any]
    edited: bool = False
    deleted: bool = False


@dataclass
class FakeUser:
    id: int
    first_name: str
    language_code: str | None
    blocked_bot: bool = False


@dataclass
class BotState:
    token: str
    bot_user: dict[str, Any]
    users: dict[int, FakeUser] = field(default_factory=dict)
    chats: dict[int, list[SentMessage]] = field(default_factory=dict)
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    next_update_id: int = 1
    callback_queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    chat_actions: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    failures: list[InjectedFailure] = field(default_factory=list)
    webhook_url: str = ""


class FakeBotApi:
    """All bots the fake server knows, by token."""

    def __init__(self, tokens: list[str] | None = None, *, accept_any_token: bool = False) -> None:
        self.accept_any_token = accept_any_token
        self.bots: dict[str, BotState] = {}
        self._seq = itertools.count(1)
        self._message_ids: dict[tuple[str, int], itertools.count] = {}
        self._changed = asyncio.Condition()
        self._polls: dict[str, int] = {}
        for token in tokens or []:
            self.add_bot(token)

    # --- bots and users ----------------------------------------------------------------------

    def add_bot(self, token: str, username: str = "lotse_demo_bot", first_name: str = "Lotse") -> BotState:
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1000
        state = BotState(
            token=token,
            bot_user={
                "id": bot_id,
                "is_bot": True,
                "first_name": first_name,
                "username": username,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            },
        )
        self.bots[token] = state
        return state

    def bot(self, token: str) -> BotState:
        state = self.bots.get(token)
        if state is None:
            if self.accept_any_token and re.fullmatch(r"\d+:[A-Za-z0-9_-]+", token):
                return self.add_bot(token)
            raise BotApiError(401, "Unauthorized")
        return state

    def _user(
        self, state: BotState, user_id: int, first_name: str | None = None, language_code: str | None = None
    ) -> FakeUser:
        user = state.users.get(user_id)
        if user is None:
            user = FakeUser(user_id, first_name or f"User {user_id}", language_code)
            state.users[user_id] = user
            state.chats.setdefault(user_id, [])
        elif language_code is not None:
            user.language_code = language_code
        return user

    @staticmethod
    def _user_json(user: FakeUser) -> dict[str, Any]:
        data: dict[str, Any] = {"id": user.id, "is_bot": False, "first_name": user.first_name}
        if user.language_code:
            data["language_code"] = user.language_code
        return data

    @staticmethod
    def _chat_json(user: FakeUser) -> dict[str, Any]:
        return {"id": user.id, "type": "private", "first_name": user.first_name}

    def _next_message_id(self, token: str, chat_id: int) -> int:
        counter = self._message_ids.setdefault((token, chat_id), itertools.count(1))
        return next(counter)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _push_update(self, state: BotState, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": state.next_update_id, kind: payload}
        state.next_update_id += 1
        state.updates.append(update)
        await self._notify()
        return update

    # --- the user side (test driver, browser chat) --------------------------------------------

    async def user_sends(
        self,
        token: str,
        user_id: int,
        *,
        text: str | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
        kind: str = "text",
    ) -> dict[str, Any]:
        """A user writes to the bot; returns the Message the bot will receive as an update."""
        state = self.bot(token)
        user = self._user(state, user_id, first_name, language_code)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(token, user_id),
            "from": self._user_json(user),
            "chat": self._chat_json(user),
            "date": int(time.time()),
        }
        if kind == "text":
            if not text:
                raise BotApiError(400, "Bad Request: message text is empty")
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        else:
            message.update(_media(kind, message["message_id"]))
        state.chats[user_id].append(SentMessage(next(self._seq), message))
        await self._push_update(state, "message", message)
        return message

    async def user_presses(self, token: str, user_id: int, message_id: int, data: str) -> dict[str, Any]:
        """A user taps an inline button (any data: a client can forge it) on one of the bot's messages."""
        state = self.bot(token)
        user = self._user(state, user_id)
        target = self._find_message(state, user_id, message_id)
        if target is None or not target.message["from"].get("is_bot"):
            raise BotApiError(400, "Bad Request: message not found")
        query_id = str(next(self._seq) * 7919 + user_id)
        query = {
            "id": query_id,
            "from": self._user_json(user),
            "message": target.message,
            "chat_instance": str(abs(hash((token, user_id))) % 10**12),
            "data": data,
        }
        state.callback_queries[query_id] = {"query": query, "answered": False, "time": time.monotonic()}
        await self._push_update(state, "callback_query", query)
        return query

    def block(self, token: str, user_id: int, blocked: bool = True) -> None:
        state = self.bot(token)
        self._user(state, user_id).blocked_bot = blocked

    def inject_failure(
        self,
        token: str,
        method: str,
        error_code: int,
        description: str,
        *,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        self.bot(token).failures.append(InjectedFailure(method, error_code, description, retry_after, count))

    def messages(self, token: str, chat_id: int, after: int = 0) -> list[dict[str, Any]]:
        """Messages of a chat (both sides) changed after sequence number `after`, oldest first."""
        state = self.bot(token)
        return [
            {"seq": m.seq, "edited": m.edited, "deleted": m.deleted, "message": m.message}
            for m in state.chats.get(chat_id, [])
            if m.seq > after
        ]

    async def wait_messages(self, token: str, chat_id: int, after: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages(token, chat_id, after) if m["message"]["from"].get("is_bot")]
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    pass

    @staticmethod
    def _find_message(state: BotState, chat_id: int, message_id: int) -> SentMessage | None:
        for sent in state.chats.get(chat_id, []):
            if sent.message["message_id"] == message_id and not sent.deleted:
                return sent
        return None

    # --- the bot side: Bot API methods ---------------------------------------------------------

    async def call(self, token: str, method: str, raw_params: dict[str, Any]) -> Any:
        """Run one Bot API method; returns the `result` or raises BotApiError."""
        state = self.bot(token)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if method_fields(method) is None:
            raise BotApiError(404, "Not Found")
        try:
            params = coerce_params(method, raw_params)
        except ParameterError as exc:
            raise BotApiError(400, str(exc)) from exc
        state.calls.append({"method": method, "params": params, "time": time.time()})
        for failure in state.failures:
            if failure.method == method and failure.remaining > 0:
                failure.remaining -= 1
                parameters = {"retry_after": failure.retry_after} if failure.retry_after is not None else None
                raise BotApiError(failure.error_code, failure.description, parameters)
        if handler is None:
            raise BotApiError(400, f"Bad Request: method {method} is not supported by this fake Bot API server")
        return await handler(state, params)

    async def _m_getme(self, state: BotState, params: dict[str, Any]) -> dict[str, Any]:
        return state.bot_user

    async def _m_logout(self, state: BotState, params: dict[str, Any]) -> bool:
        return True

    async def _m_close(self, state: BotState, params: dict[str, Any]) -> bool:
        return True

    async def _m_deletewebhook(self, state: BotState, params: dict[str, Any]) -> bool:
        state.webhook_url = ""
        if params.get("drop_pending_updates"):
            state.updates.clear()
        return True

    async def _m_setwebhook(self, state: BotState, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        if url and not url.startswith("https://"):
            raise BotApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        state.webhook_url = url
        return True

    async def _m_getwebhookinfo(self, state: BotState, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": state.webhook_url, "has_custom_certificate": False, "pending_update_count": len(state.updates)}

    async def _m_getupdates(self, state: BotState, params: dict[str, Any]) -> list[dict[str, Any]]:
        if state.webhook_url:
            raise BotApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates") or None
        if offset > 0:
            while state.updates and state.updates[0]["update_id"] < offset:
                state.updates.popleft()
        elif offset < 0:
            keep = list(state.updates)[offset:]
            state.updates = deque(keep)
        poll_id = self._polls.get(state.token, 0) + 1
        self._polls[state.token] = poll_id
        deadline = time.monotonic() + timeout
        while True:
            if self._polls.get(state.token) != poll_id:
                raise BotApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            ready = [u for u in state.updates if allowed is None or any(k in u for k in allowed)][:limit]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0:
                return ready
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait(), min(remaining, 1.0))
                except TimeoutError:
                    pass

    def _chat_for_sending(self, state: BotState, chat_id: Any) -> FakeUser:
        try:
            chat = int(chat_id)
        except (TypeError, ValueError):
            raise BotApiError(400, "Bad Request: chat not found") from None
        user = state.users.get(chat)
        if user is None:
            raise BotApiError(400, "Bad Request: chat not found")
        if user.blocked_bot:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        return user

    @staticmethod
    def _text_and_entities(params: dict[str, Any], key: str = "text", limit: int = MAX_TEXT) -> tuple[str, list[dict]]:
        raw = str(params.get(key, ""))
        mode = (params.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                text, entities = parse_html(raw)
            except EntityParseError as exc:
                raise BotApiError(400, str(exc)) from exc
        elif mode in ("markdown", "markdownv2"):
            raise BotApiError(400, "Bad Request: this fake Bot API server only supports parse_mode HTML")
        elif mode:
            raise BotApiError(400, f"Bad Request: unsupported parse_mode {params.get('parse_mode')}")
        else:
            text, entities = raw, list(params.get("entities") or [])
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > limit:
            raise BotApiError(400, "Bad Request: message is too long")
        return text, entities

    @staticmethod
    def _check_markup(markup: Any) -> dict[str, Any] | None:
        if markup in (None, ""):
            return None
        if not isinstance(markup, dict):
            raise BotApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup  # reply keyboards etc. are stored as given
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise BotApiError(
                400, "Bad Request: can't parse inline keyboard button: InlineKeyboardButton must be an Object"
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                    raise BotApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard",
                    )
                if "callback_data" in button:
                    data = str(button["callback_data"]).encode("utf-8")
                    if not 1 <= len(data) <= MAX_CALLBACK_DATA:
                        raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                elif "url" in button:
                    if not re.match(r"^(https?|tg)://", str(button["url"])):
                        raise BotApiError(400, "Bad Request: BUTTON_URL_INVALID")
                else:
                    raise BotApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard",
                    )
        return markup

    async def _m_sendmessage(self, state: BotState, params: dict[str, Any]) -> dict[str, Any]:
        user = self._chat_for_sending(state, params.get("chat_id"))
        text, entities = self._text_and_entities(params)
        markup = self._check_markup(params.get("reply_markup"))
        message: dict[str, Any] = {
            "message_id": self._next_message_id(state.token, user.id),
            "from": state.bot_user,
            "chat": self._chat_json(user),
            "date": int(time.time()),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        state.chats[user.id].append(SentMessage(next(self._seq), message))
        await self._notify()
        return message

    async def _m_sendchataction(self, state: BotState, params: dict[str, Any]) -> bool:
        user = self._chat_for_sending(state, params.get("chat_id"))
        if params.get("action") not in _CHAT_ACTIONS:
            raise BotApiError(400, "Bad Request: wrong parameter action in request")
        state.chat_actions.append({"chat_id": user.id, "action": params["action"], "time": time.time()})
        return True

    async def _m_senddocument(self, state: BotState, params: dict[str, Any]) -> dict[str, Any]:
        user = self._chat_for_sending(state, params.get("chat_id"))
        document = params.get("document")
        if not document:
            raise BotApiError(400, "Bad Request: there is no document in the request")
        file_name = getattr(document, "filename", None) or "document"
        size = len(getattr(document, "content", b"") or b"")
        message: dict[str, Any] = {
            "message_id": self._next_message_id(state.token, user.id),
            "from": state.bot_user,
            "chat": self._chat_json(user),
            "date": int(time.time()),
            "document": {
                "file_id": f"doc{next(self._seq)}",
                "file_unique_id": f"u{next(self._seq)}",
                "file_name": file_name,
                "file_size": size,
            },
        }
        if params.get("caption"):
            caption, entities = self._text_and_entities(params, "caption", 1024)
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        state.chats[user.id].append(SentMessage(next(self._seq), message))
        await self._notify()
        return message

    def _bot_message(self, state: BotState, params: dict[str, Any]) -> SentMessage:
        if params.get("inline_message_id"):
            raise BotApiError(400, "Bad Request: inline messages are not supported by this fake server")
        user = self._chat_for_sending(state, params.get("chat_id"))
        target = self._find_message(state, user.id, int(params.get("message_id") or 0))
        if target is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        if not target.message["from"].get("is_bot"):
            raise BotApiError(400, "Bad Request: message can't be edited")
        return target

    async def _m_editmessagetext(self, state: BotState, params: dict[str, Any]) -> dict[str, Any]:
        target = self._bot_message(state, params)
        text, entities = self._text_and_entities(params)
        markup = self._check_markup(params.get("reply_markup"))
        old = target.message
        if old.get("text") == text and old.get("entities", []) == entities and old.get("reply_markup") == markup:
            raise BotApiError(
                400,
                NOT_MODIFIED,
            )
        return await self._replace(
            target,
            {
                **{k: v for k, v in old.items() if k not in ("entities", "reply_markup")},
                "text": text,
                **({"entities": entities} if entities else {}),
                **({"reply_markup": markup} if markup else {}),
            },
        )

    async def _m_editmessagereplymarkup(self, state: BotState, params: dict[str, Any]) -> dict[str, Any]:
        target = self._bot_message(state, params)
        markup = self._check_markup(params.get("reply_markup"))
        old = target.message
        if old.get("reply_markup") == markup:
            raise BotApiError(
                400,
                NOT_MODIFIED,
            )
        updated = {k: v for k, v in old.items() if k != "reply_markup"}
        if markup:
            updated["reply_markup"] = markup
        return await self._replace(target, updated)

    async def _replace(self, target: SentMessage, message: dict[str, Any]) -> dict[str, Any]:
        message["edit_date"] = int(time.time())
        target.message = message
        target.edited = True
        target.seq = next(self._seq)
        await self._notify()
        return message

    async def _m_deletemessage(self, state: BotState, params: dict[str, Any]) -> bool:
        user = self._chat_for_sending(state, params.get("chat_id"))
        target = self._find_message(state, user.id, int(params.get("message_id") or 0))
        if target is None:
            raise BotApiError(400, "Bad Request: message to delete not found")
        target.deleted = True
        target.seq = next(self._seq)
        await self._notify()
        return True

    async def _m_answercallbackquery(self, state: BotState, params: dict[str, Any]) -> bool:
        entry = state.callback_queries.get(str(params.get("callback_query_id")))
        if entry is None or entry["answered"] or time.monotonic() - entry["time"] > 900:
            raise BotApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        entry["answered"] = True
        state.callback_answers.append(
            {
                "callback_query_id": params["callback_query_id"],
                "text": text,
                "show_alert": bool(params.get("show_alert")),
            }
        )
        await self._notify()
        return True

    async def _m_setmycommands(self, state: BotState, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise BotApiError(400, "Bad Request: commands must be a list of at most 100 commands")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise BotApiError(400, "Bad Request: command description must be 1-256 characters")
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise BotApiError(400, "Bad Request: invalid language code specified")
        scope = params.get("scope") or {"type": "default"}
        state.commands[(str(scope.get("type")), language)] = commands
        return True

    async def _m_getmycommands(self, state: BotState, params: dict[str, Any]) -> list[dict[str, str]]:
        scope = params.get("scope") or {"type": "default"}
        return state.commands.get((str(scope.get("type")), str(params.get("language_code") or "")), [])

    async def _m_deletemycommands(self, state: BotState, params: dict[str, Any]) -> bool:
        scope = params.get("scope") or {"type": "default"}
        state.commands.pop((str(scope.get("type")), str(params.get("language_code") or "")), None)
        return True

    async def _m_getchat(self, state: BotState, params: dict[str, Any]) -> dict[str, Any]:
        user = state.users.get(int(params.get("chat_id") or 0))
        if user is None:
            raise BotApiError(400, "Bad Request: chat not found")
        return {
            **self._chat_json(user),
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


def _media(kind: str, seed: int) -> dict[str, Any]:
    file = {"file_id": f"{kind}{seed}", "file_unique_id": f"u{kind}{seed}"}
    if kind == "sticker":
        return {
            "sticker": {
                **file,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        }
    if kind == "photo":
        return {"photo": [{**file, "width": 320, "height": 240, "file_size": 12000}]}
    if kind == "voice":
        return {"voice": {**file, "duration": 4, "mime_type": "audio/ogg", "file_size": 9000}}
    if kind == "location":
        return {"location": {"latitude": 52.375, "longitude": 9.732}}
    if kind == "document":
        return {"document": {**file, "file_name": "scan.pdf", "mime_type": "application/pdf", "file_size": 50000}}
    if kind == "video":
        return {"video": {**file, "width": 320, "height": 240, "duration": 3}}
    raise BotApiError(400, f"Bad Request: unknown message kind {kind}")
