"""Thin python-telegram-bot handlers: read the update, call one service, render, send."""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import services
from bot.services import ServiceContext, UserProfile
from bot.telegram.callbacks import CallbackSigner, InvalidCallback
from bot.telegram.render import Renderer, Reply
from translations.catalog import has_machine_catalog
from translations.interface import prepare_machine_interface
from translations.languages import LANGUAGE_NAMES

log = logging.getLogger(__name__)

_PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _ctx(context: ContextTypes.DEFAULT_TYPE) -> ServiceContext:
    return context.application.bot_data["services"]


def _signer(context: ContextTypes.DEFAULT_TYPE) -> CallbackSigner:
    return context.application.bot_data["signer"]


async def _renderer(context: ContextTypes.DEFAULT_TYPE, profile: UserProfile) -> Renderer:
    """A renderer for the user's language; a machine-only language gets its interface translated first
    (once per process, from the translation cache after a restart) while the chat shows "typing…"."""
    ctx = _ctx(context)
    language = profile.language
    if not ctx.is_curated(language) and not has_machine_catalog(language):
        await context.bot.send_chat_action(profile.chat_id, ChatAction.TYPING)
        assert ctx.translator is not None
        await prepare_machine_interface(ctx.translator, language)
    return Renderer(ctx.kb, _signer(context), profile.chat_id, language)


async def _send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply]) -> None:
    for reply in replies:
        await context.bot.send_message(
            chat_id, reply.html, parse_mode="HTML", reply_markup=reply.keyboard, link_preview_options=_NO_PREVIEW
        )


async def _profile(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str | None = None) -> UserProfile:
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    return await services.register_contact(_ctx(context), user.id, chat.id, user.language_code, text)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [payload]: welcome and language picker. A payload may name a language or an entry."""
    payload = context.args[0] if context.args else ""
    if payload and not _PAYLOAD_RE.match(payload):
        payload = ""
    ctx = _ctx(context)
    profile = await _profile(update, context)
    if payload.lower() in ctx.offered_languages():
        profile = await services.choose_language(ctx, profile.telegram_user_id, profile.chat_id, payload.lower())
    render = await _renderer(context, profile)
    await _send(context, profile.chat_id, render.welcome())
    if not profile.language_chosen:
        user = update.effective_user
        unsupported = services.telegram_language_unsupported(ctx, user.language_code if user else None)
        await _send(context, profile.chat_id, render.language_picker(ctx.offered_languages(), unsupported=unsupported))
    entry_id = payload.lower().replace("_", "-")
    if entry_id in ctx.kb:
        await _send(context, profile.chat_id, render.answer(await services.show_entry(ctx, profile, entry_id)))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    profile = await _profile(update, context)
    await _send(context, profile.chat_id, (await _renderer(context, profile)).help())


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    profile = await _profile(update, context)
    await _send(
        context, profile.chat_id, (await _renderer(context, profile)).language_picker(_ctx(context).offered_languages())
    )


async def person_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    profile = await _profile(update, context)
    case = await services.request_person(_ctx(context), profile)
    await _send(context, profile.chat_id, (await _renderer(context, profile)).person_requested(case))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    profile = await _profile(update, context)
    await _send(context, profile.chat_id, (await _renderer(context, profile)).unknown_command())


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A free-text question."""
    message = update.effective_message
    assert message is not None and message.text is not None
    profile = await _profile(update, context, message.text)
    render = await _renderer(context, profile)
    if not _ctx(context).is_curated(profile.language):  # machine translation ahead: show "typing…"
        await context.bot.send_chat_action(profile.chat_id, ChatAction.TYPING)
    outcome = await services.handle_question(_ctx(context), profile, message.text)
    if isinstance(outcome, services.Answer):
        replies = render.answer(outcome)
    elif isinstance(outcome, services.Suggestions):
        replies = render.suggestions(outcome)
    elif isinstance(outcome, services.SmallTalkReply):
        replies = render.small_talk(outcome)
    else:
        replies = render.no_answer(outcome)
    await _send(context, profile.chat_id, replies)
    user = update.effective_user
    if (
        profile.is_new
        and not profile.language_chosen
        and services.telegram_language_unsupported(_ctx(context), user.language_code if user else None)
    ):
        # A first message without /start from someone whose language Lotse cannot serve: say so, offer a choice.
        await _send(
            context, profile.chat_id, render.language_picker(_ctx(context).offered_languages(), unsupported=True)
        )


