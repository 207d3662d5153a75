"""What the fake Bot API knows about one bot: its users, chats, messages, files, pending updates and its clock.

Everything here runs on the server's event loop; nothing is shared between bots.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fake_telegram.errors import BotApiError
from fake_telegram.faults import Faults
from fake_telegram.files import FileStore
from fake_telegram.limits import RateLimits
from fake_telegram.spec import shape_problems

# Update kinds Telegram leaves out unless a bot asks for them in `allowed_updates`.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class SentMessage:
    """A message in a chat, with a sequence number so clients can wait for what is new.

    `time` is the fake's clock (unix seconds) when it recorded this version of the message.
    """

    seq: int
    message: dict[str, Any]
    time: float
    by_bot: bool
    edited: bool = False
    deleted: bool = False

    def item(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "edited": self.edited,
            "deleted": self.deleted,
            "message": self.message,
            "time": self.time,
            "by_bot": self.by_bot,
        }


@dataclass
class FakeUser:
    id: int
    first_name: str
    language_code: str | None
    blocked_bot: bool = False

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def private_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


@dataclass
class FakeChat:
    """A group, supergroup or channel the bot is in (private chats are the users themselves)."""

    id: int
    type: str
    title: str

    def json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "title": self.title}


@dataclass
class BotState:
    token: str
    bot_user: dict[str, Any]
    limits: RateLimits
    users: dict[int, FakeUser] = field(default_factory=dict)
    groups: dict[int, FakeChat] = field(default_factory=dict)
    chats: dict[int, list[SentMessage]] = field(default_factory=dict)
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    allowed_updates: frozenset[str] | None = None  # None: everything but NOT_BY_DEFAULT
    next_update_id: int = 1
    callback_queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    chat_actions: list[dict[str, Any]] = field(default_factory=list)
    files: FileStore = field(default_factory=FileStore)  # what users and the bot sent, with the bytes
    calls: list[dict[str, Any]] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    webhook_url: str = ""
    clock_offset: float = 0.0
    closing: bool = False  # the server is stopping: every long poll and wait answers at once
    poll_generation: int = 0  # the long poll that may wait; an older one is terminated (409)
    next_conflict_time: float = 0.0
    polls_waiting: int = 0  # long polls waiting now (a client that went away is not waiting)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: dict[int, itertools.count[int]] = field(default_factory=dict)

    # --- the bot's clock: real time plus what tests moved it forward -----------------------------

    def now(self) -> float:
        """Unix time on this bot's clock."""
        return time.time() + self.clock_offset

    def monotonic(self) -> float:
        """For durations and ages (callback queries, rate limits) on this bot's clock."""
        return time.monotonic() + self.clock_offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise BotApiError(400, "Bad Request: the clock only moves forward")
        self.clock_offset += seconds

    # --- users, chats and messages ---------------------------------------------------------------

    @property
    def username(self) -> str:
        return str(self.bot_user["username"])

    def user(self, user_id: int, first_name: str | None = None, language_code: str | None = None) -> FakeUser:
        user = self.users.get(user_id)
        if user is None:
            user = FakeUser(user_id, first_name or f"User {user_id}", language_code)
            self.users[user_id] = user
            self.chats.setdefault(user_id, [])
        else:
            if first_name:
                user.first_name = first_name
            if language_code is not None:
                user.language_code = language_code
        return user

    def group(self, chat_id: int, chat_type: str, title: str) -> FakeChat:
        chat = self.groups.get(chat_id)
        if chat is None:
            chat = FakeChat(chat_id, chat_type, title)
            self.groups[chat_id] = chat
            self.chats.setdefault(chat_id, [])
        elif chat.type != chat_type:
            raise BotApiError(400, f"Bad Request: chat {chat_id} is a {chat.type}, not a {chat_type}")
        return chat

    def next_seq(self) -> int:
        return next(self._seq)

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def record(self, chat_id: int, message: dict[str, Any], *, by_bot: bool) -> SentMessage:
        sent = SentMessage(self.next_seq(), message, self.now(), by_bot)
        self.chats.setdefault(chat_id, []).append(sent)
        return sent

    def replace(self, sent: SentMessage, message: dict[str, Any] | None = None, *, deleted: bool = False) -> None:
        """A new version of a recorded message (edited or deleted): clients waiting after its seq see it again."""
        if message is not None:
            sent.message = message
            sent.edited = True
        sent.deleted = sent.deleted or deleted
        sent.seq = self.next_seq()
        sent.time = self.now()

    def find_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        for sent in self.chats.get(chat_id, []):
            if sent.message["message_id"] == message_id and not sent.deleted:
                return sent
        return None

    def messages(self, chat_id: int, after: int = 0) -> list[dict[str, Any]]:
        """Messages of a chat (both sides) changed after sequence number `after`, in chat order."""
        return [m.item() for m in self.chats.get(chat_id, []) if m.seq > after]

    async def wait_messages(self, chat_id: int, after: int, within: float) -> None:
        """Until the bot has sent, edited or deleted something in the chat after `after` (at most `within` s)."""
        await self.wait_until(lambda: any(m.by_bot and m.seq > after for m in self.chats.get(chat_id, [])), within)

    async def wait_until(self, ready: Callable[[], bool], within: float) -> None:
        """Until `ready()` holds after a change (at most `within` s, and no longer once the server is closing)."""
        deadline = time.monotonic() + within
        while True:
            if self.closing or ready():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            async with self.changed:
                try:
                    await asyncio.wait_for(self.changed.wait(), remaining)
                except TimeoutError:
                    pass

    async def close(self) -> None:
        """The server is stopping: long polls and waiting clients get their (empty) answers now."""
        self.closing = True
        await self.notify()

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """How the bot answered a callback query (text, show_alert, url), or None while it has not."""
        entry = self.callback_queries.get(query_id)
        return None if entry is None else entry.get("answer")

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    # --- updates ---------------------------------------------------------------------------------

    def wants(self, kind: str) -> bool:
        if self.allowed_updates is None:
            return kind not in NOT_BY_DEFAULT
        return kind in self.allowed_updates

    def make_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """An update for `queue`, checked first: python-telegram-bot must be able to parse it, or every
        later getUpdates would fail too. So it must have the Bot API's documented shape and be JSON."""
        update = {"update_id": self.next_update_id, kind: payload}
        problems = shape_problems("Update", update)
        if problems:
            raise BotApiError(400, f"Bad Request: the update would not be valid: {'; '.join(problems[:3])}")
        try:
            json.dumps(update, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
            raise BotApiError(400, f"Bad Request: the update would not be valid JSON: {exc}") from None
        return update

    async def queue(self, update: dict[str, Any]) -> bool:
        """Queue an update for getUpdates; dropped, as Telegram does, if the bot did not ask for its kind."""
        kind = next(key for key in update if key != "update_id")
        if not self.wants(kind):
            return False
        update["update_id"] = self.next_update_id
        self.next_update_id += 1
        self.updates.append(update)
        await self.notify()
        return True
