"""The staff web app in a real browser (Debian's Chromium via Playwright): logging in with the keyboard
alone, the queue, no serious or critical accessibility violation (axe-core), and text shown as text."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import update

from bot import services
from bot.db import CaseMessage, Sender, TranslationOrigin
from bot.services import StaffRole
from tests.e2e.admin.conftest import HAS_CHROMIUM, axe_violations
from tests.staff_helpers import PASSWORD, add_account

pytestmark = pytest.mark.browser

if not HAS_CHROMIUM and not os.environ.get("LOTSE_REQUIRE_BROWSER"):
    pytest.skip("Chromium is not installed (CI installs it and sets LOTSE_REQUIRE_BROWSER=1)", allow_module_level=True)

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


async def open_case(ctx, telegram_id: int, language: str, text: str, german: str | None = None) -> int:
    profile = await services.register_contact(ctx, telegram_id, telegram_id, language)
    await services.remember(ctx, profile, Sender.USER, text)
    case_id = (await services.request_person(ctx, profile)).id
    if german is not None:
        async with ctx.db.session() as session, session.begin():
            await session.execute(
                update(CaseMessage)
                .where(CaseMessage.case_id == case_id, CaseMessage.sender == Sender.USER)
                .values(translated_text=german, translation_origin=TranslationOrigin.MACHINE)
            )
    return case_id


async def test_log_in_with_the_keyboard_and_see_the_queue(staff_web, page, ctx) -> None:
    await add_account(ctx, "maria", StaffRole.COORDINATOR, display_name="Maria")
    await open_case(ctx, 1, "ar", "أحتاج موعدا في مكتب الأجانب", "Ich brauche einen Termin bei der Ausländerbehörde")
    await open_case(ctx, 2, "en", XSS, XSS + " (de)")

    await page.goto(f"{staff_web}/")  # not logged in: the login page
    await page.get_by_role("heading", name="Anmelden").wait_for()
    assert page.url.endswith("/login")
    assert await page.evaluate("document.documentElement.lang") == "de"
    assert await axe_violations(page) == []

    assert await page.evaluate("document.activeElement.id") == "username"  # the form has the focus
    skip = page.locator(".skip-link")
    box = await skip.bounding_box()
    assert box["y"] + box["height"] <= 0  # out of sight...
    await page.keyboard.press("Shift+Tab")  # ...until it has the focus (before the form there is only it)
    assert await page.evaluate("document.activeElement.className") == "skip-link"
    assert (await skip.bounding_box())["y"] >= 0
    await page.keyboard.press("Tab")
    await page.keyboard.type("maria")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "password"
    outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")

    await page.get_by_role("heading", name="Warteschlange").wait_for()
    assert await page.get_by_text("Angemeldet als Maria").is_visible()
    assert await page.get_by_text("أحتاج موعدا في مكتب الأجانب").is_visible()
    assert await page.get_by_text("Ich brauche einen Termin bei der Ausländerbehörde").is_visible()
    shown = await page.locator("table.cases").inner_text()
    assert shown.count(XSS) == 2  # the message and its translation, as text
    assert await page.locator("table.cases script, table.cases img").count() == 0
    assert await page.get_by_role("link", name="Konten").count() == 0  # no admin pages for a coordinator
    assert await axe_violations(page) == []
    assert page.dialogs == []


async def test_admin_pages_pass_axe_and_switch_language(staff_web, page, ctx) -> None:
    await add_account(ctx, "root", StaffRole.ADMIN, display_name="Leitung")
    await add_account(ctx, "maria", StaffRole.COORDINATOR, display_name=XSS)
    await page.goto(f"{staff_web}/login")
    await page.get_by_label("Benutzername").fill("root")
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await page.get_by_role("heading", name="Warteschlange").wait_for()
    assert await page.get_by_text("Keine offenen Fälle.").is_visible()
    assert await axe_violations(page) == []

    await page.get_by_role("link", name="Konten").click()
    await page.get_by_role("heading", name="Konten").wait_for()
    assert XSS in await page.locator("table.accounts").inner_text()
    assert await axe_violations(page) == []
    await page.get_by_label("Benutzername").fill("<b>x</b>")  # refused, and shown back as text
    await page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Konto hinzufügen").click()
    await page.get_by_role("alert").wait_for()
    assert await page.get_by_label("Benutzername").input_value() == "<b>x</b>"
    assert await axe_violations(page) == []

    await page.get_by_role("link", name="Protokoll").click()
    await page.get_by_role("heading", name="Protokoll").wait_for()
    assert await axe_violations(page) == []

    await page.get_by_role("button", name="English").click()
    await page.get_by_role("heading", name="Audit log").wait_for()
    assert await page.evaluate("document.documentElement.lang") == "en"
    await page.get_by_role("button", name="Log out").click()
    await page.get_by_text("You are logged out.").wait_for()
    assert page.dialogs == []
