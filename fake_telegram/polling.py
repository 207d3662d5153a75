"""getUpdates as Telegram's Bot API server answers it (tdlib/telegram-bot-api, Client::do_get_updates).

- `offset` confirms (drops) every update before it; a negative offset keeps only the last -offset ones.
- `allowed_updates` is remembered until a later call sends it again (an empty list means the default:
  everything but chat_member, message_reaction and message_reaction_count).
- With updates waiting, or `timeout=0`, the answer comes at once.
- Otherwise the call waits up to `timeout` seconds (at most 50). A newer long poll terminates the one that
  is still waiting: that older call gets 409 "Conflict: terminated by other getUpdates request; make sure
  that only one bot instance is running", at most one such 409 every 3 seconds (later ones wait), as
  Telegram does. The newcomer is served, so a bot restarted while its old poll still hangs is not blocked.
- A poll whose client went away is cancelled by the HTTP layer (see `fake_telegram.app`); when the server
  stops, a waiting poll is answered at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

from fake_telegram.errors import BotApiError
from fake_telegram.state import BotState

MAX_TIMEOUT = 50
CONFLICT_PACE = 3.0  # seconds between two 409 conflicts of one bot
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)


async def get_updates(state: BotState, params: dict[str, Any]) -> list[dict[str, Any]]:
    if state.webhook_url:
        raise BotApiError(409, WEBHOOK_ACTIVE)
    offset = _int(params.get("offset"))
    limit = min(max(_int(params.get("limit")) or 100, 1), 100)
    timeout = min(max(_int(params.get("timeout")), 0), MAX_TIMEOUT)
    allowed = params.get("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = frozenset(str(kind) for kind in allowed) or None
    if offset > 0:
        while state.updates and state.updates[0]["update_id"] < offset:
            state.updates.popleft()
    elif offset < 0:
        state.updates = deque(list(state.updates)[offset:])

    ready = list(state.updates)[:limit]
    if ready or timeout == 0:
        return ready
    state.poll_generation += 1
    mine = state.poll_generation
    await state.notify()  # wakes the poll this one replaces
    deadline = time.monotonic() + timeout
    state.polls_waiting += 1
    try:
        while True:
            if state.poll_generation != mine:
                await _conflict(state)
            ready = list(state.updates)[:limit]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0 or state.closing:
                return ready
            async with state.changed:
                try:
                    await asyncio.wait_for(state.changed.wait(), min(remaining, 1.0))
                except TimeoutError:
                    pass
    finally:
        state.polls_waiting -= 1


async def _conflict(state: BotState) -> None:
    """Answer 409 to a long poll a newer one replaced (after a pause if another 409 was just given)."""
    now = time.monotonic()
    if now < state.next_conflict_time:
        await asyncio.sleep(CONFLICT_PACE)
    else:
        state.next_conflict_time = now + CONFLICT_PACE
    raise BotApiError(409, CONFLICT)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
