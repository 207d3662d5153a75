"""The hand-over from both sides at once: a newcomer on (fake) Telegram, a staff member in a real Chromium.

The real bot (python-telegram-bot against the fake Bot API), the real staff web app under uvicorn and the tiny
offline translation models, on one database. Nothing on the staff page is reloaded by the test: what appears
there arrives through the page's own live updates.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from translations.machine import argos_available

if not argos_available() and not os.environ.get("LOTSE_REQUIRE_MT"):
    pytest.skip("the [mt] extra (argostranslate) is not installed", allow_module_level=True)

from bot import services  # noqa: E402
from bot.runtime import AdminServer, build_machine_translator  # noqa: E402
from bot.services import CaseOutcome, StaffRole  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.fakes.tiny_model import build_package, marker  # noqa: E402
from tests.helpers import RunningBot, with_machine, without_bidi_marks  # noqa: E402
from translations.catalog import translator  # noqa: E402
from translations.machine import MachineTranslator  # noqa: E402

pytestmark = pytest.mark.browser

PAIRS = [("de", "en"), ("en", "de"), ("en", "uk"), ("uk", "en")]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
LIVE = 5000  # ms: what staff must see without reloading appears within 5 s


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MachineTranslator]:
    translator = build_machine_translator(Settings(_env_file=None))
    assert translator is not None
    directory = tmp_path_factory.mktemp("flow-models")
    for index, pair in enumerate(PAIRS):
        translator.engine.install(build_package(directory, *pair, seed=30 + index))
    yield translator
    translator.close()


@pytest.fixture
def mt_ctx(ctx, machine):
    return with_machine(ctx, machine)


@pytest.fixture
async def mt_bot(telegram_server, token, mt_ctx) -> AsyncIterator[RunningBot]:
    running = RunningBot(telegram_server, token, mt_ctx)
    await running.start()
    try:
        yield running
    finally:
        await running.close()


@pytest.fixture
async def mt_staff_web(mt_bot: RunningBot) -> AsyncIterator[str]:
    """The staff web app on the bot's own context (its database, clock and translator)."""
    ctx = mt_bot.ctx
    admin = ctx.settings.admin.model_copy(update={"host": "127.0.0.1", "port": 0})
    server = AdminServer(dataclasses.replace(ctx, settings=ctx.settings.model_copy(update={"admin": admin})))
    url = await server.start()
    try:
        yield url.rstrip("/")
    finally:
        await server.stop()


async def _log_in(page: Any, url: str, ctx) -> None:
    await services.add_staff(ctx, "anna", "a-long-staff-password", StaffRole.COORDINATOR, display_name="Anna")
    await page.goto(f"{url}/login")
    await page.fill("#username", "anna")
    await page.fill("#password", "a-long-staff-password")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{url}/")


async def test_talk_to_a_person_claim_reply_translated_answer_photo_close_and_rating(
    mt_bot: RunningBot, mt_staff_web: str, page: Any
) -> None:
    ctx = mt_bot.ctx
    await _log_in(page, mt_staff_web, ctx)
    await page.evaluate("window.notReloaded = true")

    user = mt_bot.user(language_code="uk")
    await user.send("/person")
    await user.reply(timeout=30)
    (case,) = await services.list_cases(ctx)
    link = page.locator(f"a[href='/cases/{case.id}']")
    await link.wait_for(timeout=LIVE)  # the queue shows the new case by itself
    assert await page.evaluate("window.notReloaded === true")

    await link.click()
    await page.click(f"form[action='/cases/{case.id}/claim'] button")
    joined = await user.reply(timeout=30)
    assert "Anna" in joined.text
    await page.fill("#reply-text", "Bitte bringen Sie den Bescheid mit.")
    await page.click(f"form[action='/cases/{case.id}/reply'] button")
    reply = await user.reply(timeout=30)
    assert marker("en", "uk") in reply.text and "🤖" in reply.text  # German -> English -> Ukrainian, labelled

    await page.evaluate("window.notReloaded = true")
    await user.send("Дякую, ось лист")
    await user.send_photo(PNG, caption="лист")
    notice, receipt = await user.replies(2, timeout=30)  # passed to the team (once), the photo is with the case
    assert str(case.id) in notice.text and str(case.id) in receipt.text
    story = page.locator("#case-story")
    await story.get_by_text("Дякую, ось лист").wait_for(timeout=LIVE)  # the answer appears live ...
    await story.locator("img[src^='/files/']").wait_for(timeout=LIVE)  # ... and the photo
    assert await page.evaluate("window.notReloaded === true")
    image = await page.evaluate(
        "async () => { const img = document.querySelector('#case-story img[src^=\"/files/\"]');"
        " const r = await fetch(img.src); return [r.status, r.headers.get('content-type')]; }"
    )
    assert image == [200, "image/png"]

    await page.select_option("#outcome", CaseOutcome.RESOLVED.value)
    await page.click(f"form[action='/cases/{case.id}/close'] button")
    closed = await user.reply(timeout=30)
    await user.press(closed, "5 ★")
    await user.replies(2)  # the stars go, the thanks come
    await story.get_by_text("5 von 5", exact=True).wait_for(timeout=LIVE)  # the rating shows on the case by itself
    view = await services.case_view(ctx, case.id)
    assert view.rating == 5 and view.status is services.CaseStatus.CLOSED


async def test_a_reply_to_an_arabic_user_without_a_model_arrives_in_german_with_a_note(
    mt_bot: RunningBot, mt_staff_web: str, page: Any
) -> None:
    ctx = mt_bot.ctx
    await _log_in(page, mt_staff_web, ctx)
    user = mt_bot.user(language_code="ar")
    await user.send("/person")
    await user.reply(timeout=30)
    (case,) = await services.list_cases(ctx)
    await page.goto(f"{mt_staff_web}/cases/{case.id}")
    await page.fill("#reply-text", "Ihr Termin ist am Montag.")
    await page.click(f"form[action='/cases/{case.id}/reply'] button")
    messages = await user.replies(2, timeout=30)  # a person joined (the reply assigned the case), the reply
    reply = without_bidi_marks(messages[-1].text)
    assert "Ihr Termin ist am Montag." in reply and "🤖" not in reply  # the German original, not a machine's
    note = translator("ar")("There is no translation into your language yet; this is the original in German.")
    assert note in reply  # ... with the note, in Arabic
