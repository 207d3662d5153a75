"""Who is writing and in which language they read, on a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot import services
from bot.db import User


async def test_language_choice_wins_over_detection_which_wins_over_telegram(ctx) -> None:
    profile = await services.register_contact(ctx, 1, 1, "uk", "Hallo")
    assert profile.is_new and profile.language == "uk" and not profile.language_chosen  # too short to tell
    profile = await services.register_contact(ctx, 1, 1, "uk", "وين بعمل انملدونغ")
    assert profile.language == "ar"  # a message clearly in Arabic beats Telegram's language code
    profile = await services.register_contact(ctx, 1, 1, "uk", "انملدونغ")
    assert profile.language == "ar"  # a short message that could be Arabic or Persian changes nothing
    chosen = await services.choose_language(ctx, 1, 1, "tr")
    assert chosen.language == "tr" and chosen.language_chosen
    again = await services.register_contact(ctx, 1, 1, "de", "Hallo")
    assert again.language == "tr" and not again.is_new


async def test_detection_when_telegram_gives_no_usable_code(ctx) -> None:
    profile = await services.register_contact(ctx, 2, 2, "pt-br", "من میخوام ثبت نام کنم")
    assert profile.language == "fa"
    profile = await services.register_contact(ctx, 3, 3, None, None)
    assert profile.language == ctx.settings.default_language


async def test_unsupported_language_is_refused(ctx) -> None:
    with pytest.raises(services.UnsupportedLanguage):
        await services.choose_language(ctx, 1, 1, "xx")


async def test_datetimes_come_back_timezone_aware(ctx) -> None:
    await services.register_contact(ctx, 10, 10, "de")
    async with ctx.db.session() as session:
        user = await session.scalar(select(User).where(User.telegram_user_id == 10))
        assert user.created_at.tzinfo is not None
        assert user.created_at == dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
