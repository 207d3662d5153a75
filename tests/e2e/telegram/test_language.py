"""One language per conversation: the language a user writes in beats Telegram's setting, a short
ambiguous message keeps the conversation's language, and whoever picks a language gets the welcome in it."""

from __future__ import annotations

import pytest

from tests.helpers import RunningBot


def _title_language(bot: RunningBot, text: str) -> str | None:
    """The language of the entry title the bot's answer starts with."""
    for entry in bot.ctx.kb.entries.values():
        for language, entry_text in entry.texts.items():
            if language in ("uk", "ru") and entry_text.title in text:
                return language
    return None


@pytest.mark.parametrize("telegram_language", ["ru", None])
async def test_a_ukrainian_writing_user_is_answered_in_ukrainian_throughout(
    bot: RunningBot, telegram_language: str | None
) -> None:
    user = bot.user(language_code=telegram_language)
    for question in (
        "Де мені зареєструвати місце проживання після переїзду?",
        "анмельдунг",  # Russian and Ukrainian spell it alike: the conversation's language stays
        "Як отримати допомогу на дітей Kindergeld?",
    ):
        await user.send(question)
        reply = (await user.replies(1))[0]
        language = _title_language(bot, reply.text)
        assert language in ("uk", None), (question, reply.text[:120])
        assert not any(word in reply.text for word in ("Ваш вопрос", "Вы имеете в виду", "Спасибо")), reply.text
        if language is None:  # suggestions or "I don't know": the interface must be Ukrainian too
            assert any(char in reply.text for char in "іїєґ"), reply.text[:200]


async def test_a_user_who_picks_arabic_after_start_sees_the_welcome_in_arabic(bot: RunningBot) -> None:
    user = bot.user(language_code="de")
    await user.send("/start")
    welcome, picker = await user.replies(2)
    assert "Willkommen" in welcome.text
    await user.press(picker, "العربية")
    welcome_ar = await user.reply()
    assert "أهلاً بك في" in welcome_ar.text, welcome_ar.text[:200]
    assert "تيليغرام" in welcome_ar.text  # the welcome says how data is handled
    assert "العربية" in welcome_ar.text  # and which language is now set
    await user.send("/language")
    await user.press(await user.reply(), "Русский")  # a later change only confirms
    assert "Лотсе" not in (changed := await user.reply()).text and "Добро пожаловать" not in changed.text
