"""The staff web app under uvicorn (in the test's event loop, on the test's database) and a real Chromium."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.runtime import AdminServer
from bot.services import ServiceContext

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAS_CHROMIUM = os.path.exists(CHROMIUM)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest_asyncio.fixture
async def staff_web(ctx: ServiceContext) -> AsyncIterator[str]:
    """The address of the running app (a free port on 127.0.0.1)."""
    admin = ctx.settings.admin.model_copy(update={"host": "127.0.0.1", "port": 0})
    server = AdminServer(dataclasses.replace(ctx, settings=ctx.settings.model_copy(update={"admin": admin})))
    url = await server.start()
    try:
        yield url.rstrip("/")
    finally:
        await server.stop()


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    if not HAS_CHROMIUM:
        pytest.skip("Chromium is not installed")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        await launched.close()


@pytest_asyncio.fixture
async def page(browser: Any) -> AsyncIterator[Any]:
    """A page that records dialogs (`page.dialogs`). The app's Content-Security-Policy is bypassed, so that the
    tests can inject axe-core, and so that escaping, not the policy, is what an XSS test checks."""
    context = await browser.new_context(bypass_csp=True, locale="de-DE")
    page = await context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    await context.close()


@pytest_asyncio.fixture
async def page_without_js(browser: Any) -> AsyncIterator[Any]:
    """A page with JavaScript off: everything must work with plain forms and links."""
    context = await browser.new_context(java_script_enabled=False, locale="de-DE")
    page = await context.new_page()
    yield page
    await context.close()


async def log_in_with(page: Any, base: str, username: str, password: str) -> None:
    """Log in through the form, as a person does; waits for the queue."""
    await page.goto(f"{base}/login")
    await page.get_by_label("Benutzername").fill(username)
    await page.get_by_label("Passwort").fill(password)
    await page.get_by_role("button", name="Anmelden").click()
    await page.get_by_role("heading", name="Warteschlange").wait_for()


async def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations of the page with one of `impacts` (id, impact, help and the offending nodes)."""
    await page.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]]}
        for v in violations
        if v["impact"] in impacts
    ]
