"""Wire python-telegram-bot's Application to the handlers: one place, like PTB's own examples.

One handler per command, per kind of message and per button `Action` (with that action's payload pattern);
a last CallbackQueryHandler answers payloads that fit no action. `bot/runtime.py` calls `build_application`.

Lotse talks in private chats only: every conversation handler is limited to new messages in private chats
(edited messages and channel posts match nothing); commands in groups get `groups.group_command`. Updates of
one chat are handled in order, different chats at once (`ordering.py`); the flood limits are kept by
`ratelimit.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import BotCommand
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.services import ServiceContext
from bot.telegram import delivery, retention
from bot.telegram.callbacks import Action, CallbackSigner, pattern
from bot.telegram.context import LotseApplication, LotseContext
from bot.telegram.handlers import buttons, errors, groups, handover, questions, start
from bot.telegram.ordering import ChatOrderedUpdateProcessor
from bot.telegram.ratelimit import TelegramRateLimiter
from bot.telegram.render import EMERGENCY_MESSAGES, command_descriptions
from translations.interface import prepare_machine_strings
from translations.languages import CURATED_LANGUAGES, is_curated

OUTBOX_TICK = dt.timedelta(seconds=2)
PURGE_EVERY = dt.timedelta(hours=6)

BUTTONS = {
    Action.LANGUAGE: buttons.choose_language,
    Action.LANGUAGE_MENU: buttons.language_menu,
    Action.FEEDBACK: buttons.feedback,
    Action.SUGGESTION: buttons.suggestion,
    Action.NO_SUGGESTION: buttons.no_suggestion,
    Action.ENTRY_ORIGINAL: buttons.entry_original,
    Action.STAFF_ORIGINAL: handover.staff_original,
    Action.PERSON: handover.person_button,
    Action.RESUME_BOT: handover.resume_bot,
    Action.WITHDRAW: handover.withdraw,
    Action.RATE: handover.rate,
    Action.ENTRY: buttons.entry,
    Action.GERMAN: buttons.in_german,
}


def build_application(
    ctx: ServiceContext, *, token: str, base_url: str, base_file_url: str, secret: bytes
) -> LotseApplication:
    """The bot, ready for `run_polling()` or for tests to start and stop."""
    application = (
        ApplicationBuilder()
        .application_class(LotseApplication, kwargs={"services": ctx, "signer": CallbackSigner(secret)})
        .context_types(ContextTypes(context=LotseContext))
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .rate_limiter(TelegramRateLimiter(max_retries=3))
        # One user's slow machine translation must not hold up everybody else; one user's updates in order.
        .concurrent_updates(ChatOrderedUpdateProcessor(max_concurrent_chats=32))
        .post_init(_register_commands)
        .build()
    )
    assert isinstance(application, LotseApplication)

    private = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE  # new messages only: no edits, no channels
    application.add_handler(CommandHandler("start", start.start, filters=private))
    application.add_handler(CommandHandler("help", start.help_command, filters=private))
    application.add_handler(CommandHandler("language", start.language_command, filters=private))
    application.add_handler(CommandHandler("person", handover.person_command, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, start.unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, questions.text_message))
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, questions.other_message)
    )
    for action, handler in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(handler, pattern=pattern(action)))
    application.add_handler(CallbackQueryHandler(buttons.invalid))
    group_commands = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS & filters.COMMAND
    application.add_handler(MessageHandler(group_commands, groups.group_command))
    application.add_handler(ChatMemberHandler(groups.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(errors.on_error)

    if application.job_queue is not None:
        application.job_queue.run_repeating(
            retention.purge_old_messages, interval=PURGE_EVERY, first=dt.timedelta(seconds=30), name="purge-messages"
        )
        application.job_queue.run_repeating(
            delivery.deliver_outbox,
            interval=OUTBOX_TICK,
            first=OUTBOX_TICK,
            name="deliver-outbox",
            job_kwargs={"max_instances": 1},
        )
        application.job_queue.run_once(_prepare_emergency_card, when=0.5, name="prepare-emergency-card")
    return application


async def _prepare_emergency_card(context: LotseContext) -> None:
    """Translate the emergency card into every language only machine translation reaches, ahead of need."""
    ctx = context.services
    for language in ctx.offered_languages():
        if not is_curated(language):
            await prepare_machine_strings(ctx.translator, language, EMERGENCY_MESSAGES)


async def _register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register the commands in every language (Telegram shows the user's)."""
    assert isinstance(application, LotseApplication)
    for language in CURATED_LANGUAGES:
        commands = [BotCommand(name, description) for name, description in command_descriptions(language)]
        await application.bot.set_my_commands(commands, language_code=language)
    default_language = application.services.settings.default_language
    default = [BotCommand(name, description) for name, description in command_descriptions(default_language)]
    await application.bot.set_my_commands(default)
