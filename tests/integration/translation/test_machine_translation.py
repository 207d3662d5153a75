"""Offline machine translation through Argos Translate's real code, with tiny models built here.

Skipped when the optional [mt] extra is missing, unless LOTSE_REQUIRE_MT=1 (CI sets it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from translations.machine import argos_available

if not argos_available() and not os.environ.get("LOTSE_REQUIRE_MT"):
    pytest.skip("the [mt] extra (argostranslate) is not installed", allow_module_level=True)

from bot.db import SqlTranslationStore  # noqa: E402
from bot.services import CuratedTexts  # noqa: E402
from tests.fakes.tiny_model import build_package, marker  # noqa: E402
from tests.helpers import with_machine  # noqa: E402
from translations.machine import (  # noqa: E402
    ArgosEngine,
    InvalidModelPackage,
    MachineTranslationBusy,
    MachineTranslationFailed,
    MachineTranslationTimeout,
    MachineTranslator,
)
from translations.service import TranslationService, TranslationUnavailable, UnknownCachedTranslation  # noqa: E402

PAIRS = [("de", "en"), ("en", "de"), ("en", "uk"), ("uk", "en")]


@pytest.fixture(scope="session")
def model_files(tmp_path_factory) -> dict[tuple[str, str], Path]:
    directory = tmp_path_factory.mktemp("argosmodels")
    return {pair: build_package(directory, *pair, seed=index) for index, pair in enumerate(PAIRS)}


@pytest.fixture(scope="session")
def engine(model_files) -> ArgosEngine:
    from bot.settings import Settings

    engine = ArgosEngine(Settings(_env_file=None).mt_home, max_models=2)
    for path in model_files.values():
        engine.install(path)
    return engine


@pytest.fixture
def machine(engine):
    translator = MachineTranslator(engine, timeout=30, max_pending=4)
    yield translator
    translator.close()


def long_german_text() -> str:
    """A text that keeps the worker busy for a while: new each time, because Argos keeps its own cache of
    paragraphs it has translated (and would return a repeated text at once)."""
    return " ".join([f"Das ist Satz {uuid.uuid4().hex}."] * 3000)


def test_installed_packages_are_listed_with_versions(engine) -> None:
    pairs = {(m.source, m.target) for m in engine.installed()}
    assert set(PAIRS) <= pairs
    model = next(m for m in engine.installed() if (m.source, m.target) == ("de", "en"))
    assert model.version == "1.0" and model.size_bytes > 0 and (model.path / "model" / "model.bin").exists()


async def test_direct_translation_runs_argos(machine, engine) -> None:
    before = engine.calls
    assert await machine.translate("Wo ist das Jobcenter?", "de", "en") == marker("de", "en")
    assert engine.calls == before + 1


async def test_pivot_through_english(machine, engine) -> None:
    assert engine.route("de", "uk") == [*engine.route("de", "en"), *engine.route("en", "uk")]
    assert "+" in engine.model_version("de", "uk")
    assert await machine.translate("Hallo Welt", "de", "uk") == marker("en", "uk")


async def test_second_request_is_served_from_the_cache(ctx, machine, engine) -> None:
    service = TranslationService(SqlTranslationStore(ctx.db), machine)
    first = await service.translate("Bitte bringen Sie Ihren Pass mit.", "de", "uk")
    calls = engine.calls
    second = await TranslationService(SqlTranslationStore(ctx.db), machine).translate(
        "Bitte bringen Sie Ihren Pass mit.", "de", "uk"
    )
    assert engine.calls == calls  # no second call into Argos
    assert first.machine and not first.cached
    assert second.machine and second.cached and second.text == first.text
    assert second.original == "Bitte bringen Sie Ihren Pass mit." and second.model_version == engine.model_version(
        "de", "uk"
    )


async def test_staff_correction_becomes_curated(ctx, machine, engine) -> None:
    service = TranslationService(SqlTranslationStore(ctx.db), machine)
    await service.translate("Ihr Termin ist am Montag.", "de", "uk")
    await service.correct("Ihr Termin ist am Montag.", "de", "uk", "Ваш термін у понеділок.")
    calls = engine.calls
    corrected = await service.translate("Ihr Termin ist am Montag.", "de", "uk")
    assert corrected.text == "Ваш термін у понеділок." and corrected.origin == "curated" and not corrected.machine
    assert engine.calls == calls


async def test_staff_review_the_machine_translations_and_correct_them(ctx, machine, engine) -> None:
    service = TranslationService(SqlTranslationStore(ctx.db), machine)
    await service.translate("Die Beratung ist kostenlos.", "de", "uk")
    await service.translate("Die Beratung ist vertraulich.", "de", "en")
    waiting = await service.awaiting_review("uk")
    row = next(r for r in waiting if r.source_text == "Die Beratung ist kostenlos.")
    assert (row.source, row.target, row.translated_text, row.curated) == ("de", "uk", marker("en", "uk"), False)
    assert all(r.target == "uk" for r in waiting)

    await service.correct_cached(row.id, "Консультація безкоштовна.")
    assert "Die Beratung ist kostenlos." not in {r.source_text for r in await service.awaiting_review()}
    assert "Die Beratung ist vertraulich." in {r.source_text for r in await service.awaiting_review()}
    served = await service.translate("Die Beratung ist kostenlos.", "de", "uk")
    assert served.text == "Консультація безкоштовна." and not served.machine
    with pytest.raises(UnknownCachedTranslation):
        await service.correct_cached(10**9, "x")
    with pytest.raises(ValueError):
        await service.correct_cached(row.id, "   ")
    await service.translate("Checked on §1", "en", "uk")  # an interface text with a placeholder marker
    interface = next(r for r in await service.awaiting_review("uk") if r.source_text == "Checked on §1")
    with pytest.raises(ValueError, match="§1"):
        await service.correct_cached(interface.id, "Перевірено")
    assert (await service.correct_cached(interface.id, "Перевірено §1")).text == "Перевірено §1"


async def test_personal_text_is_translated_but_never_cached(ctx, machine, engine) -> None:
    from sqlalchemy import func, select

    from bot.db import TranslationCacheEntry

    service = TranslationService(SqlTranslationStore(ctx.db), machine)
    calls = engine.calls
    result = await service.translate("Mein Name ist Olena, ich wohne in der Hauptstraße 5.", "de", "uk", store=False)
    assert result.machine and engine.calls == calls + 1
    async with ctx.db.session() as session:
        rows = await session.scalar(
            select(func.count())
            .select_from(TranslationCacheEntry)
            .where(TranslationCacheEntry.source_text.like("Mein Name%"))
        )
    assert rows == 0


async def test_curated_knowledge_base_text_wins_over_the_machine(ctx, machine, engine, kb) -> None:
    service = TranslationService(SqlTranslationStore(ctx.db), machine, CuratedTexts(kb))
    german = kb.get("child-benefit").text("de").answer
    calls = engine.calls
    result = await service.translate(german, "de", "uk")
    assert result.text == kb.get("child-benefit").text("uk").answer and result.origin == "curated"
    assert engine.calls == calls


async def test_missing_model_is_reported_not_crashed(ctx, machine) -> None:
    service = TranslationService(SqlTranslationStore(ctx.db), machine)
    assert not service.machine_available("de", "fa")
    with pytest.raises(TranslationUnavailable):
        await service.translate("Hallo", "de", "fa")
    with pytest.raises(TranslationUnavailable):
        await TranslationService(SqlTranslationStore(ctx.db), None).translate("Hallo", "de", "uk")


async def test_timeout_and_full_queue_fall_back(engine) -> None:
    long_text = long_german_text()
    slow = MachineTranslator(engine, timeout=0.001, max_pending=1)
    try:
        with pytest.raises(MachineTranslationTimeout):
            await slow.translate(long_text, "de", "en")
    finally:
        slow.close()
    busy = MachineTranslator(engine, timeout=30, max_pending=1)
    try:
        import asyncio

        running = asyncio.ensure_future(busy.translate(long_text, "de", "en"))
        await asyncio.sleep(0)
        with pytest.raises(MachineTranslationBusy):
            await busy.translate("Hallo", "de", "en")
        await running
    finally:
        busy.close()


async def test_a_timed_out_translation_still_counts_until_the_worker_is_free(engine) -> None:
    """Requests do not pile up behind a translation that timed out: they are refused at once (and fall
    back), and accepted again as soon as the worker is free."""
    import asyncio

    long_text = long_german_text()
    translator = MachineTranslator(engine, timeout=0.05, max_pending=1)
    try:
        with pytest.raises(MachineTranslationTimeout):
            await translator.translate(long_text, "de", "en")
        assert translator.pending == 1  # still running in the worker
        with pytest.raises(MachineTranslationBusy):
            await translator.translate("Hallo", "de", "en")
        for _ in range(600):
            if translator.pending == 0:
                break
            await asyncio.sleep(0.1)
        translator.timeout = 30
        assert await translator.translate("Hallo", "de", "en") == marker("de", "en")
    finally:
        translator.close()


async def test_a_staff_reply_waits_for_a_busy_translator_then_falls_back_to_german(ctx, clock, engine) -> None:
    """A full translation queue does not turn a staff reply into German at once: it waits for the next
    ticks, and only after a minute of waiting goes out as the German original."""
    import asyncio

    from bot import services

    translator = MachineTranslator(engine, timeout=30, max_pending=1)
    mt_ctx = with_machine(ctx, translator)
    try:
        profile = await services.register_contact(mt_ctx, 45, 45, "uk")
        case = await services.request_person(mt_ctx, profile)
        queued = await services.reply_to_case(mt_ctx, case.id, "Bitte kommen Sie am Dienstag.")
        occupying = asyncio.ensure_future(translator.translate(long_german_text(), "de", "en"))
        await asyncio.sleep(0)
        assert await services.translate_waiting_messages(mt_ctx) == 0  # busy: the reply waits
        assert await services.staff_reply_to_send(mt_ctx, queued.case_message_id, "uk") is None
        await occupying
        assert await services.translate_waiting_messages(mt_ctx) == 1
        reply = await services.staff_reply_to_send(mt_ctx, queued.case_message_id, "uk")
        assert reply is not None and (reply.origin, reply.text) == ("machine", marker("en", "uk"))

        queued = await services.reply_to_case(mt_ctx, case.id, "Bis bald.")
        occupying = asyncio.ensure_future(translator.translate(long_german_text(), "de", "en"))
        await asyncio.sleep(0)
        clock.advance(minutes=2)  # the queue stays full for longer than a reply may wait
        assert await services.translate_waiting_messages(mt_ctx) == 1
        reply = await services.staff_reply_to_send(mt_ctx, queued.case_message_id, "uk")
        assert reply is not None and (reply.origin, reply.text) == ("none", "Bis bald.")
        await occupying
    finally:
        translator.close()


async def test_a_users_message_that_arrives_while_the_translator_is_busy_is_translated_for_staff_later(
    ctx, engine
) -> None:
    import asyncio

    from sqlalchemy import select

    from bot import services
    from bot.db import CaseMessage

    translator = MachineTranslator(engine, timeout=30, max_pending=1)
    mt_ctx = with_machine(ctx, translator)
    try:
        profile = await services.register_contact(mt_ctx, 46, 46, "uk")
        await services.request_person(mt_ctx, profile)
        occupying = asyncio.ensure_future(translator.translate(long_german_text(), "de", "en"))
        await asyncio.sleep(0)
        await services.handle_question(mt_ctx, profile, "Мені потрібна допомога з квартирою")
        assert await services.translate_waiting_messages(mt_ctx) == 0  # still busy: it keeps waiting
        await occupying
        assert await services.translate_waiting_messages(mt_ctx) == 1
        async with ctx.db.session() as session:
            line = await session.scalar(
                select(CaseMessage).where(CaseMessage.text == "Мені потрібна допомога з квартирою")
            )
        assert (line.translated_text, line.translation_origin, line.translation_language) == (
            marker("en", "de"),
            "machine",
            "de",
        )
        assert await services.translate_waiting_messages(mt_ctx) == 0
    finally:
        translator.close()


async def test_unloads_the_least_recently_used_model(engine, machine) -> None:
    engine.max_models = 1
    try:
        await machine.translate("eins", "de", "en")
        await machine.translate("two", "en", "uk")
        assert engine.loaded_models() == ["en_uk"]
        assert await machine.translate("drei", "de", "en") == marker("de", "en")  # reloaded on demand
        assert engine.loaded_models() == ["de_en"]
    finally:
        engine.max_models = 2


def test_a_broken_model_is_a_failed_translation_not_a_crash(tmp_path, engine) -> None:
    model = engine.install(build_package(tmp_path, "en", "fr", seed=99))
    try:
        (model.path / "model" / "model.bin").write_bytes(b"this is not a CTranslate2 model")
        with pytest.raises(MachineTranslationFailed, match="en->fr model failed"):
            engine.translate("Hello", "en", "fr")
    finally:
        assert engine.uninstall("en", "fr")
    assert engine.route("en", "fr") is None and not engine.uninstall("en", "fr")


def test_not_an_argos_package_is_refused(tmp_path, engine) -> None:
    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(InvalidModelPackage):
        engine.install(bogus)


def test_cli_installs_lists_and_translates_without_network(tmp_path, model_files) -> None:
    """A fresh process with every socket connection refused: install, list and translate still work."""
    env = {
        **os.environ,
        "LOTSE_DATA_DIR": str(tmp_path),
        "LOTSE_DATABASE_URL": "",
        "LOTSE_MT_HOME": str(tmp_path / "argos"),
    }
    env.pop("LOTSE_TELEGRAM_TOKEN", None)
    script = textwrap.dedent(
        """
        import socket, sys
        def refuse(*args, **kwargs):
            print("NETWORK ACCESS ATTEMPTED: %r" % (args,), file=sys.stderr)
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from bot.cli import main
        sys.exit(main(sys.argv[1:]))
        """
    )

    def lotse(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, timeout=300
        )
        assert "NETWORK ACCESS ATTEMPTED" not in result.stderr, result.stderr
        return result

    unmigrated = lotse("translate", "text", "--from", "de", "--to", "uk", "Hallo")
    assert unmigrated.returncode == 1 and "run `lotse db upgrade` first" in unmigrated.stderr
    assert "Traceback" not in unmigrated.stderr
    assert lotse("db", "upgrade").returncode == 0
    for pair in [("de", "en"), ("en", "uk")]:
        result = lotse("translate", "install", str(model_files[pair]))
        assert result.returncode == 0, result.stderr
        assert f"installed {pair[0]} -> {pair[1]}" in result.stdout
    listed = lotse("translate", "list")
    assert "de -> en" in listed.stdout and "en -> uk" in listed.stdout
    first = json.loads(
        lotse("translate", "text", "--from", "de", "--to", "uk", "--json", "Wo ist das Bürgerbüro?").stdout
    )
    assert first == {
        "text": f"{marker('en', 'uk')} (Bürgerbüro)",  # the glossary keeps the office's German name
        "from": "de",
        "to": "uk",
        "origin": "machine",
        "cached": False,
        "model": first["model"],
    }
    second = json.loads(
        lotse("translate", "text", "--from", "de", "--to", "uk", "--json", "Wo ist das Bürgerbüro?").stdout
    )
    assert second["cached"] is True
    review = json.loads(lotse("translate", "review", "--to", "uk", "--json").stdout)
    assert [(r["text"], r["translation"]) for r in review] == [("Wo ist das Bürgerbüro?", first["text"])]
    corrected = lotse("translate", "correct", str(review[0]["id"]), "Де знаходиться Бюро громадян?")
    assert corrected.returncode == 0, corrected.stderr
    third = json.loads(
        lotse("translate", "text", "--from", "de", "--to", "uk", "--json", "Wo ist das Bürgerbüro?").stdout
    )
    assert (third["text"], third["origin"]) == ("Де знаходиться Бюро громадян?", "curated")
    assert "no machine translations awaiting review" in lotse("translate", "review").stdout
    unknown = lotse("translate", "correct", "999999", "x")
    assert unknown.returncode == 1 and "no cached translation #999999" in unknown.stderr
    missing = lotse("translate", "text", "--from", "de", "--to", "fa", "Hallo")
    assert missing.returncode == 1 and "no curated text and no machine translation model" in missing.stderr


async def test_a_failing_translation_is_logged_once_per_interval_and_staff_get_the_original(
    ctx, engine, caplog
) -> None:
    """A model that fails (here: never within its time limit) degrades quietly for users, but not unseen."""
    import logging

    from bot import services
    from bot.services import TranslationOrigin

    failing = MachineTranslator(engine, timeout=0, max_pending=8)  # every translation times out
    mt_ctx = with_machine(ctx, failing)
    try:
        profile = await services.register_contact(mt_ctx, 48, 48, "uk")
        await services.request_person(mt_ctx, profile)
        with caplog.at_level(logging.WARNING, logger="bot"):
            for text in ("Де мені зареєструватися?", "Скільки це коштує?", "Дякую!"):
                await services.handle_question(mt_ctx, profile, text)
        case = (await services.list_cases(mt_ctx))[0]
        lines = [line for line in case.messages if line.text in ("Скільки це коштує?", "Дякую!")]
        assert [line.translation_origin for line in lines] == [TranslationOrigin.NONE] * 2  # staff read the original
        failures = [r.getMessage() for r in caplog.records if "uk->de failed" in r.getMessage()]
        assert len(failures) == 1 and "no translation uk->de" in failures[0]  # logged, but not three times
    finally:
        failing.close()


async def test_official_german_terms_arrive_unchanged(ctx, machine) -> None:
    """The tiny model turns every sentence into one marker word, so it drops every term: the glossary puts
    them back, unchanged, for answers (cached), staff replies (personal, never cached) and the interface."""
    service = TranslationService(SqlTranslationStore(ctx.db), machine)
    answer = "Gehen Sie zur Ausländerbehörde.\nBringen Sie Ihre Fiktionsbescheinigung und den Aufenthaltstitel mit."
    translated = await service.translate(answer, "de", "uk")
    lines = translated.text.split("\n")
    assert marker("en", "uk") in lines[0] and "(Ausländerbehörde)" in lines[0]
    assert "Fiktionsbescheinigung" in lines[1] and "Aufenthaltstitel" in lines[1]
    assert (await service.translate(answer, "de", "uk")).text == translated.text  # the cache keeps the terms

    staff_reply = "Ihre Duldung wurde verlängert, das Jobcenter meldet sich."
    reply = await service.translate(staff_reply, "de", "uk", store=False)
    assert "Duldung" in reply.text and "Jobcenter" in reply.text

    plain = await service.translate("Bitte bringen Sie Ihren Pass mit.", "de", "uk")
    assert plain.text == marker("en", "uk")  # no term, nothing added


async def test_a_county_extends_the_glossary(ctx, machine, tmp_path) -> None:
    from translations.glossary import read_glossary

    glossary_file = tmp_path / "glossary.txt"
    glossary_file.write_text("# local offices\nSamtgemeinde Amelinghausen\n", encoding="utf-8")
    service = TranslationService(SqlTranslationStore(ctx.db), machine, glossary=read_glossary(glossary_file))
    translated = await service.translate("Die Samtgemeinde Amelinghausen hilft.", "de", "en")
    assert translated.text == f"{marker('de', 'en')} (Samtgemeinde Amelinghausen)"
