"""Many updates at once, as a busy evening brings them: nothing is lost, nothing is doubled, one user's
messages are answered in order. Each test uses the real bot over HTTP with its own database connections."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.db import Case, QuestionLog, User
from tests.helpers import RunningBot, eventually

APOLOGY = "Entschuldigung"
QUESTIONS = [
    "Wo melde ich meine Wohnung an?",
    "Kindergeld beantragen",
    "Wie eröffne ich ein Bankkonto?",
    "Wie finde ich einen Kita-Platz?",
]


async def test_new_users_whose_first_messages_arrive_together_get_every_answer(bot: RunningBot, ctx) -> None:
    users = [bot.user(language_code="de") for _ in range(8)]
    await asyncio.gather(*(user.send(question) for user in users for question in QUESTIONS))
    for user in users:
        replies = await user.replies(len(QUESTIONS), timeout=60)
        assert not any(APOLOGY in reply.text for reply in replies), [r.text[:60] for r in replies]
        await user.no_reply(within=0.3)
    async with ctx.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == len(users)
        assert await session.scalar(select(func.count()).select_from(QuestionLog)) == len(users) * len(QUESTIONS)


async def test_one_users_messages_are_answered_in_the_order_they_were_sent(bot: RunningBot) -> None:
    user = bot.user(language_code="de")
    for question in QUESTIONS:
        await user.send(question)
    replies = await user.replies(len(QUESTIONS), timeout=60)
    expected = ["Anmeld", "Kindergeld", "Konto", "Kita"]
    assert all(word in reply.text for word, reply in zip(expected, replies, strict=True)), [
        r.text[:60] for r in replies
    ]


async def test_three_quick_requests_for_a_person_open_one_case(bot: RunningBot, ctx) -> None:
    user = bot.user(language_code="de")
    await asyncio.gather(*(user.send("/person") for _ in range(3)))
    await user.replies(3, timeout=30)

    async def cases() -> int:
        async with ctx.db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(Case)) or 0)

    await eventually(cases)
    assert await cases() == 1


async def test_messages_without_words_get_a_prompt_and_open_no_case(bot: RunningBot, ctx) -> None:
    user = bot.user(language_code="de")
    # Telegram trims plain spaces and line breaks; these survive it: other spaces, invisible characters,
    # the "blank" characters people send on purpose, emoji, punctuation.
    for text in ("\u3000\u00a0\t", "\u200b\u2060", "\u2800", "\u3164", "👍🙏", "?!"):
        await user.send(text)
        prompt = await user.reply()
        assert "in Worten" in prompt.text
    async with ctx.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 0
        assert await session.scalar(select(func.count()).select_from(QuestionLog)) == 0


async def test_a_payload_with_any_characters_gets_the_polite_refusal(bot: RunningBot) -> None:
    user = bot.user(language_code="de")
    await user.send("/start")
    _, picker = await user.replies(2)
    for forged in ("l:ä:AAAAAAAAAA", "f:1:y:ÄÖÜßéèêë", "s:1:ü:😀😀😀😀"):
        await user.press(picker, data=forged)
    state = await eventually(lambda: _answers(bot, 3))
    assert isinstance(state, list) and all("nicht mehr gültig" in (a["text"] or "") for a in state)
    await user.send("Kindergeld")
    assert "Kindergeld" in (await user.reply()).text


async def _answers(bot: RunningBot, count: int) -> list[dict[str, object]] | None:
    state = await bot.observer.state()
    answers: list[dict[str, object]] = state["callback_answers"]
    return answers if len(answers) >= count else None
