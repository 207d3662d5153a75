"""The one place where errors become what the user reads.

- A domain error (`bot.services.LotseError`) is expected: logged briefly, and the user gets its kind's
  polite, translated text (the notice under a pressed button, else a message).
- Anything else is a bug: logged with its traceback, and the user gets the generic apology as a message
  (and as the notice of a pressed button), never silence and never "this button is no longer valid".
- Telegram errors outside an update (the network or Telegram down while polling) are logged, rate-limited.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

from bot.degraded import DegradedLog
from bot.services import LotseError, known_language
from bot.telegram.context import LotseContext
from bot.telegram.handlers.common import send
from bot.telegram.render import Renderer
from intents import normalize_language_code
from translations.languages import CURATED_LANGUAGES

log = logging.getLogger(__name__)
degraded = DegradedLog(log)


async def on_error(update: object, context: LotseContext) -> None:
    error = context.error
    if isinstance(error, Forbidden):
        log.info("user blocked the bot: %s", error)
        return
    if not isinstance(update, Update):  # polling or a job, not a user's update
        if isinstance(error, NetworkError):
            degraded.warning("network", "Telegram is not reachable: %s", error)
        else:
            log.error("error outside an update", exc_info=error)
        return
    chat = update.effective_chat
    expected = isinstance(error, LotseError)
    if expected:
        log.info("%s in chat %s: %s", type(error).__name__, chat.id if chat else "-", error)
    else:
        log.error("error while handling an update in chat %s", chat.id if chat else "-", exc_info=error)
    if chat is None:
        return
    render = await _renderer(update, context, chat.id)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(render.error_text(error))
        if update.callback_query is None or not expected:
            await send(context, chat.id, render.error(error))
    except TelegramError as exc:
        degraded.warning("error-reply", "could not tell chat %s about an error: %s", chat.id, exc)


async def _renderer(update: Update, context: LotseContext, chat_id: int) -> Renderer:
    """A renderer in the user's language; their Telegram language if the database cannot tell."""
    user = update.effective_user
    language = None
    if user is not None:
        language = await known_language(context.services, user.id)
        language = language or normalize_language_code(user.language_code, CURATED_LANGUAGES)
    language = language or context.services.settings.default_language
    return Renderer(context.services.kb, context.signer, chat_id, language)
