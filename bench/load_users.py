"""The users and the fake Telegram of `bench/load.py`, each run in a process of its own (not a bench itself).

Nothing here imports the bot: the users only talk to the fake Bot API's client API over HTTP, each with an
HTTP client of their own, as people with phones do. `drive` sends the questions and watches every chat with
a long poll; the record it returns is what `bench/load.py` counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import httpx

from fake_telegram import FakeTelegramServer

REPLY_TIMEOUT = 30.0  # seconds: a reply later than this does not count as an answer
POLL_WAIT = 2  # seconds a watcher's long poll waits in the fake for a new bot message
QUIET_AFTER = 3.0  # seconds without a new bot message, once every message is resolved, before counting
TOKEN = "700000:lotse-load-bench"
FIRST_USER_ID = 7_000_001
BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def plain(text: str) -> str:
    """Text as compared here: without the direction marks the renderer adds to right-to-left lines."""
    return text.translate(BIDI_MARKS).strip()


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


@dataclass(frozen=True)
class Question:
    text: str
    entry_id: str
    title: str  # the entry's title in the user's language: the first line of the expected answer


@dataclass
class UserPlan:
    user_id: int
    language: str
    questions: list[Question]


@dataclass
class BotMessage:
    message_id: int
    text: str  # plain()
    arrived: float  # unix seconds: the fake's "time" when it records one, else when the bench first saw it
    recorded: bool  # whether `arrived` is the fake's own "time"


@dataclass
class ChatRecord:
    """What one user sent (and when) and every message the bot sent them, as the fake recorded them."""

    plan: UserPlan
    sent_at: list[float | None]
    messages: list[BotMessage]
    send_failures: list[str]


class Chat:
    """One user's chat while the bench runs: sends, and watches the fake's record with a long poll."""

    def __init__(self, plan: UserPlan, http: httpx.AsyncClient, errors: set[str]) -> None:
        self.plan = plan
        self.http = http
        self.errors = errors
        self.sent_at: list[float | None] = [None] * len(plan.questions)
        self.seen: dict[int, BotMessage] = {}
        self.send_failures: list[str] = []
        self.changed = asyncio.Condition()
        self.stopping = False
        self._after = 0

    async def send(self, index: int) -> None:
        plan = self.plan
        body = {
            "user_id": plan.user_id,
            "text": plan.questions[index].text,
            "first_name": f"Load {plan.user_id - FIRST_USER_ID + 1}",
            "language_code": plan.language,
        }
        self.sent_at[index] = time.time()
        try:
            response = await self.http.post("/send", json=body)
            if not response.json().get("ok"):
                raise RuntimeError(response.text[:200])
        except (httpx.HTTPError, RuntimeError, ValueError) as exc:
            self.sent_at[index] = None
            self.send_failures.append(f"user {plan.user_id}: sending {plan.questions[index].text!r} failed: {exc!r}")

    def take(self, items: list[dict[str, Any]], observed: float) -> None:
        for item in items:
            self._after = max(self._after, int(item["seq"]))
            message = item["message"]
            if not message["from"].get("is_bot") or item.get("deleted") or message["message_id"] in self.seen:
                continue
            recorded = isinstance(item.get("time"), int | float)
            text = plain(message.get("text", message.get("caption", "")))
            arrived = float(item["time"]) if recorded else observed
            self.seen[message["message_id"]] = BotMessage(message["message_id"], text, arrived, recorded)

    async def watch(self) -> None:
        """Long-poll the chat until `stopping` is set. Short waits instead of cancelling: a cancelled request
        would stay open in the fake until its wait ended, and stopping the fake would cut it off."""
        while not self.stopping:
            params = {"chat_id": self.plan.user_id, "after": self._after, "wait": POLL_WAIT}
            try:
                response = await self.http.get("/messages", params=params)
            except httpx.HTTPError:
                await asyncio.sleep(0.2)
                continue
            self.take(response.json()["result"], time.time())
            async with self.changed:
                self.changed.notify_all()

    async def record(self) -> ChatRecord:
        """The whole chat, read from the fake once more: the record the count is made from."""
        response = await self.http.get("/messages", params={"chat_id": self.plan.user_id, "after": 0})
        self.take(response.json()["result"], time.time())
        return ChatRecord(self.plan, self.sent_at, list(self.seen.values()), self.send_failures)

    def answered(self, index: int) -> bool:
        title = self.plan.questions[index].title
        return any(first_line(m.text) == title for m in self.seen.values())

    def error_replies(self) -> int:
        return sum(1 for m in self.seen.values() if m.text in self.errors)

    def open_messages(self) -> int:
        """Messages sent that have neither their answer nor (as far as can be told) an error text."""
        unanswered = sum(1 for i, at in enumerate(self.sent_at) if at is not None and not self.answered(i))
        return max(0, unanswered - self.error_replies())

    async def converse(self) -> None:
        """Ask one question after the other, each as soon as the previous one got its answer or an error
        text (or after 30 s without either)."""
        for index in range(len(self.plan.questions)):
            errors_before = self.error_replies()
            await self.send(index)
            if self.sent_at[index] is None:
                continue

            def replied(index: int = index, errors_before: int = errors_before) -> bool:
                return self.answered(index) or self.error_replies() > errors_before

            async with self.changed:
                try:
                    await asyncio.wait_for(self.changed.wait_for(replied), REPLY_TIMEOUT)
                except TimeoutError:
                    pass


async def drive(server_url: str, plans: list[UserPlan], errors: set[str], burst: bool) -> list[ChatRecord]:
    """Send every user's questions, wait for the replies (30 s at most after the last send, then until the
    bot has been silent for a few seconds, to catch late copies) and return each chat's record."""
    async with contextlib.AsyncExitStack() as stack:
        # A client per user, as each user has a phone of their own; one client with a big pool for everybody
        # would cost more CPU than the bot (httpcore scans its whole pool for every request).
        chats = []
        for plan in plans:
            http = httpx.AsyncClient(base_url=f"{server_url}/client/{TOKEN}", timeout=60)
            chats.append(Chat(plan, await stack.enter_async_context(http), errors))
        messages = sum(len(plan.questions) for plan in plans)
        say(f"sending {messages} messages from {len(plans)} new users ({'burst' if burst else 'conversations'})")
        conversations: asyncio.Future[list[None]] | None = None
        watchers = [asyncio.create_task(chat.watch()) for chat in chats]
        await asyncio.sleep(0.2)  # the long polls are waiting in the fake
        started = time.time()
        if burst:
            await asyncio.gather(*(chat.send(i) for chat in chats for i in range(len(chat.plan.questions))))
            say(f"  all {messages} sent in {time.time() - started:.2f} s")
        else:
            conversations = asyncio.gather(*(chat.converse() for chat in chats))
        await until_settled(chats, conversations, started)
        for chat in chats:
            chat.stopping = True
        await asyncio.gather(*watchers)
        say(f"  done after {time.time() - started:.1f} s")
        return [await chat.record() for chat in chats]


