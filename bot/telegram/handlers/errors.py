"""The one place where errors become what the user reads.

- A domain error (`bot.services.LotseError`) is expected: logged briefly, and the user gets its kind's
  polite, translated text (the notice under a pressed button, else a message).
- A bug (anything else, including a request Telegram refuses as malformed): logged with its traceback,
  and the user gets the generic apology as a message (and as the notice of a pressed button), never
  silence and never "this button is no longer valid".
- Telegram failing (network down, timeouts, flood limits, another process polling) is a degraded path:
  logged as a warning, at most once per kind every few minutes. A reply part that Telegram failed to take
  was already tried again (`common.send`); when it still failed, the user gets the apology once Telegram
  works again. A timeout or a flood limit gets no apology: the reply may well have arrived (a late
  response), and an action that succeeded is never followed by an error message.
- A user who blocked the bot: nothing to tell them.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.degraded import DegradedLog
from bot.services import LotseError, known_language
from bot.telegram.context import LotseContext
from bot.telegram.handlers.common import not_sent, send
from bot.telegram.render import Renderer
from intents import normalize_language_code
from translations.languages import CURATED_LANGUAGES

log = logging.getLogger(__name__)
degraded = DegradedLog(log)


async def on_error(update: object, context: LotseContext) -> None:
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    where = f"chat {chat.id}" if chat else "no chat"
    if isinstance(error, Forbidden):
        log.info("user blocked the bot (%s): %s", where, error)
        return
    if isinstance(error, TelegramError) and not isinstance(error, BadRequest):
        degraded.warning(f"telegram:{type(error).__name__}", "Telegram failed (%s): %s", where, error)
        if not not_sent(error):
            return  # the outcome is unknown (or Telegram asked us to slow down): say nothing more
    elif isinstance(error, LotseError):
        log.info("%s in %s: %s", type(error).__name__, where, error)
    else:
        log.error("error while handling an update (%s)", where, exc_info=error)
    if not isinstance(update, Update) or chat is None or chat.type != ChatType.PRIVATE:
        return
    render = await _renderer(update, context, chat.id)
    expected = isinstance(error, LotseError)
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(render.error_text(error))
        except TelegramError as exc:  # e.g. the query is too old: the message below still explains
            degraded.warning("error-notice", "could not answer a button press in %s: %s", where, exc)
    if update.callback_query is None or not expected:
        try:
            await send(context, chat.id, render.error(error))
        except TelegramError as exc:
            degraded.warning("error-reply", "could not tell %s about an error: %s", where, exc)


async def _renderer(update: Update, context: LotseContext, chat_id: int) -> Renderer:
    """A renderer in the user's language; their Telegram language if the database cannot tell."""
    user = update.effective_user
    language = None
    if user is not None:
        language = await known_language(context.services, user.id)
        language = language or normalize_language_code(user.language_code, CURATED_LANGUAGES)
    language = language or context.services.settings.default_language
    return Renderer(context.services.kb, context.signer, chat_id, language)
