"""The local demo in a real browser (Debian's Chromium via Playwright): chat with the real bot stack."""

from __future__ import annotations

import os
import shutil

import pytest

from bot.runtime import LocalDemo
from bot.settings import Settings
from translations import translator

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM) and not os.environ.get("LOTSE_REQUIRE_BROWSER"):
    pytest.skip("Chromium is not installed (CI installs it and sets LOTSE_REQUIRE_BROWSER=1)", allow_module_level=True)

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
async def demo(tmp_path):
    settings = Settings(
        _env_file=None, data_dir=tmp_path, demo={"port": 0}, secret_key="browser-test", database={"url": ""}
    )
    running = LocalDemo(settings)
    url = await running.start()
    yield url
    await running.stop()


@pytest.fixture
async def page():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = await browser.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        yield page
        await browser.close()


async def test_chat_with_the_bot_in_the_browser(demo, page, kb, tmp_path) -> None:
    await page.goto(demo)
    bot_messages = page.locator(".msg.bot")
    await page.get_by_role("button", name="Deutsch").wait_for(timeout=15000)
    assert "Lotse" in await bot_messages.first.inner_text()

    await page.get_by_role("button", name="Deutsch").click()
    await page.get_by_text("Ihre Sprache: Deutsch").wait_for(timeout=10000)

    await page.fill("#text", "Wo melde ich meine neue Wohnung an?")
    await page.press("#text", "Enter")
    title = kb.get("address-registration").text("de").title
    await page.get_by_text(title).wait_for(timeout=10000)
    answer = bot_messages.filter(has_text=title)
    links = await answer.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert any(link.startswith("https://") for link in links)
    await answer.get_by_role("button", name="Ja, das hat geholfen").click()
    await page.locator(".msg.bot .meta", has_text="edited").first.wait_for(timeout=10000)
    await page.screenshot(path=str(tmp_path / "demo.png"))


async def test_user_text_is_shown_as_text_not_markup(demo, page) -> None:
    await page.goto(demo)
    await page.get_by_role("button", name="English").wait_for(timeout=15000)
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    await page.fill("#text", payload)
    await page.press("#text", "Enter")
    mine = page.locator(".msg.user", has_text="onerror")
    await mine.wait_for(timeout=10000)
    assert payload in await mine.inner_text()
    assert await page.locator(".msg img, .msg script").count() == 0
    await page.locator(".msg.bot").nth(2).wait_for(timeout=10000)  # the bot answered that message too
    assert page.dialogs == []


async def test_right_to_left_languages_render_right_to_left(demo, page) -> None:
    await page.goto(demo)
    await page.get_by_role("button", name="العربية").wait_for(timeout=15000)
    await page.get_by_role("button", name="العربية").click()
    confirmation = page.locator(
        ".msg.bot", has_text=translator("ar")("Your language: {language}").format(language="العربية")
    )
    await confirmation.wait_for(timeout=10000)
    direction = await confirmation.evaluate("node => getComputedStyle(node).direction")
    assert direction == "rtl"
