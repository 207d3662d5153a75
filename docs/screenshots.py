"""Take the README's screenshots of the staff web app (docs/staff-queue.png, docs/staff-case.png).

    .venv/bin/python docs/screenshots.py

Starts the local demo on free ports with a database of its own, lets a few newcomers write through the fake
Telegram's client API (as the demo's chat page does), logs in as the demo's staff member in Debian's
Chromium and photographs the queue and one case. Without translation models installed, newcomers' messages
show "no German translation" — as the office would see them on such a machine.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.runtime import DEMO_STAFF, DEMO_TOKEN, LocalDemo  # noqa: E402
from bot.settings import Settings  # noqa: E402

DOCS = Path(__file__).resolve().parent
CONVERSATIONS = [
    (701, "uk", ["Як отримати Kindergeld?", "/person", "Мені прийшов лист від Familienkasse, я не розумію його"]),
    (702, "ar", ["زوجي يضربني وأخذ جواز سفري", "/person", "أنا خائفة، ماذا أفعل؟"]),
    (703, "de", ["Wo melde ich meine Wohnung an?", "/person", "Ich brauche einen Termin mit Dolmetscher."]),
    (704, "en", ["How do I get my qualifications recognised?", "/person", "I am a nurse from Nigeria."]),
    (705, "ru", ["/person", "помогите"]),
]


async def main() -> None:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as work:
        settings = Settings(
            _env_file=None, data_dir=Path(work), demo={"port": 0}, admin={"port": 0}, database={"url": ""}
        )
        demo = LocalDemo(settings)
        await demo.start()
        try:
            assert demo.server is not None
            async with httpx.AsyncClient(base_url=f"{demo.server.url}/client/{DEMO_TOKEN}/", timeout=30) as chat:
                for user_id, language, texts in CONVERSATIONS:
                    for text in texts:
                        body = {"user_id": user_id, "first_name": "Demo", "language_code": language, "text": text}
                        (await chat.post("send", json=body)).raise_for_status()
                        await asyncio.sleep(1.5)  # the bot answers before the next message, as in a real chat
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = await browser.new_page(viewport={"width": 1280, "height": 860}, locale="de-DE")
                await page.goto(f"{demo.staff_url}login")
                await page.fill("#username", DEMO_STAFF)
                await page.fill("#password", demo.staff_password)
                await page.click("button[type=submit]")
                await page.wait_for_url(demo.staff_url)
                await page.screenshot(path=str(DOCS / "staff-queue.png"), full_page=True)
                await page.click("a[href^='/cases/'] >> nth=1")
                await page.wait_for_selector("#case-story")
                await page.screenshot(path=str(DOCS / "staff-case.png"), full_page=True)
                await browser.close()
        finally:
            await demo.stop()
    print("wrote docs/staff-queue.png and docs/staff-case.png")


if __name__ == "__main__":
    asyncio.run(main())