async def until_settled(chats: list[Chat], conversations: asyncio.Future[list[None]] | None, started: float) -> None:
    last_new, seen_before, next_report = time.time(), 0, started + 5
    while True:
        await asyncio.sleep(0.1)
        now = time.time()
        seen = sum(len(chat.seen) for chat in chats)
        if seen != seen_before:
            last_new, seen_before = now, seen
        open_messages = sum(chat.open_messages() for chat in chats)
        if now >= next_report:
            say(f"  t+{now - started:3.0f} s: {seen} bot messages so far, {open_messages} user messages still open")
            next_report += 5
        if conversations is not None and not conversations.done():
            continue
        last_send = max((at for chat in chats for at in chat.sent_at if at is not None), default=started)
        if now - last_send >= REPLY_TIMEOUT + 2 * QUIET_AFTER:
            return  # a bot that keeps sending must not keep the bench running
        if open_messages and now - last_send < REPLY_TIMEOUT:
            continue
        if now - last_new >= QUIET_AFTER:
            return


def say(line: str) -> None:
    print(line, flush=True)  # three processes share the terminal (or pipe): no line may wait in a buffer


def fake_telegram_process(conn: Connection) -> None:
    """The fake Bot API, in a thread as `start_in_thread` runs it, in a process of its own whose main thread
    only waits: neither the bot nor the users compete with it for an interpreter lock, as they do not with
    Telegram, so the bot's work cannot delay when the fake records a message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    server = FakeTelegramServer([TOKEN]).start_in_thread()
    try:
        conn.send(server.url)
        conn.recv()  # "stop", once the bot has stopped polling
    finally:
        server.stop()


def users_process(conn: Connection, url: str, plans: list[UserPlan], errors: set[str], burst: bool) -> None:
    """The users, in a process of their own: sending at once is not held up by the bot's work either."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if conn.recv() == "go":  # the bot is polling
        records = asyncio.run(drive(url, plans, errors, burst))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        conn.send((records, usage.ru_utime + usage.ru_stime))
