"""A fake Telegram Bot API: the bots it knows (by token) and how one Bot API call is answered.

It answers like Telegram does (result shapes from the Bot API reference, errors with Telegram's codes
and descriptions, Telegram's sending limits as 429 with `retry_after`, 409 on competing getUpdates) and
lets a test driver or the demo's browser chat act as users (`fake_telegram.updates`). Tests can inject
faults per method (`fake_telegram.faults`) and move a bot's clock forward.
All methods run on one asyncio event loop (the server's).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fake_telegram import updates
from fake_telegram.errors import BotApiError, bad_request
from fake_telegram.faults import Fault
from fake_telegram.files import StoredFile
from fake_telegram.limits import RateLimits
from fake_telegram.methods import METHODS
from fake_telegram.spec import ParameterError, coerce_params, method_fields
from fake_telegram.state import BotState

__all__ = ["BotApiError", "FakeBotApi"]

TOKEN_RE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{1,200}")


class FakeBotApi:
    """All bots the fake server knows, by token; an unknown token is 401 Unauthorized, as in Telegram."""

    def __init__(self, tokens: list[str] | None = None, *, limits: bool = True) -> None:
        self.limits = limits
        self.bots: dict[str, BotState] = {}
        for token in tokens or []:
            self.add_bot(token)

    def add_bot(
        self,
        token: str,
        username: str = "lotse_demo_bot",
        first_name: str = "Lotse",
        *,
        can_read_all_group_messages: bool = False,
    ) -> BotState:
        """Register a bot (again: keeps its state). With `can_read_all_group_messages` its privacy mode is off."""
        if not TOKEN_RE.fullmatch(token):
            raise ValueError(f"not a bot token: {token!r}")
        if token in self.bots:
            return self.bots[token]
        state = BotState(
            token=token,
            bot_user={
                "id": int(token.split(":", 1)[0]),
                "is_bot": True,
                "first_name": first_name,
                "username": username,
                "can_join_groups": True,
                "can_read_all_group_messages": can_read_all_group_messages,
                "supports_inline_queries": False,
            },
            limits=RateLimits(enabled=self.limits),
        )
        self.bots[token] = state
        return state

    def bot(self, token: str) -> BotState:
        state = self.bots.get(token)
        if state is None:
            raise BotApiError(401, "Unauthorized")
        return state

    # --- the bot side --------------------------------------------------------------------------

    async def call(self, token: str, method: str, raw_params: dict[str, Any]) -> Any:
        """Run one Bot API method; returns the `result` or raises BotApiError.

        Order: token, method, parameters, then an injected fault, then the sending limits, then the method.
        """
        state = self.bot(token)
        if method_fields(method) is None:
            raise BotApiError(404, "Not Found")
        try:
            params = coerce_params(method, raw_params)
        except ParameterError as exc:
            raise BotApiError(400, str(exc)) from exc
        call: dict[str, Any] = {"method": method, "params": params, "time": state.now()}
        state.calls.append(call)
        fault = state.faults.draw(method, params)
        if fault is not None:
            call["fault"] = fault.kind
            if fault.kind != "late":
                await _fail(fault)
        handler = METHODS.get(method.lower())
        if handler is None:
            raise bad_request(f"method {method} is not supported by this fake Bot API server")
        reservation = state.limits.reserve(method, params.get("chat_id"), state.monotonic())
        try:
            result = await handler(state, params)
        except BotApiError:
            if reservation is not None:
                reservation.release()
            if fault is not None:
                await asyncio.sleep(fault.delay)
            raise
        if fault is not None:  # late: done and recorded, but the answer comes too late
            await asyncio.sleep(fault.delay)
        return result

    # --- the file server -------------------------------------------------------------------------

    def download(self, token: str, file_path: str) -> StoredFile:
        """A file as Telegram's file server gives it to the bot (`/file/bot<token>/<file_path>`): 401 for
        an unknown token, 404 for a path getFile did not give this bot."""
        return self.bot(token).files.download(file_path)

    # --- the user side (test driver, browser chat) -----------------------------------------------

    def file(self, token: str, file_id: str) -> StoredFile:
        """A file in one of the bot's chats, as a user's app downloads it (any size); 400 if unknown."""
        file = self.bot(token).files.by_id.get(file_id)
        if file is None:
            raise bad_request("invalid file_id")
        return file

    async def user_sends(self, token: str, user_id: int | None, **message: Any) -> dict[str, Any]:
        """See `fake_telegram.updates.user_sends`."""
        return await updates.user_sends(self.bot(token), user_id, **message)

    async def user_edits(
        self, token: str, user_id: int | None, message_id: int, text: str, chat_id: int | None = None
    ) -> dict[str, Any]:
        return await updates.user_edits(self.bot(token), user_id, message_id, text, chat_id)

    async def user_presses(
        self, token: str, user_id: int, message_id: int, data: str, chat_id: int | None = None
    ) -> dict[str, Any]:
        return await updates.user_presses(self.bot(token), user_id, message_id, data, chat_id)

    async def block(self, token: str, user_id: int, blocked: bool = True) -> None:
        await updates.set_blocked(self.bot(token), user_id, blocked)

    def add_fault(self, token: str, fault: Fault) -> None:
        self.bot(token).faults.add(fault)

    def clear_faults(self, token: str) -> None:
        self.bot(token).faults.clear()

    def advance(self, token: str, seconds: float) -> None:
        self.bot(token).advance(seconds)

    def messages(self, token: str, chat_id: int, after: int = 0) -> list[dict[str, Any]]:
        return self.bot(token).messages(chat_id, after)

    async def wait_messages(self, token: str, chat_id: int, after: int, timeout: float) -> None:
        await self.bot(token).wait_messages(chat_id, after, timeout)

    async def callback_answer(self, token: str, query_id: str, timeout: float = 0) -> dict[str, Any] | None:
        """How the bot answered the callback query, waiting up to `timeout` s for it (None: not answered)."""
        state = self.bot(token)
        if query_id not in state.callback_queries:
            raise bad_request("callback query not found")
        await state.wait_until(lambda: state.callback_answer(query_id) is not None, timeout)
        return state.callback_answer(query_id)

    async def close(self) -> None:
        """The server is stopping: every waiting long poll (bots and clients) is answered now."""
        for state in self.bots.values():
            await state.close()


async def _fail(fault: Fault) -> None:
    error = fault.error()
    assert error is not None
    if fault.kind == "timeout-before":
        await asyncio.sleep(fault.delay)
    raise error
