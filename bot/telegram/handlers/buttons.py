"""Inline buttons: one handler per `Action`, each registered with its action's payload pattern.

`pressed()` checks the payload's signature (a forged or foreign payload gets "this button is no longer
valid") and hands the handler the user, a renderer and the arguments. Errors are not caught here: a
domain error reaches `errors.on_error`, which answers politely; anything else is a bug and is logged.

A handler does its action first, then acknowledges the press (`acknowledge`). The acknowledgement is
cosmetic (it stops the button's spinner): when it fails — the press waited longer than Telegram keeps a
query, e.g. while the bot was down — the action still happened, and the user is not told otherwise.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError

from bot import services
from bot.services import UserProfile
from bot.telegram.callbacks import InvalidCallback
from bot.telegram.context import LotseContext
from bot.telegram.handlers.common import profile_of, renderer, send
from bot.telegram.render import Renderer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pressed:
    query: CallbackQuery
    profile: UserProfile
    render: Renderer
    args: tuple[str, ...]


async def acknowledge(query: CallbackQuery, text: str | None = None) -> None:
    """Answer the callback query (stops the spinner, shows `text` as a notice); a failure is logged only."""
    try:
        await query.answer(text)
    except TelegramError as exc:  # e.g. "query is too old": the action is done, the notice is lost
        log.info("could not acknowledge a button press: %s", exc)


def _in_private_chat(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def pressed(update: Update, context: LotseContext) -> Pressed | None:
    """The verified button press, or None after telling the user that the button is no longer valid."""
    query = update.callback_query
    assert query is not None, "registered for callback queries"
    if not _in_private_chat(update):  # Lotse puts buttons only into private chats
        await acknowledge(query)
        return None
    profile = await profile_of(update, context)
    render = await renderer(context, profile)
    try:
        callback = context.signer.decode(profile.chat_id, query.data)
    except InvalidCallback as exc:
        await _reject(query, profile, render, str(exc))
        return None
    return Pressed(query, profile, render, callback.args)


async def invalid(update: Update, context: LotseContext) -> None:
    """Any payload that fits no action's pattern: forged, or from an older version of the bot."""
    query = update.callback_query
    assert query is not None, "registered for callback queries"
    if not _in_private_chat(update):
        await acknowledge(query)
        return
    profile = await profile_of(update, context)
    await _reject(query, profile, await renderer(context, profile), "no action has this shape")


async def _reject(query: CallbackQuery, profile: UserProfile, render: Renderer, reason: str) -> None:
    log.info("rejected button payload from chat %s: %s", profile.chat_id, reason)
    await acknowledge(query, render.invalid_button())


async def choose_language(update: Update, context: LotseContext) -> None:
    if (button := await pressed(update, context)) is None:
        return
    (language,) = button.args
    first_choice = not button.profile.language_chosen
    profile = button.profile
    profile = await services.choose_language(context.services, profile.telegram_user_id, profile.chat_id, language)
    render = await renderer(context, profile)
    # The first time, the welcome came in a language the user then did not pick: now it comes in theirs.
    await send(context, profile.chat_id, render.language_set(with_welcome=first_choice))
    await acknowledge(button.query)


async def language_menu(update: Update, context: LotseContext) -> None:
    if (button := await pressed(update, context)) is None:
        return
    picker = button.render.language_picker(context.services.offered_languages())
    await send(context, button.profile.chat_id, picker)
    await acknowledge(button.query)


async def feedback(update: Update, context: LotseContext) -> None:
    """'Did this help?' Yes or No: recorded anonymously; No offers a person."""
    if (button := await pressed(update, context)) is None:
        return
    log_id, verdict = button.args
    helpful = verdict == "y"
    await services.record_feedback(context.services, int(log_id), helpful)
    await _keep_only_person_button(button)
    if not helpful:
        await send(context, button.profile.chat_id, button.render.not_helped())
    await acknowledge(button.query, button.render.feedback_thanks(helpful))


async def suggestion(update: Update, context: LotseContext) -> None:
    """The user picked one of the offered topics."""
    if (button := await pressed(update, context)) is None:
        return
    log_id, entry_id = button.args
    answer = await services.choose_suggestion(context.services, button.profile, int(log_id), entry_id)
    await send(context, button.profile.chat_id, button.render.answer(answer))
    await acknowledge(button.query)


async def no_suggestion(update: Update, context: LotseContext) -> None:
    """None of the offered topics fits: the question goes to the team."""
    if (button := await pressed(update, context)) is None:
        return
    (log_id,) = button.args
    outcome = await services.reject_suggestions(context.services, button.profile, int(log_id))
    await send(context, button.profile.chat_id, button.render.no_answer(outcome))
    await acknowledge(button.query)


async def entry_original(update: Update, context: LotseContext) -> None:
    """The curated English or German original of a machine-translated answer."""
    if (button := await pressed(update, context)) is None:
        return
    entry_id, language = button.args
    answer = await services.show_entry(context.services, button.profile, entry_id, language)
    await send(context, button.profile.chat_id, button.render.answer(answer))
    await acknowledge(button.query)


async def entry(update: Update, context: LotseContext) -> None:
    """An entry in the user's language (the full emergency entry behind the card)."""
    if (button := await pressed(update, context)) is None:
        return
    (entry_id,) = button.args
    answer = await services.show_entry(context.services, button.profile, entry_id)
    await send(context, button.profile.chat_id, button.render.answer(answer))
    await acknowledge(button.query)


async def in_german(update: Update, context: LotseContext) -> None:
    """An answer in German, with its contact block, to show at the office."""
    if (button := await pressed(update, context)) is None:
        return
    (entry_id,) = button.args
    answer = await services.show_entry(context.services, button.profile, entry_id, "de")
    await send(context, button.profile.chat_id, button.render.answer_in_german(answer))
    await acknowledge(button.query)


async def _keep_only_person_button(button: Pressed) -> None:
    """After feedback, keep only the 'talk to a person' button under the answer."""
    try:
        await button.query.edit_message_reply_markup(InlineKeyboardMarkup([button.render.person_row()]))
    except BadRequest as exc:  # e.g. "message is not modified" after a double tap
        log.debug("could not update buttons: %s", exc)
