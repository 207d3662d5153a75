"""Private chats only, as Telegram delivers everything else too: groups, channels, edits, membership."""

from __future__ import annotations

from sqlalchemy import func, select

from bot import services
from bot.db import Case, QuestionLog, User
from fake_telegram import TelegramChannel, TelegramGroup
from tests.helpers import Clock, RunningBot, eventually


async def test_a_user_with_an_open_case_who_writes_in_a_group_still_gets_staff_replies_privately(
    bot: RunningBot, ctx
) -> None:
    user = bot.user(language_code="de")
    await user.send("/person")
    await user.reply()
    group = TelegramGroup(bot.server.url, bot.token, -100_501, title="Sprachcafé")
    await group.send(user, "/start@lotse_demo_bot")
    notice = await group.reply()
    assert "privaten Chat" in notice.text and notice.links() == ["https://t.me/lotse_demo_bot"]
    async with ctx.db.session() as session:
        stored = await session.scalar(select(User.chat_id).where(User.telegram_user_id == user.user_id))
    assert stored == user.user_id  # the group did not become their chat

    case = (await services.list_cases(ctx))[0]
    await services.reply_to_case(ctx, case.id, "Wir rufen Sie morgen an.")
    assert "Wir rufen Sie morgen an." in (await user.reply(timeout=20)).text
    await group.no_reply(within=1.0)
    await group.aclose()


async def test_a_group_is_told_once_a_day_to_write_privately_and_nothing_else_is_answered_there(
    bot: RunningBot, clock: Clock, ctx
) -> None:
    first, second = bot.user(language_code="uk"), bot.user(language_code="de")
    group = TelegramGroup(bot.server.url, bot.token, -1_001_234_500_502, type="supergroup")
    await group.send(first, "/help")
    notice = await group.reply()
    assert "особистому чаті" in notice.text  # the sender's language
    await group.send(second, "/start")
    await group.send(first, "/start@some_other_bot")
    await group.no_reply(within=1.5)
    clock.advance(days=1)
    await group.send(second, "/person")
    assert "privaten Chat" in (await group.reply()).text  # a new day: German for a German sender
    async with ctx.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0  # nobody registered
        assert await session.scalar(select(func.count()).select_from(Case)) == 0
    await group.aclose()


async def test_channel_posts_and_edited_messages_are_ignored(bot: RunningBot, ctx, caplog) -> None:
    channel = TelegramChannel(bot.server.url, bot.token, -1_001_234_500_503)
    await channel.post("Sprachcafé am Dienstag")
    user = bot.user(language_code="de")
    sent = await user.send("Kindergeld")
    await user.reply()
    await user.edit(sent, "Wo melde ich meine Wohnung an?")
    await user.no_reply(within=1.5)
    await channel.no_reply(within=0.1)
    async with ctx.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(QuestionLog)) == 1
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    await user.send("Wo melde ich meine Wohnung an?")  # the bot still works
    assert "Anmeld" in (await user.reply()).text
    await channel.aclose()


async def test_unblocking_the_bot_delivers_what_waited(bot: RunningBot, clock: Clock) -> None:
    user = bot.user(language_code="de")
    await user.send("/person")
    await user.reply()
    case = (await services.list_cases(bot.ctx))[0]
    await user.block_bot()
    queued = await services.reply_to_case(bot.ctx, case.id, "Ihre Unterlagen sind da.")
    key = services.staff_reply_key(queued.case_message_id)

    async def state() -> services.OutboxStatus | None:
        return (await services.delivery_states(bot.ctx, [key])).get(key)

    await eventually(lambda: _is(state, services.OutboxStatus.UNREACHABLE), timeout=10)
    await user.unblock_bot()  # Telegram tells the bot (my_chat_member); the user writes nothing
    assert "Ihre Unterlagen sind da." in (await user.reply(timeout=20)).text


async def _is(state, expected) -> bool:
    return await state() is expected
