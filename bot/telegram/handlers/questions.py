"""Free-text questions, and messages that are not text (stickers, photos, voice, files)."""

from __future__ import annotations

from telegram import Update

from bot import services
from bot.services import Sender
from bot.telegram.context import LotseContext
from bot.telegram.handlers.common import profile_of, renderer, send, show_typing
from bot.telegram.render import Renderer, Reply
from translations.languages import is_curated


async def text_message(update: Update, context: LotseContext) -> None:
    """A free-text question."""
    message = update.effective_message
    assert message is not None and message.text is not None, "registered for text messages"
    ctx = context.services
    profile = await profile_of(update, context, message.text)
    if not is_curated(profile.language):  # machine translation ahead: show "typing…"
        await show_typing(context, profile.chat_id)
    outcome = await services.handle_question(ctx, profile, message.text)
    if isinstance(outcome, services.EmergencyCard):
        # First, and never waiting for a translator: the card's texts are in the catalogs or prepared ahead.
        card = Renderer(ctx.kb, context.signer, profile.chat_id, profile.language).emergency_card(outcome)
        await send(context, profile.chat_id, card)
        return
    render = await renderer(context, profile)
    replies: list[Reply]
    if isinstance(outcome, services.Answer):
        replies = render.answer(outcome)
    elif isinstance(outcome, services.Suggestions):
        replies = render.suggestions(outcome)
    elif isinstance(outcome, services.SmallTalkReply):
        replies = render.small_talk(outcome)
    elif isinstance(outcome, services.NoWords):
        replies = render.no_words()
    else:
        replies = render.no_answer(outcome)
    await send(context, profile.chat_id, replies)
    user = update.effective_user
    telegram_language = user.language_code if user else None
    if (
        profile.is_new
        and not profile.language_chosen
        and services.telegram_language_unsupported(ctx, telegram_language)
    ):
        # A first message without /start from someone whose language Lotse cannot serve: say so, offer a choice.
        await send(context, profile.chat_id, render.language_picker(ctx.offered_languages(), unsupported=True))


async def other_message(update: Update, context: LotseContext) -> None:
    """Stickers, photos, voice, locations, files: ask for text (voice: offer a person too)."""
    message = update.effective_message
    assert message is not None, "registered for messages"
    profile = await profile_of(update, context)
    voice = bool(message.voice or message.audio or message.video_note)
    kind = "voice message" if voice else "non-text message"
    await services.remember(context.services, profile, Sender.USER, f"[{kind}]")
    await send(context, profile.chat_id, (await renderer(context, profile)).non_text(voice))
