"""/start (with deep links), /help, /language and commands the bot does not know."""

from __future__ import annotations

import re

from telegram import Update

from bot import services
from bot.telegram.context import LotseContext
from bot.telegram.handlers.common import profile_of, renderer, send

_PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


async def start(update: Update, context: LotseContext) -> None:
    """/start [payload]: welcome and language picker. A payload may name a language or an entry."""
    payload = context.args[0] if context.args else ""
    if not _PAYLOAD_RE.match(payload):
        payload = ""
    ctx = context.services
    profile = await profile_of(update, context)
    if payload.lower() in ctx.offered_languages():
        profile = await services.choose_language(ctx, profile.telegram_user_id, profile.chat_id, payload.lower())
    render = await renderer(context, profile)
    await send(context, profile.chat_id, render.welcome())
    if not profile.language_chosen:
        user = update.effective_user
        unsupported = services.telegram_language_unsupported(ctx, user.language_code if user else None)
        await send(context, profile.chat_id, render.language_picker(ctx.offered_languages(), unsupported=unsupported))
    entry_id = payload.lower().replace("_", "-")
    if entry_id in ctx.kb:
        await send(context, profile.chat_id, render.answer(await services.show_entry(ctx, profile, entry_id)))


async def help_command(update: Update, context: LotseContext) -> None:
    profile = await profile_of(update, context)
    await send(context, profile.chat_id, (await renderer(context, profile)).help())


async def language_command(update: Update, context: LotseContext) -> None:
    profile = await profile_of(update, context)
    picker = (await renderer(context, profile)).language_picker(context.services.offered_languages())
    await send(context, profile.chat_id, picker)


async def unknown_command(update: Update, context: LotseContext) -> None:
    profile = await profile_of(update, context)
    await send(context, profile.chat_id, (await renderer(context, profile)).unknown_command())
