"""Telegram's sending limits, as constants of the fake: exceeding one is a 429 with `retry_after`.

- 30 messages per second per bot token (a sliding one-second window);
- a private chat: 1 message per second on average, in bursts of up to 3 (a token bucket);
- a group (any negative chat id): 20 messages per minute (a sliding one-minute window).

Only methods that put a message into a chat count (see SENDING_METHODS); chat actions, callback answers
and edits do not. A call that fails (chat not found, can't parse entities, ...) gives its place back.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from fake_telegram.errors import too_many_requests

PER_BOT_PER_SECOND = 30
PRIVATE_CHAT_BURST = 3
PRIVATE_CHAT_PER_SECOND = 1.0
GROUP_PER_MINUTE = 20

SENDING_METHODS = frozenset(
    name.lower()
    for name in (
        "sendMessage", "forwardMessage", "forwardMessages", "copyMessage", "copyMessages", "sendPhoto",
        "sendAudio", "sendDocument", "sendVideo", "sendAnimation", "sendVoice", "sendVideoNote", "sendPaidMedia",
        "sendMediaGroup", "sendLocation", "sendVenue", "sendContact", "sendPoll", "sendChecklist", "sendDice",
        "sendSticker", "sendInvoice", "sendGame", "sendLivePhoto", "sendGift", "sendRichMessage",
    )
)  # fmt: skip


@dataclass
class Reservation:
    """A message's place in the windows; `release` gives it back when the call failed after all."""

    limits: RateLimits
    at: float
    chat_id: int | None

    def release(self) -> None:
        self.limits._release(self)


@dataclass
class RateLimits:
    enabled: bool = True
    hits: Counter[str] = field(default_factory=Counter)  # 429s given, by limit
    _bot: deque[float] = field(default_factory=deque)
    _private: dict[int, tuple[float, float]] = field(default_factory=dict)  # chat: (tokens, at)
    _groups: dict[int, deque[float]] = field(default_factory=dict)

    def reserve(self, method: str, chat_id: Any, now: float) -> Reservation | None:
        """Take a place for one message now, or raise 429 with the seconds until there is one."""
        if not self.enabled or method.lower() not in SENDING_METHODS:
            return None
        chat = _chat_id(chat_id)
        waits: list[tuple[float, str]] = []
        while self._bot and self._bot[0] <= now - 1.0:
            self._bot.popleft()
        if len(self._bot) >= PER_BOT_PER_SECOND:
            waits.append((self._bot[0] + 1.0 - now, "per_bot"))
        tokens = self._tokens(chat, now) if chat is not None and chat > 0 else None
        if tokens is not None and tokens < 1.0:
            waits.append(((1.0 - tokens) / PRIVATE_CHAT_PER_SECOND, "private_chat"))
        group = self._group_window(chat, now) if chat is not None and chat < 0 else None
        if group is not None and len(group) >= GROUP_PER_MINUTE:
            waits.append((group[0] + 60.0 - now, "group"))
        if waits:
            wait, limit = max(waits)
            self.hits[limit] += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        self._bot.append(now)
        if tokens is not None and chat is not None:
            self._private[chat] = (tokens - 1.0, now)
        if group is not None:
            group.append(now)
        return Reservation(self, now, chat)

    def _tokens(self, chat: int, now: float) -> float:
        tokens, at = self._private.get(chat, (float(PRIVATE_CHAT_BURST), now))
        return min(float(PRIVATE_CHAT_BURST), tokens + (now - at) * PRIVATE_CHAT_PER_SECOND)

    def _group_window(self, chat: int, now: float) -> deque[float]:
        window = self._groups.setdefault(chat, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        return window

    def _release(self, reservation: Reservation) -> None:
        if reservation.at in self._bot:
            self._bot.remove(reservation.at)
        chat = reservation.chat_id
        if chat is not None and chat > 0 and chat in self._private:
            tokens, at = self._private[chat]
            self._private[chat] = (min(float(PRIVATE_CHAT_BURST), tokens + 1.0), at)
        elif chat is not None and chat in self._groups and reservation.at in self._groups[chat]:
            self._groups[chat].remove(reservation.at)


def _chat_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