async def other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, locations, files: ask for text (voice: offer a person too)."""
    message = update.effective_message
    assert message is not None
    profile = await _profile(update, context)
    voice = bool(message.voice or message.audio or message.video_note)
    kind = "voice message" if voice else "non-text message"
    await services.remember(_ctx(context), profile, "user", f"[{kind}]")
    await _send(context, profile.chat_id, (await _renderer(context, profile)).non_text(voice))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every inline button. Payloads are verified; anything forged gets a polite note."""
    query = update.callback_query
    assert query is not None
    ctx = _ctx(context)
    profile = await _profile(update, context)
    render = await _renderer(context, profile)
    try:
        callback = _signer(context).decode(profile.chat_id, query.data)
        note = await _dispatch(context, ctx, profile, callback.action, callback.args, query)
    except (
        InvalidCallback,
        services.UnknownQuestion,
        services.UnsupportedLanguage,
        services.CaseNotFound,
        ValueError,
    ) as exc:
        log.info("rejected button payload from chat %s: %s", profile.chat_id, type(exc).__name__)
        await query.answer(render.invalid_button(), show_alert=False)
        return
    await query.answer(note)


async def _dispatch(
    context, ctx: ServiceContext, profile: UserProfile, action: str, args: tuple[str, ...], query
) -> str | None:
    render = await _renderer(context, profile)
    if action == "l" and len(args) == 1:
        profile = await services.choose_language(ctx, profile.telegram_user_id, profile.chat_id, args[0])
        await _send(context, profile.chat_id, (await _renderer(context, profile)).language_set())
        return None
    if action == "m" and not args:
        await _send(context, profile.chat_id, render.language_picker(ctx.offered_languages()))
        return None
    if action == "r" and len(args) == 1:
        await _send(
            context, profile.chat_id, render.original_text(await services.original_of(ctx, profile, int(args[0])))
        )
        return None
    if action == "o" and len(args) == 2 and args[1] in ("de", "en"):
        await _send(context, profile.chat_id, render.answer(await services.show_entry(ctx, profile, args[0], args[1])))
        return None
    if action == "f" and len(args) == 2 and args[1] in ("y", "n"):
        helpful = args[1] == "y"
        await services.record_feedback(ctx, int(args[0]), helpful)
        await _drop_feedback_buttons(query, render)
        if not helpful:
            await _send(context, profile.chat_id, render.not_helped())
        return render.feedback_thanks(helpful)
    if action == "s" and len(args) == 2:
        answer = await services.choose_suggestion(ctx, profile, int(args[0]), args[1])
        await _send(context, profile.chat_id, render.answer(answer))
        return None
    if action == "n" and len(args) == 1:
        outcome = await services.reject_suggestions(ctx, profile, int(args[0]))
        await _send(context, profile.chat_id, render.no_answer(outcome))
        return None
    if action == "p" and not args:
        case = await services.request_person(ctx, profile)
        await _send(context, profile.chat_id, render.person_requested(case))
        return None
    raise ValueError(f"unknown action {action!r}")


async def _drop_feedback_buttons(query, render: Renderer) -> None:
    """After feedback, keep only the 'talk to a person' button under the answer."""
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup([render.person_row()]))
    except BadRequest as exc:  # e.g. "message is not modified" after a double tap
        log.debug("could not update buttons: %s", exc)


async def deliver_staff_replies(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tick: send staff replies waiting in the outbox, translated for their reader, and translate users'
    messages that arrived while the translator was busy."""
    ctx = _ctx(context)
    for reply in await services.claim_staff_replies(ctx):
        render = Renderer(
            ctx.kb, _signer(context), reply.chat_id, reply.language if reply.language in LANGUAGE_NAMES else "de"
        )
        if not ctx.is_curated(reply.language):
            assert ctx.translator is not None
            await prepare_machine_interface(ctx.translator, reply.language)
        try:
            await _send(context, reply.chat_id, render.staff_reply(reply))
        except Forbidden as exc:  # blocked the bot: no point in trying again
            await services.mark_failed(ctx, reply.outbox_id, str(exc), retry=False)
        except TelegramError as exc:
            log.warning("staff reply %s not delivered yet: %s", reply.outbox_id, exc)
            await services.mark_failed(ctx, reply.outbox_id, str(exc), retry=True)
        else:
            await services.mark_sent(ctx, reply.outbox_id)
    await services.translate_waiting_user_messages(ctx)  # staff read them in German as soon as possible


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log, and tell the user something went wrong instead of staying silent."""
    error = context.error
    if isinstance(error, Forbidden):
        log.info("user blocked the bot: %s", error)
        return
    log.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_user is None:
        return
    language = update.effective_user.language_code or _ctx(context).settings.default_language
    try:
        profile = await _profile(update, context)
        language = profile.language
    except Exception:  # noqa: BLE001 - the database may be what failed
        pass
    render = Renderer(
        _ctx(context).kb, _signer(context), update.effective_chat.id, language if language in LANGUAGE_NAMES else "de"
    )
    try:
        await _send(context, update.effective_chat.id, render.error())
    except TelegramError:
        log.warning("could not send the error message either")
