"""What every handler does first: who is writing, in which language to render, and how to send."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from bot import services
from bot.degraded import DegradedLog
from bot.services import UserProfile
from bot.telegram.context import LotseContext
from bot.telegram.render import Renderer, Reply
from translations.catalog import has_machine_catalog
from translations.interface import prepare_machine_interface
from translations.languages import is_curated

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
SEND_RETRY_PAUSES = (0.5, 1.5)  # seconds before the second and third try of a reply part

log = logging.getLogger(__name__)
degraded = DegradedLog(log)


async def profile_of(update: Update, context: LotseContext, text: str | None = None) -> UserProfile:
    """The sender's profile (created on first contact); `text` helps guess the language of a new user."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None, "handlers are registered for private chats with a sender"
    return await services.register_contact(context.services, user.id, chat.id, user.language_code, text)


async def renderer_for(context: LotseContext, chat_id: int, language: str, *, typing: bool = True) -> Renderer:
    """A renderer for the reader's language; a machine-only language gets its interface translated first
    (once per process, from the translation cache after a restart) while the chat shows "typing…"."""
    if not is_curated(language) and not has_machine_catalog(language):
        if typing:
            await show_typing(context, chat_id)
        await prepare_machine_interface(context.services.translator, language)
    return Renderer(context.services.kb, context.signer, chat_id, language)


async def show_typing(context: LotseContext, chat_id: int) -> None:
    """ "typing…" while something slow runs; cosmetic, so a failure is only logged (an error message for it
    could follow an action that succeeded)."""
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as exc:
        degraded.warning("typing", "could not show typing in chat %s: %s", chat_id, exc)


async def renderer(context: LotseContext, profile: UserProfile) -> Renderer:
    return await renderer_for(context, profile.chat_id, profile.language)


async def send(context: LotseContext, chat_id: int, replies: Sequence[Reply]) -> None:
    """Send a reply, part by part. A part that surely did not go out (`not_sent`: Telegram answered with a
    5xx, or no connection was made) is tried again a moment later; any other failure is not retried, since
    the part may have arrived (no duplicates)."""
    for reply in replies:
        for attempt, pause in enumerate((*SEND_RETRY_PAUSES, None)):
            try:
                await context.bot.send_message(
                    chat_id, reply.html, parse_mode="HTML", reply_markup=reply.keyboard, link_preview_options=NO_PREVIEW
                )
                break
            except NetworkError as exc:
                if pause is None or not not_sent(exc):
                    raise
                degraded.warning(
                    "send-retry", "Telegram failed, trying again (chat %s, attempt %s): %s", chat_id, attempt + 1, exc
                )
                await asyncio.sleep(pause)


def not_sent(error: TelegramError) -> bool:
    """Whether a failed call surely did not reach Telegram's chat: Telegram answered with a server error,
    or no connection was made. A timeout, a connection lost while waiting for the answer, or an error
    inside the HTTP library leave the outcome unknown."""
    if not isinstance(error, NetworkError) or isinstance(error, (BadRequest, TimedOut)):
        return False
    message = error.message
    if message.startswith("httpx."):  # python-telegram-bot's wording for an error of the HTTP library
        return message.startswith("httpx.ConnectError")
    return not message.startswith("Unknown error in HTTP implementation")
