"""Telegram users, groups and channels as a test sees them: send messages, press buttons, read what the
bot answered; and the bot-side facts and controls (faults, the clock) of the fake server.

It talks to the fake server's client API over real HTTP.
"""

from __future__ import annotations

import json
import mimetypes
import time
from dataclasses import dataclass, field
from typing import Any

import httpx


class DriverError(AssertionError):
    """The bot did not do what the test waited for."""


@dataclass
class BotMessage:
    """A message the bot sent (or edited), as the user sees it."""

    message_id: int
    text: str
    entities: list[dict[str, Any]]
    buttons: list[list[dict[str, Any]]]
    edited: bool
    raw: dict[str, Any] = field(repr=False)

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for row in self.buttons for button in row]

    def button(self, text_part: str) -> dict[str, Any]:
        for row in self.buttons:
            for button in row:
                if text_part in button["text"]:
                    return button
        raise DriverError(f"no button containing {text_part!r} in {self.button_texts}")

    def links(self) -> list[str]:
        return [e["url"] for e in self.entities if e.get("type") == "text_link"]


class _Chat:
    """One chat with the bot, read over the client API."""

    def __init__(self, server_url: str, token: str, chat_id: int) -> None:
        self._http = httpx.AsyncClient(base_url=f"{server_url}/client/{token}", timeout=40)
        self.chat_id = chat_id
        self._seen = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = await self._http.post(path, json=body)
        data = response.json()
        if not data.get("ok"):
            raise DriverError(f"{path}: {data.get('description')}")
        return data["result"]

    async def _post_file(self, path: str, fields: dict[str, Any], file: tuple[str, bytes, str]) -> Any:
        """A multipart/form-data request: `fields` (None left out, objects as JSON) and one file part."""
        data = {
            key: json.dumps(value) if isinstance(value, dict) else str(value)
            for key, value in fields.items()
            if value is not None
        }
        response = await self._http.post(path, data=data, files={"file": file})
        answer = response.json()
        if not answer.get("ok"):
            raise DriverError(f"{path}: {answer.get('description')}")
        return answer["result"]

    async def download(self, file_id: str) -> bytes:
        """A file's bytes, as a user's Telegram app downloads it from the chat (any size, no getFile)."""
        response = await self._http.get("/file", params={"file_id": file_id})
        if response.status_code != 200:
            raise DriverError(f"/file: {response.json().get('description')}")
        return response.content

    async def replies(self, count: int = 1, timeout: float = 15.0) -> list[BotMessage]:
        """Wait until the bot has sent or edited `count` messages since the last call; return them."""
        deadline = time.monotonic() + timeout
        collected: list[BotMessage] = []
        while len(collected) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                got = [m.text[:80] for m in collected]
                raise DriverError(f"waited {timeout}s for {count} bot message(s), got {len(collected)}: {got}")
            response = await self._http.get(
                "/messages", params={"chat_id": self.chat_id, "after": self._seen, "wait": min(remaining, 10)}
            )
            for item in response.json()["result"]:
                self._seen = max(self._seen, item["seq"])
                message = item["message"]
                if not item.get("by_bot", message.get("from", {}).get("is_bot")) or item["deleted"]:
                    continue
                collected.append(
                    BotMessage(
                        message_id=message["message_id"],
                        text=message.get("text", message.get("caption", "")),
                        entities=message.get("entities", message.get("caption_entities", [])),
                        buttons=(message.get("reply_markup") or {}).get("inline_keyboard", []),
                        edited=item["edited"],
                        raw=message,
                    )
                )
        return collected

    async def reply(self, timeout: float = 15.0) -> BotMessage:
        return (await self.replies(1, timeout))[0]

    async def no_reply(self, within: float = 1.0) -> None:
        """Assert the bot stays silent for `within` seconds."""
        try:
            got = await self.replies(1, within)
        except DriverError:
            return
        raise DriverError(f"expected no reply, got {got[0].text[:80]!r}")


