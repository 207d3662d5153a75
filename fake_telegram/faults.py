"""Faults a test injects into the fake Bot API: per method, for the next N calls or at a rate.

Kinds, as a bot sees them on the wire:

- `5xx`: HTTP 502 Bad Gateway at once; nothing is sent (python-telegram-bot raises NetworkError).
- `timeout-before`: nothing is sent, and the answer (502) is held back `delay` seconds, longer than the
  client's read timeout (python-telegram-bot raises TimedOut).
- `late`: the method runs (the message is in the chat), then the answer is held back `delay` seconds: the
  bot cannot know that it was sent (TimedOut).
- `429`: Too Many Requests with `retry_after` (RetryAfter).
- `403`: Forbidden: bot was blocked by the user (Forbidden).
- `error`: any `error_code` and `description`, as given (the original form of `/client/<token>/fail`).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fake_telegram.errors import BotApiError, bad_request, too_many_requests

KINDS = ("5xx", "timeout-before", "late", "429", "403", "error")
DEFAULT_DELAY = 10.0  # seconds: longer than python-telegram-bot's default read timeout (5 s)
MAX_DELAY = 600.0


@dataclass
class Fault:
    method: str  # lower case: Bot API method names are case-insensitive
    kind: str
    remaining: int | None  # calls still to fail (count) or to draw for (rate); None: until cleared
    rate: float | None = None
    seed: int | None = None
    delay: float = DEFAULT_DELAY
    retry_after: int | None = None
    chat_id: str | None = None
    error_code: int = 429
    description: str = "Too Many Requests: retry after 1"
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def applies(self, method: str, params: dict[str, Any]) -> bool:
        if self.method != method.lower() or self.remaining == 0:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == self.chat_id

    def error(self) -> BotApiError | None:
        """The answer the bot gets (None for `late`: the real result, late)."""
        if self.kind in ("5xx", "timeout-before"):
            return BotApiError(502, "Bad Gateway")
        if self.kind == "429":
            return too_many_requests(self.retry_after or 1)
        if self.kind == "403":
            return BotApiError(403, "Forbidden: bot was blocked by the user")
        if self.kind == "late":
            return None
        parameters = {"retry_after": self.retry_after} if self.retry_after is not None else None
        return BotApiError(self.error_code, self.description, parameters)

    @property
    def holds(self) -> bool:
        return self.kind in ("timeout-before", "late")


@dataclass
class Faults:
    """The faults injected into one bot, and how often each kind fired."""

    active: list[Fault] = field(default_factory=list)
    fired: Counter[str] = field(default_factory=Counter)

    def add(self, fault: Fault) -> None:
        self.active.append(fault)

    def clear(self) -> None:
        self.active.clear()

    def draw(self, method: str, params: dict[str, Any]) -> Fault | None:
        """The fault that hits this call, if any (each matching fault counts the call)."""
        for fault in self.active:
            if not fault.applies(method, params):
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
            if fault.rate is not None and fault.rng.random() >= fault.rate:
                continue
            self.fired[fault.kind] += 1
            self.active = [f for f in self.active if f.remaining != 0]
            return fault
        self.active = [f for f in self.active if f.remaining != 0]
        return None


def fault_from_body(body: dict[str, Any]) -> Fault:
    """A fault from the JSON body of `/client/<token>/fail` (400 with the reason if it is not valid)."""
    method = body.get("method")
    if not isinstance(method, str) or not method:
        raise bad_request("method must be a Bot API method name")
    kind = body.get("kind", "error")
    if kind not in KINDS:
        raise bad_request(f"kind must be one of {', '.join(KINDS)}")
    rate = _number(body, "rate", 0.0, 1.0)
    count = _integer(body, "count", 1, 10**9)
    if count is None and rate is None:
        count = 1
    delay = _number(body, "delay", 0.0, MAX_DELAY)
    chat_id = body.get("chat_id")
    if chat_id is not None and (isinstance(chat_id, bool) or not isinstance(chat_id, int | str)):
        raise bad_request("chat_id must be an integer or a @channel username")
    fault = Fault(
        method=method.lower(),
        kind=kind,
        remaining=count,
        rate=rate,
        seed=_integer(body, "seed", -(2**63), 2**63),
        delay=DEFAULT_DELAY if delay is None else delay,
        retry_after=_integer(body, "retry_after", 1, 86400),
        chat_id=None if chat_id is None else str(chat_id),
    )
    if kind == "error":
        error_code = _integer(body, "error_code", 400, 599)
        description = body.get("description", fault.description)
        if not isinstance(description, str) or not description:
            raise bad_request("description must be a non-empty string")
        fault.error_code = 429 if error_code is None else error_code
        fault.description = description
    return fault


def _integer(body: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request(f"{key} must be an integer from {low} to {high}")
    return value


def _number(body: dict[str, Any], key: str, low: float, high: float) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise bad_request(f"{key} must be a number from {low:g} to {high:g}")
    return float(value)
