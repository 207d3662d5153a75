"""Talking to a person: /person, the "Talk to a person" button, and the German original of a staff reply."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot import services
from bot.telegram.context import LotseContext
from bot.telegram.handlers.buttons import acknowledge, pressed
from bot.telegram.handlers.common import profile_of, renderer, send

log = logging.getLogger(__name__)


async def person_command(update: Update, context: LotseContext) -> None:
    profile = await profile_of(update, context)
    case = await services.request_person(context.services, profile)
    expected = services.expected_answer(context.services)
    await send(context, profile.chat_id, (await renderer(context, profile)).person_requested(case, expected))


async def person_button(update: Update, context: LotseContext) -> None:
    if (button := await pressed(update, context)) is None:
        return
    case = await services.request_person(context.services, button.profile)
    expected = services.expected_answer(context.services)
    await send(context, button.profile.chat_id, button.render.person_requested(case, expected))
    await acknowledge(button.query)


async def staff_original(update: Update, context: LotseContext) -> None:
    """The German original of a translated staff reply (only of the user's own case)."""
    if (button := await pressed(update, context)) is None:
        return
    (case_message_id,) = button.args
    original = await services.original_of(context.services, button.profile, int(case_message_id))
    await send(context, button.profile.chat_id, button.render.original_text(original))
    await acknowledge(button.query)


async def resume_bot(update: Update, context: LotseContext) -> None:
    """ "Ask the bot again": the bot answers from the knowledge base again; the case stays open."""
    if (button := await pressed(update, context)) is None:
        return
    try:
        case_id = await services.resume_bot(context.services, button.profile)
    except services.CaseNotFound:  # closed or withdrawn meanwhile: the bot answers anyway
        await send(context, button.profile.chat_id, button.render.no_open_request())
    else:
        await send(context, button.profile.chat_id, button.render.bot_resumed(case_id))
    await acknowledge(button.query)


async def withdraw(update: Update, context: LotseContext) -> None:
    """ "Withdraw my request": the open case is closed."""
    if (button := await pressed(update, context)) is None:
        return
    try:
        case_id = await services.withdraw_request(context.services, button.profile)
    except services.CaseNotFound:
        await send(context, button.profile.chat_id, button.render.no_open_request())
    else:
        await send(context, button.profile.chat_id, button.render.withdrawn(case_id))
    await acknowledge(button.query)


async def rate(update: Update, context: LotseContext) -> None:
    """The 1-5 rating of a closed case; an optional comment may follow."""
    if (button := await pressed(update, context)) is None:
        return
    case_id, rating = button.args
    await services.rate_case(context.services, button.profile, int(case_id), int(rating))
    try:  # the stars go away: one rating per case (a second tap before this would just change it)
        await button.query.edit_message_reply_markup(None)
    except BadRequest as exc:
        log.debug("could not remove the rating buttons: %s", exc)
    await send(context, button.profile.chat_id, button.render.rated())
    await acknowledge(button.query)