class TelegramUser(_Chat):
    """One user of the fake Telegram, chatting with one bot (replies are read from the private chat)."""

    def __init__(
        self, server_url: str, token: str, user_id: int, *, first_name: str = "Test", language_code: str | None = None
    ) -> None:
        super().__init__(server_url, token, user_id)
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code

    def _me(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "first_name": self.first_name, "language_code": self.language_code}

    async def send(
        self, text: str, *, chat: TelegramGroup | dict[str, Any] | None = None, reply_to: int | None = None
    ) -> dict[str, Any]:
        """Write a text message (commands too: '/start payload'), to the bot or in a group (`chat`).
        Returns the Message as Telegram stores it."""
        body: dict[str, Any] = {**self._me(), "text": text}
        if chat is not None:
            body["chat"] = chat.chat if isinstance(chat, TelegramGroup) else chat
        if reply_to is not None:
            body["reply_to_message_id"] = reply_to
        return await self._post("/send", body)

    async def send_media(self, kind: str, *, caption: str | None = None) -> dict[str, Any]:
        """Send a sticker, photo, voice, location, document or video with placeholder content (a 320x240
        PNG for a photo, a one-page scan.pdf for a document); a caption for a photo, document, video, voice."""
        body: dict[str, Any] = {**self._me(), "kind": kind}
        if caption is not None:
            body["caption"] = caption
        return await self._post("/send", body)

    async def send_photo(
        self,
        content: bytes,
        *,
        file_name: str = "photo.jpg",
        mime_type: str | None = None,
        caption: str | None = None,
        chat: TelegramGroup | dict[str, Any] | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """Send a photo with these bytes (a JPEG, PNG, GIF or WebP image, at most 10 MB): the message has
        `photo` with one PhotoSize whose file the bot can getFile and download byte for byte."""
        return await self._send_file("photo", content, file_name, mime_type, caption, chat, reply_to)

    async def send_document(
        self,
        content: bytes,
        file_name: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: TelegramGroup | dict[str, Any] | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """Send a file as a document (any bytes, up to 64 MB here; a bot can download up to 20 MB). The
        MIME type is guessed from `file_name` if not given."""
        return await self._send_file("document", content, file_name, mime_type, caption, chat, reply_to)

    async def _send_file(
        self,
        kind: str,
        content: bytes,
        file_name: str,
        mime_type: str | None,
        caption: str | None,
        chat: TelegramGroup | dict[str, Any] | None,
        reply_to: int | None,
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {**self._me(), "kind": kind, "caption": caption, "reply_to_message_id": reply_to}
        if chat is not None:
            fields["chat"] = chat.chat if isinstance(chat, TelegramGroup) else chat
        mime_type = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        return await self._post_file("/send", fields, (file_name, content, mime_type))

    async def edit(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        """Edit one of this user's messages (as returned by `send`): the bot gets an edited_message."""
        return await self._post(
            "/edit",
            {
                "user_id": self.user_id,
                "chat_id": message["chat"]["id"],
                "message_id": message["message_id"],
                "text": text,
            },
        )

    async def press(
        self, message: BotMessage, text_part: str | None = None, *, data: str | None = None
    ) -> dict[str, Any]:
        """Tap the button whose label contains `text_part`, or send arbitrary callback `data` (forgery)."""
        if data is None:
            if text_part is None:
                raise ValueError("give the button's text or raw data")
            data = message.button(text_part)["callback_data"]
        body = {"user_id": self.user_id, "message_id": message.message_id, "data": data}
        return await self._post("/press", {**body, "chat_id": message.raw["chat"]["id"]})

    async def block_bot(self) -> None:
        """Block the bot: it gets my_chat_member (kicked) and 403 when it writes."""
        await self._post("/block", {"user_id": self.user_id, "blocked": True})

    async def unblock_bot(self) -> None:
        """Unblock (restart) the bot: it gets my_chat_member (member) and may write again."""
        await self._post("/block", {"user_id": self.user_id, "blocked": False})


class TelegramGroup(_Chat):
    """A group (or supergroup) the bot is in; users write there with `send(user, text)`.

    Bots run in privacy mode by default: they see commands, replies to them and mentions only.
    """

    def __init__(
        self, server_url: str, token: str, chat_id: int, *, title: str = "Test group", type: str = "group"
    ) -> None:
        super().__init__(server_url, token, chat_id)
        self.chat = {"id": chat_id, "type": type, "title": title}

    async def send(self, user: TelegramUser, text: str, *, reply_to: int | None = None) -> dict[str, Any]:
        return await user.send(text, chat=self, reply_to=reply_to)


class TelegramChannel(_Chat):
    """A channel the bot administers: its posts reach the bot as channel_post (no `from`)."""

    def __init__(self, server_url: str, token: str, chat_id: int, *, title: str = "Test channel") -> None:
        super().__init__(server_url, token, chat_id)
        self.chat = {"id": chat_id, "type": "channel", "title": title}

    async def post(self, text: str) -> dict[str, Any]:
        return await self._post("/send", {"chat": self.chat, "text": text})

    async def edit(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        """Edit a post: the bot gets an edited_channel_post."""
        return await self._post("/edit", {"chat_id": self.chat_id, "message_id": message["message_id"], "text": text})


class BotObserver:
    """Bot-side facts only the fake server knows (calls made, commands set, callback answers, faults
    fired), and its controls: injected faults and the bot's clock."""

    def __init__(self, server_url: str, token: str) -> None:
        self._http = httpx.AsyncClient(base_url=f"{server_url}/client/{token}", timeout=20)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def state(self) -> dict[str, Any]:
        return (await self._http.get("/state")).json()["result"]

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        data = (await self._http.post(path, json=body)).json()
        if not data.get("ok"):
            raise DriverError(f"{path}: {data.get('description')}")
        return data["result"]

    async def fail_next(
        self, method: str, error_code: int, description: str, *, retry_after: int | None = None, count: int = 1
    ) -> None:
        """The next `count` calls of `method` fail with this error (any code and description)."""
        body = {
            "method": method,
            "error_code": error_code,
            "description": description,
            "retry_after": retry_after,
            "count": count,
        }
        await self._post("/fail", body)

    async def fail(
        self,
        method: str,
        kind: str,
        *,
        count: int | None = None,
        rate: float | None = None,
        seed: int | None = None,
        delay: float | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Inject a fault into `method`: kind "5xx", "timeout-before", "late", "429" or "403" (see
        fake_telegram.faults). For the next `count` calls (1 if neither count nor rate is given), or each
        call with probability `rate` (for the next `count` calls, or until cleared); only calls for
        `chat_id` if given."""
        body: dict[str, Any] = {"method": method, "kind": kind}
        for key, value in (
            ("count", count),
            ("rate", rate),
            ("seed", seed),
            ("delay", delay),
            ("retry_after", retry_after),
            ("chat_id", chat_id),
        ):
            if value is not None:
                body[key] = value
        await self._post("/fail", body)

    async def clear_failures(self) -> None:
        await self._post("/fail/clear", {})

    async def advance(self, seconds: float) -> None:
        """Move the bot's clock forward (message dates, callback query ages, rate-limit windows)."""
        await self._post("/advance", {"seconds": seconds})
