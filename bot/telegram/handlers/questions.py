"""Free-text questions, and messages that are not text (stickers, photos, voice, files)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Message, Update
from telegram.error import BadRequest

from bot import services
from bot.services import CaseMessageKind, HandoverState, Sender, UserProfile
from bot.telegram.context import LotseContext
from bot.telegram.handlers.common import profile_of, renderer, send, show_typing
from bot.telegram.render import Renderer, Reply
from translations.languages import is_curated

log = logging.getLogger(__name__)


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
    elif isinstance(outcome, services.Forwarded):
        replies = render.forwarded(outcome)  # once per case; the team answers, not the knowledge base
    elif isinstance(outcome, services.CommentSaved):
        replies = render.comment_saved()
    elif isinstance(outcome, services.PersonRequested):
        replies = render.person_requested(outcome.case, services.expected_answer(ctx))
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
    """Stickers, photos, voice, locations, files. In hand-over mode a photo or document (a letter, mostly)
    goes to the user's case; otherwise the user is asked for text (voice, photos and files: a person is
    offered too)."""
    message = update.effective_message
    assert message is not None, "registered for messages"
    ctx = context.services
    profile = await profile_of(update, context)
    attachment = _attachment(message)
    if attachment is not None:
        state = await services.handover_state(ctx, profile)
        if state.forwards:
            await _forward_attachment(context, profile, state, message, attachment)
            return
    voice = bool(message.voice or message.audio or message.video_note)
    kind = "voice message" if voice else "non-text message"
    await services.remember(ctx, profile, Sender.USER, f"[{kind}]")
    await send(
        context, profile.chat_id, (await renderer(context, profile)).non_text(voice, file=attachment is not None)
    )


@dataclass(frozen=True)
class _Attachment:
    file_id: str
    size: int | None
    kind: CaseMessageKind
    file_name: str
    media_type: str


def _attachment(message: Message) -> _Attachment | None:
    """The photo (its largest size) or document of a message, if it has one."""
    if message.photo:
        photo = message.photo[-1]
        return _Attachment(photo.file_id, photo.file_size, CaseMessageKind.PHOTO, "photo.jpg", "image/jpeg")
    if message.document:
        document = message.document
        name = (document.file_name or "document")[:255]
        media_type = document.mime_type or "application/octet-stream"
        return _Attachment(document.file_id, document.file_size, CaseMessageKind.DOCUMENT, name, media_type)
    return None


async def _forward_attachment(
    context: LotseContext, profile: UserProfile, state: HandoverState, message: Message, attachment: _Attachment
) -> None:
    ctx = context.services
    render = await renderer(context, profile)
    limit_mb = ctx.settings.handover.max_file_mb
    limit = int(limit_mb * 1024 * 1024)
    if attachment.size is not None and attachment.size > limit:
        await send(context, profile.chat_id, render.file_too_large(limit_mb))
        return
    await show_typing(context, profile.chat_id)
    try:
        telegram_file = await context.bot.get_file(attachment.file_id)
        content = bytes(await telegram_file.download_as_bytearray())
    except BadRequest as exc:  # "file is too big" (over Telegram's 20 MB) or a file Telegram no longer has
        log.info("could not download a file from chat %s: %s", profile.chat_id, exc)
        await send(context, profile.chat_id, render.file_too_large(limit_mb))
        return
    if len(content) > limit:
        await send(context, profile.chat_id, render.file_too_large(limit_mb))
        return
    media_type = _image_type(content) if attachment.kind is CaseMessageKind.PHOTO else attachment.media_type
    file = services.UserFile(attachment.kind, attachment.file_name, media_type, content)
    forwarded = await services.forward_file(ctx, profile, state, file, message.caption)
    if forwarded is None:  # the case changed meanwhile (closed, or "ask the bot again")
        await send(context, profile.chat_id, render.non_text(False, file=True))
        return
    await send(context, profile.chat_id, render.file_received(forwarded))


_IMAGE_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF8", "image/gif"))


def _image_type(content: bytes) -> str:
    """A photo's type from its first bytes (Telegram sends JPEG; a self-hosted Bot API server may not)."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for signature, kind in _IMAGE_SIGNATURES if content.startswith(signature)), "image/jpeg")
