"""Inline-button payloads: one `Action` per kind of button, short, signed and bound to the chat.

A payload is `<action>:<arg>...:<signature>`. Each action declares the shape of its arguments; the
application registers one `CallbackQueryHandler` per action with `pattern(action)`, so a payload reaches
the handler of its action only if it has that shape. A Telegram client can send any bytes as callback
data, so every payload also carries an HMAC over the chat id, the action and its arguments: a forged,
altered or foreign payload fails `decode` and is answered with a polite "this button is no longer valid",
never with an error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

MAX_CALLBACK_BYTES = 64
_SIG_LEN = 10
_SIGNATURE = rf"[A-Za-z0-9_-]{{{_SIG_LEN}}}"
_ID = r"[0-9]{1,18}"  # a database id
_ENTRY = r"[a-z0-9-]{1,40}"  # a knowledge-base entry id
_LANGUAGE = r"[a-z]{2,3}"


class Action(StrEnum):
    LANGUAGE = "l"  # choose a language: l:<code>
    LANGUAGE_MENU = "m"  # show the language picker again
    FEEDBACK = "f"  # "did this help?": f:<question log id>:<y|n>
    SUGGESTION = "s"  # one of the offered topics: s:<question log id>:<entry id>
    NO_SUGGESTION = "n"  # none of the offered topics: n:<question log id>
    ENTRY_ORIGINAL = "o"  # the curated original of a machine-translated answer: o:<entry id>:<de|en>
    STAFF_ORIGINAL = "r"  # the German original of a translated staff reply: r:<case message id>
    PERSON = "p"  # talk to a person
    ENTRY = "e"  # an entry in the user's language (the full text behind the emergency card): e:<entry id>
    GERMAN = "g"  # an answer in German, to show at the office: g:<entry id>
    RESUME_BOT = "b"  # "ask the bot again": hand-over mode ends, the case stays open
    WITHDRAW = "w"  # "withdraw my request": the open case is closed
    RATE = "t"  # the 1-5 rating of a closed case: t:<case id>:<1-5>


ARGUMENTS: dict[Action, tuple[str, ...]] = {
    Action.LANGUAGE: (_LANGUAGE,),
    Action.LANGUAGE_MENU: (),
    Action.FEEDBACK: (_ID, "[yn]"),
    Action.SUGGESTION: (_ID, _ENTRY),
    Action.NO_SUGGESTION: (_ID,),
    Action.ENTRY_ORIGINAL: (_ENTRY, "de|en"),
    Action.STAFF_ORIGINAL: (_ID,),
    Action.PERSON: (),
    Action.ENTRY: (_ENTRY,),
    Action.GERMAN: (_ENTRY,),
    Action.RESUME_BOT: (),
    Action.WITHDRAW: (),
    Action.RATE: (_ID, "[1-5]"),
}


class InvalidCallback(Exception):
    """Callback data that this bot did not create for this chat (forged, altered or from another chat)."""


@dataclass(frozen=True)
class Callback:
    action: Action
    args: tuple[str, ...]


def _compile(action: Action) -> re.Pattern[str]:
    parts = [re.escape(action.value), *(f"(?:{arg})" for arg in ARGUMENTS[action]), _SIGNATURE]
    return re.compile("^" + ":".join(parts) + "$")


_PATTERNS = {action: _compile(action) for action in Action}  # built once: every button is checked against one


def pattern(action: Action) -> re.Pattern[str]:
    """What a payload of `action` looks like (for its CallbackQueryHandler); the signature is checked later."""
    return _PATTERNS[action]


class CallbackSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, chat_id: int, body: str) -> str:
        digest = hmac.new(self._secret, f"{chat_id}|{body}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_SIG_LEN]

    def encode(self, chat_id: int, action: Action, *args: str | int) -> str:
        """The signed payload; raises ValueError for arguments that do not fit the action (a bug)."""
        body = ":".join([action.value, *(str(a) for a in args)])
        data = f"{body}:{self._signature(chat_id, body)}"
        if not pattern(action).match(data):
            raise ValueError(f"arguments {args!r} do not fit the button action {action.name}")
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data {data!r} is longer than {MAX_CALLBACK_BYTES} bytes")
        return data

    def decode(self, chat_id: int, data: str | None) -> Callback:
        """The action and arguments of a payload this bot signed for this chat; raises InvalidCallback."""
        if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES or ":" not in data:
            raise InvalidCallback("malformed")
        body, _, signature = data.rpartition(":")
        # Compared as bytes: a forged payload may hold any characters (str comparison refuses non-ASCII).
        if not hmac.compare_digest(signature.encode(), self._signature(chat_id, body).encode()):
            raise InvalidCallback("bad signature")
        action_code, *args = body.split(":")
        try:
            action = Action(action_code)
        except ValueError:
            raise InvalidCallback(f"unknown action {action_code!r}") from None
        if not pattern(action).match(data):
            raise InvalidCallback(f"arguments do not fit {action.name}")
        return Callback(action, tuple(args))
