"""Wire python-telegram-bot's Application to the services: one place, like PTB's own examples."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import BotCommand
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.services import ServiceContext
from bot.services.retention import purge_old_messages
from bot.settings import SUPPORTED_LANGUAGES
from bot.telegram import handlers
from bot.telegram.callbacks import CallbackSigner
from bot.telegram.render import command_descriptions

log = logging.getLogger(__name__)

OUTBOX_TICK = dt.timedelta(seconds=2)


def build_application(
    ctx: ServiceContext, *, token: str, base_url: str, base_file_url: str, secret: bytes
) -> Application:
    """The bot, ready for `run_polling()` or for tests to start and stop."""
    application = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(16)  # one user's slow machine translation must not hold up everybody else
        .post_init(_post_init)
        .build()
    )
    application.bot_data["services"] = ctx
    application.bot_data["signer"] = CallbackSigner(secret)

    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("language", handlers.language_command))
    application.add_handler(CommandHandler("person", handlers.person_command))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.text_message))
    application.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.other_message))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_error_handler(handlers.on_error)

    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _purge, interval=dt.timedelta(hours=6), first=dt.timedelta(seconds=30), name="purge-messages"
        )
        application.job_queue.run_repeating(
            handlers.deliver_staff_replies,
            interval=OUTBOX_TICK,
            first=OUTBOX_TICK,
            name="deliver-staff-replies",
            job_kwargs={"max_instances": 1},
        )
    return application


async def _post_init(application: Application) -> None:
    """Register the commands in every language (Telegram shows the user's)."""
    ctx: ServiceContext = application.bot_data["services"]
    for language in SUPPORTED_LANGUAGES:
        commands = [BotCommand(name, description) for name, description in command_descriptions(language)]
        await application.bot.set_my_commands(commands, language_code=language)
    default = [
        BotCommand(name, description) for name, description in command_descriptions(ctx.settings.default_language)
    ]
    await application.bot.set_my_commands(default)


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx: ServiceContext = context.application.bot_data["services"]
    deleted = await purge_old_messages(ctx)
    if deleted:
        log.info("deleted %d conversation messages older than %d days", deleted, ctx.settings.message_retention_days)
