"""A Telegram user, as a test sees one: send messages, press buttons, read what the bot answered.

It talks to the fake server's client API over real HTTP.
"""

from __future__ import annotations

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


class TelegramUser:
    """One user of the fake Telegram, chatting with one bot."""

    def __init__(
        self, server_url: str, token: str, user_id: int, *, first_name: str = "Test", language_code: str | None = None
    ) -> None:
        self._http = httpx.AsyncClient(base_url=f"{server_url}/client/{token}", timeout=40)
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self._seen = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = await self._http.post(path, json=body)
        data = response.json()
        if not data.get("ok"):
            raise DriverError(f"{path}: {data.get('description')}")
        return data["result"]

    async def send(self, text: str) -> dict[str, Any]:
        """Write a text message (commands too: '/start payload')."""
        return await self._post(
            "/send",
            {"user_id": self.user_id, "text": text, "first_name": self.first_name, "language_code": self.language_code},
        )

    async def send_media(self, kind: str) -> dict[str, Any]:
        """Send a sticker, photo, voice, location, document or video."""
        return await self._post(
            "/send",
            {"user_id": self.user_id, "kind": kind, "first_name": self.first_name, "language_code": self.language_code},
        )

    async def press(
        self, message: BotMessage, text_part: str | None = None, *, data: str | None = None
    ) -> dict[str, Any]:
        """Tap the button whose label contains `text_part`, or send arbitrary callback `data` (forgery)."""
        if data is None:
            if text_part is None:
                raise ValueError("give the button's text or raw data")
            data = message.button(text_part)["callback_data"]
        return await self._post("/press", {"user_id": self.user_id, "message_id": message.message_id, "data": data})

    async def block_bot(self) -> None:
        await self._post("/block", {"user_id": self.user_id, "blocked": True})

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
                "/messages", params={"chat_id": self.user_id, "after": self._seen, "wait": min(remaining, 10)}
            )
            for item in response.json()["result"]:
                self._seen = max(self._seen, item["seq"])
                message = item["message"]
                if not message["from"].get("is_bot") or item["deleted"]:
                    continue
                collected.append(
                    BotMessage(
                        message_id=message["message_id"],
                        text=message.get("text", message.get("caption", "")),
                        entities=message.get("entities", []),
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


class BotObserver:
    """Bot-side facts only the fake server knows: calls made, commands set, callback answers."""

    def __init__(self, server_url: str, token: str) -> None:
        self._http = httpx.AsyncClient(base_url=f"{server_url}/client/{token}", timeout=20)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def state(self) -> dict[str, Any]:
        return (await self._http.get("/state")).json()["result"]

    async def fail_next(
        self, method: str, error_code: int, description: str, *, retry_after: int | None = None, count: int = 1
    ) -> None:
        body = {
            "method": method,
            "error_code": error_code,
            "description": description,
            "retry_after": retry_after,
            "count": count,
        }
        data = (await self._http.post("/fail", json=body)).json()
        if not data.get("ok"):
            raise DriverError(str(data))
