"""The queue and a case in a real browser (Debian's Chromium via Playwright): what newcomers, translations,
file names and staff wrote is shown as text (no script runs, no dialog opens); new cases and messages
appear within 5 s without a reload; every action works with JavaScript off; axe-core finds nothing serious."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import update

from bot import services
from bot.db import CaseMessage, TranslationOrigin
from bot.services import CaseMessageKind, CaseOutcome, CasePriority, CaseStatus, Sender, StaffRole, UserFile
from tests.e2e.admin.conftest import HAS_CHROMIUM, axe_violations, log_in_with
from tests.staff_helpers import PASSWORD, add_account, tiny_png

pytestmark = pytest.mark.browser

if not HAS_CHROMIUM and not os.environ.get("LOTSE_REQUIRE_BROWSER"):
    pytest.skip("Chromium is not installed (CI installs it and sets LOTSE_REQUIRE_BROWSER=1)", allow_module_level=True)

MESSAGE = "<script>alert('message')</script>"
TRANSLATION = "<img src=x onerror=alert('translation')>"
FILE_NAME = "<img src=x onerror=alert('file')>.png"
DOCUMENT = "<script>alert('document')</script>.pdf"
NOTE = "<img src=x onerror=alert('note')><script>alert('note')</script>"


async def hand_over(ctx, telegram_id: int, language: str, text: str) -> int:
    profile = await services.register_contact(ctx, telegram_id, telegram_id, language)
    await services.remember(ctx, profile, Sender.USER, text)
    return (await services.request_person(ctx, profile)).id


async def test_whatever_anyone_wrote_is_shown_as_text(staff_web, page, ctx) -> None:
    maria = await add_account(ctx, "maria", StaffRole.COORDINATOR, display_name="Maria")
    case_id = await hand_over(ctx, 1, "ar", MESSAGE)
    async with ctx.db.session() as session, session.begin():
        await session.execute(
            update(CaseMessage)
            .where(CaseMessage.case_id == case_id, CaseMessage.sender == Sender.USER)
            .values(translated_text=TRANSLATION, translation_origin=TranslationOrigin.MACHINE)
        )
    profile = await services.register_contact(ctx, 1, 1, "ar")
    for kind, name, media_type, content in (
        (CaseMessageKind.PHOTO, FILE_NAME, "image/png", tiny_png()),
        (CaseMessageKind.DOCUMENT, DOCUMENT, "application/pdf", b"%PDF-1.4"),
    ):
        state = await services.handover_state(ctx, profile)
        await services.forward_file(ctx, profile, state, UserFile(kind, name, media_type, content), None)
    await services.add_note(ctx, case_id, NOTE, maria.member.id)
    await services.reply_to_case(ctx, case_id, "Wir sind für Sie da.", maria.member.id)

    await log_in_with(page, staff_web, "maria", PASSWORD)
    queue = await page.locator("table.cases").inner_text()
    assert MESSAGE in queue and TRANSLATION in queue
    await page.get_by_role("link", name=f"Fall {case_id}").click()
    await page.get_by_role("heading", name=f"Fall {case_id}").wait_for()
    story = page.locator("ol.conversation")
    shown = await story.inner_text()
    for payload in (MESSAGE, TRANSLATION, NOTE, DOCUMENT):
        assert payload in shown, payload
    assert "Deutsch (maschinelle Übersetzung)" in shown and "Interne Notiz von Maria" in shown
    photo = story.get_by_role("img")
    assert await photo.count() == 1  # the photo itself; no element came out of anyone's text
    assert await photo.get_attribute("alt") == f"Foto: {FILE_NAME}"
    assert await photo.evaluate("img => img.complete && img.naturalWidth") == 8  # served by the app, loaded
    assert await page.locator("ol.conversation script").count() == 0
    assert await story.get_by_role("link", name=DOCUMENT).get_attribute("download") is not None
    assert await axe_violations(page) == []
    assert page.dialogs == []


async def test_new_cases_and_messages_appear_within_five_seconds(staff_web, page, ctx) -> None:
    await add_account(ctx, "maria", StaffRole.COORDINATOR, display_name="Maria")
    first = await hand_over(ctx, 1, "uk", "Допоможіть, будь ласка")
    await log_in_with(page, staff_web, "maria", PASSWORD)
    await page.evaluate("window.notReloaded = true")

    second = await hand_over(ctx, 2, "fa", "سلام، کمک می‌خواهم")
    await page.get_by_role("link", name=f"Fall {second}").wait_for(timeout=5000)
    assert await page.evaluate("window.notReloaded === true")
    assert await page.get_by_role("status").filter(has_text="aktualisiert").count() == 1

    await page.get_by_role("link", name=f"Fall {first}").click()
    await page.get_by_role("heading", name=f"Fall {first}").wait_for()
    await page.get_by_label("Antwort auf Deutsch").fill("Ich schaue mir das an")  # typing is not disturbed
    await page.evaluate("window.notReloaded = true")
    profile = await services.register_contact(ctx, 1, 1, "uk")
    await services.handle_question(ctx, profile, "Я ще тут, дякую")
    await page.locator("ol.conversation").get_by_text("Я ще тут, дякую").wait_for(timeout=5000)
    assert await page.evaluate("window.notReloaded === true")
    assert await page.get_by_label("Antwort auf Deutsch").input_value() == "Ich schaue mir das an"
    assert page.dialogs == []


async def test_every_action_works_without_javascript(staff_web, page_without_js, ctx) -> None:
    page = page_without_js
    root = await add_account(ctx, "root", StaffRole.ADMIN, display_name="Leitung")
    maria = await add_account(ctx, "maria", StaffRole.COORDINATOR, display_name="Maria")
    await services.save_canned(ctx, "passport", "de", "Pass mitbringen", "Bitte bringen Sie Ihren Pass mit.")
    case_id = await hand_over(ctx, 1, "en", "Which papers do I need?")
    await log_in_with(page, staff_web, "maria", PASSWORD)
    await page.get_by_label("Sprache").select_option("en")  # the filter form: a plain GET
    await page.get_by_role("button", name="Anzeigen").click()
    await page.get_by_role("link", name=f"Fall {case_id}").click()

    await page.get_by_role("button", name="Diesen Fall übernehmen").click()
    await page.get_by_text("Sie haben diesen Fall übernommen.").wait_for()
    await page.get_by_label("Textbaustein").select_option("passport")
    await page.get_by_role("button", name="In die Antwort übernehmen").click()
    assert await page.get_by_label("Antwort auf Deutsch").input_value() == "Bitte bringen Sie Ihren Pass mit."
    await page.get_by_role("button", name="Antwort senden").click()
    await page.get_by_text("Ihre Antwort ist unterwegs").wait_for()
    await page.get_by_label("Interne Notiz").fill("Rückruf am Montag")
    await page.get_by_role("button", name="Notiz hinzufügen").click()
    await page.get_by_text("Die Notiz ist gespeichert.").wait_for()
    await page.get_by_label("Priorität").select_option(str(CasePriority.HIGH.value))
    await page.get_by_role("button", name="Priorität setzen").click()
    await page.get_by_text("Die Priorität ist geändert.").wait_for()
    await page.get_by_label("Zuweisen an").select_option(str(root.member.id))
    await page.get_by_role("button", name="Zuweisen", exact=True).click()
    await page.get_by_text("Der Fall ist zugewiesen.").wait_for()
    await page.get_by_label("Ergebnis").select_option(CaseOutcome.RESOLVED.value)
    await page.get_by_role("button", name="Fall abschließen").click()
    await page.get_by_text("Der Fall ist abgeschlossen.").wait_for()

    view = await services.case_view(ctx, case_id)
    assert view.status is CaseStatus.CLOSED and view.outcome is CaseOutcome.RESOLVED
    assert view.priority is CasePriority.HIGH and view.assignee == "Leitung"
    texts = [m.text for m in view.messages]
    assert "Bitte bringen Sie Ihren Pass mit." in texts and "Rückruf am Montag" in texts
    story = await page.locator("ol.conversation").inner_text()
    assert "Antwort von Maria" in story and "Abgeschlossen: Erledigt" in story and "Priorität: Hoch" in story
    actions = [e.action for e in (await services.audit_log(ctx, limit=100)).entries if e.staff_id == maria.member.id]
    assert {"claim", "reply", "note", "priority", "assign", "close", "read_case"} <= set(actions)
