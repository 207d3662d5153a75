"""End to end with offline machine translation: the real bot, the fake Bot API and tiny Argos models.

The tiny models "translate" every sentence to a marker such as "[en>ps]" (see tests/fakes/tiny_model.py),
which makes it visible which path a text took. Skipped without the [mt] extra unless LOTSE_REQUIRE_MT=1.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from translations.machine import argos_available

if not argos_available() and not os.environ.get("LOTSE_REQUIRE_MT"):
    pytest.skip("the [mt] extra (argostranslate) is not installed", allow_module_level=True)

from bot import services  # noqa: E402
from bot.db import CaseMessage, QuestionLog, TranslationCacheEntry  # noqa: E402
from bot.runtime import build_machine_translator  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.fakes.tiny_model import build_package, marker  # noqa: E402
from tests.helpers import RunningBot, with_machine, without_bidi_marks  # noqa: E402
from translations.interface import prepare_machine_interface  # noqa: E402
from translations.machine import ArgosEngine, MachineTranslator  # noqa: E402

PAIRS = [("de", "en"), ("en", "de"), ("en", "uk"), ("uk", "en"), ("en", "ps"), ("ps", "en")]


@pytest.fixture(scope="session")
def machine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MachineTranslator]:
    translator = build_machine_translator(Settings(_env_file=None))
    assert translator is not None
    directory = tmp_path_factory.mktemp("e2e-models")
    for index, pair in enumerate(PAIRS):
        translator.engine.install(build_package(directory, *pair, seed=10 + index))
    yield translator
    translator.close()


@pytest.fixture
async def mt_bot(telegram_server, token, ctx, machine):
    running = RunningBot(telegram_server, token, with_machine(ctx, machine))
    await running.start()
    try:
        yield running
    finally:
        await running.close()


async def test_machine_only_language_gets_a_labelled_machine_translated_answer(mt_bot, kb) -> None:
    user = mt_bot.user(language_code="ps")
    await user.send("/start")
    welcome, picker = await user.replies(2, timeout=60)
    assert marker("en", "ps") in without_bidi_marks(welcome.text)  # the interface is machine-translated from English
    assert welcome.text.lstrip("\u200f").startswith("🤖")  # ... and every such message says so
    assert "پښتو" in picker.button_texts  # offered because a model reaches Pashto
    await user.press(picker, "پښتو")
    confirmation = await user.reply(timeout=30)
    assert confirmation.text.lstrip("\u200f").startswith("🤖") and confirmation.text.count("🤖") >= 2  # mark and note

    await user.send("Kindergeld")  # a German loan word in a Pashto chat
    answer = await user.reply(timeout=60)
    assert marker("en", "ps") in without_bidi_marks(answer.text) and "🤖" in answer.text  # labelled as machine
    assert any(link.startswith("https://") for link in answer.links())
    await user.press(answer, "English")  # the curated original is one tap away
    original = await user.reply(timeout=30)
    assert kb.get("child-benefit").text("en").title in original.text
    state = await mt_bot.observer.state()
    assert any(action["chat_id"] == user.user_id and action["action"] == "typing" for action in state["chat_actions"])


async def test_staff_reply_reaches_a_ukrainian_user_translated_with_the_original_kept(mt_bot, kb) -> None:
    user = mt_bot.user(language_code="uk")
    await user.send("/person")
    confirmation = await user.reply(timeout=30)
    ctx = mt_bot.ctx
    case = (await services.list_cases(ctx))[0]
    assert str(case.id) in confirmation.text

    await user.send("Дякую, я прийду в понеділок")  # the user's next words reach staff in German
    await user.reply(timeout=30)

    queued = await services.reply_to_case(ctx, case.id, "Ihr Termin ist am Montag um 10 Uhr.")
    reply = await user.reply(timeout=30)  # delivered by the bot's outbox tick
    assert marker("en", "uk") in reply.text and "🤖" in reply.text  # German -> English -> Ukrainian
    await user.press(reply, "Deutsch")
    assert "Ihr Termin ist am Montag um 10 Uhr." in (await user.reply(timeout=30)).text

    curated_reply = kb.get("child-benefit").text("de").answer  # staff paste a knowledge-base answer
    await services.reply_to_case(ctx, case.id, curated_reply)
    curated = await user.reply(timeout=30)
    assert kb.get("child-benefit").text("uk").answer.split("\n")[0] in curated.text and "🤖" not in curated.text

    async with ctx.db.session() as session:
        staff = await session.get(CaseMessage, queued.case_message_id)
        assert staff.text == "Ihr Termin ist am Montag um 10 Uhr." and staff.translated_text == marker("en", "uk")
        assert staff.translation_origin == "machine" and staff.translation_language == "uk"
        from_user = await session.scalar(select(CaseMessage).where(CaseMessage.text == "Дякую, я прийду в понеділок"))
        assert from_user.translated_text == marker("en", "de") and from_user.translation_language == "de"
        # Personal chat text is kept only in the case (where retention reaches it), never in the translation cache.
        cached = set((await session.scalars(select(TranslationCacheEntry.source_text))).all())
        assert not cached & {"Дякую, я прийду в понеділок", "Ihr Termin ist am Montag um 10 Uhr."}


async def test_a_staff_correction_replaces_the_machine_translation_for_users(mt_bot, kb) -> None:
    user = mt_bot.user(language_code="ps")
    await services.choose_language(mt_bot.ctx, user.user_id, user.user_id, "ps")
    await user.send("Kindergeld")
    first = await user.reply(timeout=60)
    # The mark of the machine-translated interface, and the answer's own machine-translation label:
    assert first.text.count("🤖") == 2 and any("English" in label for label in first.button_texts)

    service = mt_bot.ctx.translator
    waiting = await service.awaiting_review("ps")
    english = kb.get("child-benefit").text("en")
    pending = {row.source_text: row for row in waiting}
    assert english.title in pending and english.answer in pending  # staff see what a machine wrote
    await service.correct_cached(pending[english.title].id, "ماشومانو پیسې")
    await service.correct_cached(pending[english.answer].id, "د ماشومانو پیسې د کورنۍ صندوق ورکوي.")
    assert not {row.source_text for row in await service.awaiting_review("ps")} & {english.title, english.answer}

    await user.send("Kindergeld")
    corrected = await user.reply(timeout=60)
    assert "ماشومانو پیسې" in corrected.text and "د کورنۍ صندوق" in corrected.text
    # Corrected by a person: no machine-translation label and no "original" buttons on the answer any more.
    assert corrected.text.count("🤖") == 1 and not any("English" in label for label in corrected.button_texts)


class SlowEngine(ArgosEngine):
    """The real engine, made slow, to show what users see while a long translation runs."""

    def translate(self, text: str, source: str, target: str) -> str:
        time.sleep(2.0)
        return super().translate(text, source, target)


async def test_other_users_are_answered_while_a_slow_translation_runs(telegram_server, token, ctx, machine) -> None:
    fast_context = with_machine(ctx, machine)
    await prepare_machine_interface(fast_context.translator, "ps")  # the Pashto interface is ready
    slow = MachineTranslator(SlowEngine(machine.engine.home), timeout=60)
    running = RunningBot(telegram_server, token, with_machine(ctx, slow))
    await running.start()
    try:
        pashto, german = running.user(71, language_code="ps"), running.user(72, language_code="de")
        await services.choose_language(running.ctx, 71, 71, "ps")
        started = time.monotonic()
        await pashto.send("Kindergeld")
        await asyncio.sleep(0.3)
        await german.send("Kindergeld")
        german_reply = await german.reply(timeout=10)
        german_seconds = time.monotonic() - started
        pashto_reply = await pashto.reply(timeout=60)
        pashto_seconds = time.monotonic() - started
        assert "Kindergeld" in german_reply.text
        assert marker("en", "ps") in without_bidi_marks(pashto_reply.text)
        assert german_seconds < 2.0 < pashto_seconds  # answered while the translation was still running
    finally:
        await running.close()
        slow.close()


async def test_unsupported_telegram_language_without_a_model_gets_a_note_and_a_choice(mt_bot) -> None:
    user = mt_bot.user(language_code="sw")
    await user.send("/start")
    _, picker = await user.replies(2, timeout=30)
    assert "not available in your language yet" in picker.text and "Deutsch" in picker.button_texts


async def test_a_question_in_a_machine_only_language_is_logged_in_that_language(mt_bot) -> None:
    user = mt_bot.user(language_code="ps")
    await user.send("Kindergeld")
    await user.reply(timeout=60)
    async with mt_bot.ctx.db.session() as session:
        languages = (await session.scalars(select(QuestionLog.language))).all()
    assert languages == ["ps"]  # matched through English, but the statistics count a Pashto question


async def test_a_slow_translator_holds_no_database_session_and_delays_nobody_else(
    telegram_server, token, ctx, machine, monkeypatch
) -> None:
    """16 users in a hand-over write while the translator is stuck: their messages wait for it without a
    database session (PostgreSQL shows none "idle in transaction") and a German user is answered at once."""
    import threading

    from sqlalchemy import text

    gate = threading.Event()
    entered = threading.Event()
    translate = machine.engine.translate

    def stuck(text: str, source: str, target: str) -> str:
        entered.set()
        gate.wait(timeout=60)
        return translate(text, source, target)

    slow = MachineTranslator(machine.engine, timeout=60, max_pending=8)
    running = RunningBot(telegram_server, token, with_machine(ctx, slow))
    await running.start()
    try:
        users = [running.user(language_code="uk") for _ in range(16)]
        for user in users:
            await user.send("/person")
        for user in users:
            await user.reply(timeout=30)
        monkeypatch.setattr(machine.engine, "translate", stuck)
        await asyncio.gather(*(user.send("Мені потрібна допомога з квартирою, будь ласка") for user in users))
        assert await asyncio.to_thread(entered.wait, 20)
        await asyncio.sleep(1.5)  # the other messages reach their handlers and queue for the translator
        if ctx.db.dialect == "postgresql":
            for _ in range(5):
                async with ctx.db.engine.connect() as connection:
                    # Idle in a transaction for over a second: held across slow work (a transaction between
                    # two of its statements is idle for a moment; that is not what this looks for).
                    idle = await connection.scalar(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                            " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
                            " AND state_change < now() - interval '1 second'"
                        )
                    )
                assert idle == 0
                await asyncio.sleep(0.1)
        german = running.user(language_code="de")
        started = time.monotonic()
        await german.send("Kindergeld beantragen")
        answer = await german.reply(timeout=10)
        waited = time.monotonic() - started
        assert "Kindergeld" in answer.text
        assert waited < 1.0, f"a German user waited {waited:.2f} s behind the translator"
        assert not gate.is_set()  # ... all while the translator was still stuck
    finally:
        gate.set()
        await running.close()
        slow.close()


async def test_a_machine_translated_answer_can_be_shown_in_german(mt_bot, kb) -> None:
    user = mt_bot.user(language_code="ps")
    await services.choose_language(mt_bot.ctx, user.user_id, user.user_id, "ps")
    await user.send("Kindergeld")
    answer = await user.reply(timeout=60)
    german_button = next(b for row in answer.buttons for b in row if b["callback_data"].startswith("g:"))
    await user.press(answer, data=german_button["callback_data"])
    shown = await user.reply(timeout=30)
    german = kb.get("child-benefit").text("de")
    assert german.title in shown.text and german.answer.split("\n")[0] in shown.text  # the curated German
    assert "Kontakt" in shown.text and marker("en", "ps") in without_bidi_marks(shown.text)  # heading in Pashto


async def test_an_emergency_in_a_machine_only_language_gets_the_card_at_once(mt_bot) -> None:
    user = mt_bot.user(language_code="ps")
    await services.choose_language(mt_bot.ctx, user.user_id, user.user_id, "ps")
    await user.send("Hilfe!")
    card = await user.reply(timeout=10)
    assert all(number in card.text for number in ("112", "110", "116117", "116 016"))
    assert "Ich brauche Hilfe. Meine Adresse ist: ..." in without_bidi_marks(card.text)
