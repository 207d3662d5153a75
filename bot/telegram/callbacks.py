"""Inline-button payloads: short, signed and bound to the chat, checked on the way back in.

A Telegram client can send any bytes as callback data, so every payload carries an HMAC over the chat
id, the action and its arguments. A forged, altered or foreign payload fails `decode` and is answered
with a polite "this button is no longer valid", never with an error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64
_ARG_RE = re.compile(r"^[a-z0-9-]{0,40}$")
_SIG_LEN = 10


class InvalidCallback(ValueError):
    """Callback data that this bot did not create for this chat."""


@dataclass(frozen=True)
class Callback:
    action: str
    args: tuple[str, ...]


class CallbackSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, chat_id: int, body: str) -> str:
        digest = hmac.new(self._secret, f"{chat_id}|{body}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_SIG_LEN]

    def encode(self, chat_id: int, action: str, *args: str | int) -> str:
        parts = [action, *(str(a) for a in args)]
        for part in parts:
            if not _ARG_RE.match(part):
                raise ValueError(f"callback part {part!r} must be lowercase letters, digits or '-'")
        body = ":".join(parts)
        data = f"{body}:{self._signature(chat_id, body)}"
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data {data!r} is longer than {MAX_CALLBACK_BYTES} bytes")
        return data

    def decode(self, chat_id: int, data: str | None) -> Callback:
        if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES or ":" not in data:
            raise InvalidCallback("malformed")
        body, _, signature = data.rpartition(":")
        if not hmac.compare_digest(signature, self._signature(chat_id, body)):
            raise InvalidCallback("bad signature")
        action, *args = body.split(":")
        return Callback(action, tuple(args))
