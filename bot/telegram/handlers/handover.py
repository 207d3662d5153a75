"""Talking to a person: /person, the "Talk to a person" button, and the German original of a staff reply."""

from __future__ import annotations

from telegram import Update

from bot import services
from bot.telegram.context import LotseContext
from bot.telegram.handlers.buttons import acknowledge, pressed
from bot.telegram.handlers.common import profile_of, renderer, send


async def person_command(update: Update, context: LotseContext) -> None:
    profile = await profile_of(update, context)
    case = await services.request_person(context.services, profile)
    await send(context, profile.chat_id, (await renderer(context, profile)).person_requested(case))


async def person_button(update: Update, context: LotseContext) -> None:
    if (button := await pressed(update, context)) is None:
        return
    case = await services.request_person(context.services, button.profile)
    await send(context, button.profile.chat_id, button.render.person_requested(case))
    await acknowledge(button.query)


async def staff_original(update: Update, context: LotseContext) -> None:
    """The German original of a translated staff reply (only of the user's own case)."""
    if (button := await pressed(update, context)) is None:
        return
    (case_message_id,) = button.args
    original = await services.original_of(context.services, button.profile, int(case_message_id))
    await send(context, button.profile.chat_id, button.render.original_text(original))
    await acknowledge(button.query)
