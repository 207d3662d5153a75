"""Groups and channels: Lotse talks to people only in private chats.

A command addressed to the bot in a group gets, once per group and day, a short "please write to me
privately" in the sender's language (German when Lotse does not have it); everything else from groups and
channels is ignored and never touches a user's stored chat. Blocking and unblocking the bot in a private
chat (`my_chat_member`) marks the user unreachable or reachable for the outbox.
"""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType

from bot import services
from bot.telegram.context import LotseContext
from bot.telegram.handlers.common import send
from bot.telegram.render import Renderer
from intents import normalize_language_code
from translations.languages import CURATED_LANGUAGES


async def group_command(update: Update, context: LotseContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and message.text is not None and chat is not None, "registered for group commands"
    command = message.text.split(maxsplit=1)[0]
    addressee = command.partition("@")[2]
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return  # meant for another bot
    ctx = context.services
    if not await services.first_group_notice_today(ctx, chat.id):
        return
    user = update.effective_user
    language = normalize_language_code(user.language_code if user else None, CURATED_LANGUAGES)
    render = Renderer(ctx.kb, context.signer, chat.id, language or ctx.settings.default_language)
    await send(context, chat.id, render.write_privately(context.bot.username))


async def membership_changed(update: Update, context: LotseContext) -> None:
    """The user blocked (kicked) or unblocked the bot in their private chat."""
    change = update.my_chat_member
    assert change is not None, "registered for my_chat_member updates"
    if change.chat.type != ChatType.PRIVATE:
        return  # added to or removed from a group: nothing about a user's reachability
    status = change.new_chat_member.status
    reachable = status not in (ChatMember.BANNED, ChatMember.LEFT)
    await services.set_reachable(context.services, change.from_user.id, reachable)
