"""The local demo in a real browser (Debian's Chromium via Playwright): chat with the real bot stack."""

from __future__ import annotations

import asyncio
import os
import shutil
from typing import Any

import httpx
import pytest

from bot.runtime import DEMO_TOKEN, LocalDemo
from bot.settings import Settings
from fake_telegram import FakeTelegramServer
from fake_telegram.files import png
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
async def local_demo(tmp_path):
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        demo={"port": 0},
        admin={"host": "127.0.0.1", "port": 0},
        secret_key="browser-test",
        database={"url": ""},
    )
    running = LocalDemo(settings)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
def demo(local_demo: LocalDemo) -> str:
    assert local_demo.server is not None
    return f"{local_demo.server.url}/"


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


async def _english_chat(page) -> None:
    """The page's first user, greeted by the bot, chose English."""
    await page.get_by_role("button", name="English").click(timeout=15000)
    await page.get_by_text(translator("en")("Your language: {language}").format(language="English")).wait_for(
        timeout=10000
    )


async def test_the_bots_notice_on_a_button_shows_and_goes_away(demo, page, kb) -> None:
    """The bot answers a press of "Yes, this helped" with a notice (answerCallbackQuery), shown for a few
    seconds. The page's clock is moved on instead of waiting."""
    _ = translator("en")
    await page.clock.install()
    await page.goto(demo)
    await _english_chat(page)
    await page.fill("#text", "Where do I register my new flat?")
    await page.press("#text", "Enter")
    title = kb.get("address-registration").text("en").title
    answer = page.locator(".msg.bot", has_text=title)
    await answer.wait_for(timeout=10000)
    await answer.get_by_role("button", name=_("Yes, this helped")).click()
    toast = page.locator("#toast")
    await toast.get_by_text(_("Thank you for your feedback!")).wait_for(timeout=10000)
    assert await page.locator("#alert").is_visible() is False  # a notice, not a dialog
    await page.clock.fast_forward(3000)
    assert await toast.is_visible()
    await page.clock.fast_forward(1500)
    await toast.wait_for(state="hidden", timeout=2000)
    assert page.dialogs == []


@pytest.fixture
def chat_server():
    """The fake Telegram with its browser chat and no bot: the test answers as the bot, over HTTP."""
    server = FakeTelegramServer(["100001:page-test"], limits=False).start_in_thread()
    yield server
    server.stop()


async def test_an_alert_from_the_bot_is_a_dialog_the_user_closes(chat_server: FakeTelegramServer, page) -> None:
    async with httpx.AsyncClient(base_url=f"{chat_server.url}/bot100001:page-test", timeout=10) as bot:
        await page.goto(f"{chat_server.url}/")
        start = await _next_update(bot, 0)  # the page's /start
        user_id = start["message"]["from"]["id"]
        markup = {"inline_keyboard": [[{"text": "Delete my data", "callback_data": "forget"}]]}
        await _call(bot, "sendMessage", chat_id=user_id, text="Your data", reply_markup=markup)
        await page.get_by_role("button", name="Delete my data").click(timeout=10000)
        press = await _next_update(bot, start["update_id"] + 1)
        text = "Are you sure? <b> stays text"
        await _call(
            bot, "answerCallbackQuery", callback_query_id=press["callback_query"]["id"], text=text, show_alert=True
        )
        dialog = page.locator("#alert")
        await dialog.wait_for(timeout=10000)
        assert await dialog.locator("#alert-text").inner_text() == text
        assert await page.locator("#toast").is_visible() is False
        await dialog.get_by_role("button", name="OK").click()
        await dialog.wait_for(state="hidden", timeout=5000)


async def _call(bot: httpx.AsyncClient, method: str, **params: Any) -> Any:
    body = (await bot.post(f"/{method}", json=params)).json()
    assert body["ok"], body
    return body["result"]


async def _next_update(bot: httpx.AsyncClient, offset: int) -> dict[str, Any]:
    (update, *_) = await _call(bot, "getUpdates", offset=offset, timeout=10)
    return update


ATTACH = "Attach a photo or file"


async def test_an_attached_photo_is_shown_and_reaches_the_bot_with_its_bytes(demo, page, tmp_path) -> None:
    await page.goto(demo)
    await page.get_by_role("button", name="English").wait_for(timeout=15000)
    letter = png(120, 80, (240, 230, 200))
    (tmp_path / "brief.png").write_bytes(letter)
    await page.get_by_label(ATTACH).set_input_files(str(tmp_path / "brief.png"))
    thumbnail = page.locator(".msg.user img.photo")
    await thumbnail.wait_for(timeout=10000)
    await thumbnail.evaluate("img => img.decode()")  # loaded from the fake's client API
    assert await thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [120, 80]
    assert await thumbnail.get_attribute("alt") == "Photo"
    await page.locator(".msg.user:has(img.photo) ~ .msg.bot").first.wait_for(timeout=10000)  # the bot answered it
    assert await page.locator("#send-error").is_visible() is False

    user_id = await page.evaluate("localStorage.getItem('lotse-demo-user')")
    async with httpx.AsyncClient(base_url=f"{demo}client/{DEMO_TOKEN}", timeout=10) as client:
        items = (await client.get("/messages", params={"chat_id": user_id})).json()["result"]
        [message] = [item["message"] for item in items if "photo" in item["message"]]
        assert message["from"]["id"] == int(user_id)
        size = message["photo"][-1]
        assert (size["width"], size["height"], size["file_size"]) == (120, 80, len(letter))
        assert (await client.get("/file", params={"file_id": size["file_id"]})).content == letter
        files = (await client.get("/state")).json()["result"]["files"]
    assert [(f["file_id"], f["kind"], f["mime_type"]) for f in files] == [(size["file_id"], "photo", "image/png")]


async def test_an_attached_file_shows_its_name_and_a_refused_photo_says_why(
    chat_server: FakeTelegramServer, page, tmp_path
) -> None:
    await page.goto(f"{chat_server.url}/")
    await page.wait_for_function("() => localStorage.getItem('lotse-demo-user')")  # the page knows its user
    pdf = b"%PDF-1.4\n% Bescheid\n%%EOF\n"
    (tmp_path / "Bescheid 2024.pdf").write_bytes(pdf)
    await page.get_by_label(ATTACH).set_input_files(str(tmp_path / "Bescheid 2024.pdf"))
    link = page.locator(".msg.user a.document", has_text="Bescheid 2024.pdf")
    await link.wait_for(timeout=10000)
    assert await link.get_attribute("download") == "Bescheid 2024.pdf"
    async with httpx.AsyncClient(base_url=chat_server.url, timeout=10) as client:
        assert (await client.get(await link.get_attribute("href") or "")).content == pdf

    (tmp_path / "broken.png").write_bytes(b"not really a picture")
    await page.get_by_label(ATTACH).set_input_files(str(tmp_path / "broken.png"))
    error = page.locator("#send-error")
    await error.wait_for(timeout=10000)
    assert "Your photo was not sent: the demo server answered 400 (Bad Request: IMAGE_PROCESS_FAILED)" in (
        await error.inner_text()
    )
    assert await page.get_by_role("button", name="Try again").is_visible() is False  # it would fail again
    assert await page.locator(".msg.user img").count() == 0


async def test_an_attachment_that_did_not_go_through_is_sent_on_retry(
    chat_server: FakeTelegramServer, page, tmp_path
) -> None:
    await page.goto(f"{chat_server.url}/")
    await page.wait_for_function("() => localStorage.getItem('lotse-demo-user')")  # the page knows its user
    (tmp_path / "foto.png").write_bytes(png(30, 20))
    await page.context.set_offline(True)
    await page.get_by_label(ATTACH).set_input_files(str(tmp_path / "foto.png"))
    await page.locator("#send-error", has_text="Your photo was not sent").wait_for(timeout=10000)
    await page.context.set_offline(False)
    await page.get_by_role("button", name="Try again").click()
    await page.locator(".msg.user img.photo").wait_for(timeout=10000)
    await page.locator("#send-error").wait_for(state="hidden", timeout=5000)
    assert await page.locator(".msg.user img.photo").count() == 1


async def test_a_message_the_server_did_not_take_stays_in_the_box_with_an_error(local_demo, demo, page) -> None:
    await page.goto(demo)
    await page.get_by_role("button", name="English").wait_for(timeout=15000)
    assert local_demo.server is not None
    await asyncio.to_thread(local_demo.server.stop)  # the demo server is gone (stopped, crashed)
    text = "Is anyone there?"
    await page.fill("#text", text)
    await page.press("#text", "Enter")
    error = page.locator("#send-error")
    await error.wait_for(timeout=10000)
    assert "not sent" in await error.inner_text()
    assert await page.input_value("#text") == text
    await page.locator("#connection").wait_for(timeout=10000)  # and the page says that it is not connected
    assert await page.locator(".msg.user", has_text=text).count() == 0


async def test_a_message_the_server_refuses_stays_in_the_box_with_its_reason(demo, page) -> None:
    await page.goto(demo)
    await page.get_by_role("button", name="English").wait_for(timeout=15000)
    # A lone surrogate: JavaScript strings may hold one, Telegram (and the fake) refuse it with a 400.
    await page.evaluate("document.getElementById('text').value = 'broken \\ud800 text'")
    await page.press("#text", "Enter")
    error = page.locator("#send-error")
    await error.wait_for(timeout=10000)
    assert "not sent: the demo server answered 400 (Bad Request: " in await error.inner_text()
    assert await page.evaluate("document.getElementById('text').value === 'broken \\ud800 text'")
    assert await page.locator("#connection").is_visible() is False  # the server is there; it said no


async def test_an_unsent_message_is_sent_on_retry(demo, page) -> None:
    await page.goto(demo)
    await page.get_by_role("button", name="English").wait_for(timeout=15000)
    text = "What does the Koordinierungsstelle do?"
    await page.context.set_offline(True)  # the network drops for a moment
    await page.fill("#text", text)
    await page.press("#text", "Enter")
    await page.locator("#send-error").wait_for(timeout=10000)
    assert await page.input_value("#text") == text
    await page.context.set_offline(False)
    await page.get_by_role("button", name="Try again").click()
    await page.locator(".msg.user", has_text=text).wait_for(timeout=10000)
    await page.locator("#send-error").wait_for(state="hidden", timeout=5000)
    assert await page.input_value("#text") == ""
    await page.locator(".msg.bot").nth(2).wait_for(timeout=10000)  # the bot answered it


async def test_a_new_user_keeps_the_chosen_app_language(demo, page) -> None:
    await page.goto(demo)
    await page.get_by_role("button", name="English").wait_for(timeout=15000)
    first_user = await page.evaluate("localStorage.getItem('lotse-demo-user')")
    await page.select_option("#lang", "uk")
    async with page.expect_navigation():
        await page.get_by_role("button", name="New user").click()
    await page.locator(".msg.user", has_text="/start").wait_for(timeout=10000)
    assert await page.input_value("#lang") == "uk"
    new_user = await page.evaluate("localStorage.getItem('lotse-demo-user')")
    assert new_user != first_user
    async with httpx.AsyncClient(base_url=f"{demo}client/{DEMO_TOKEN}", timeout=10) as client:
        items = (await client.get("/messages", params={"chat_id": new_user})).json()["result"]
    assert items[0]["message"]["text"] == "/start"
    assert items[0]["message"]["from"]["language_code"] == "uk"  # as a Telegram app set to Ukrainian sends it


# Phone numbers in an Arabic answer read in the right order on screen: Chromium lays out text with the same
# Unicode bidi algorithm as Telegram's apps (without isolation "116 016" showed as "016 116").
# For the first text node of a message containing `number`: the left edge on screen of each of its digit
# groups, in the order they are written.
_GROUP_POSITIONS = """([selector, number]) => {
  const messages = [...document.querySelectorAll(selector)];
  for (const message of messages) {
    const walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
    let offset = -1;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      offset = node.data.indexOf(number);
      if (offset < 0) continue;
      const lefts = [];
      let start = offset;
      for (const group of number.split(" ")) {
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + group.length);
        lefts.push(range.getClientRects()[0].left);
        start += group.length + 1;
      }
      return {lefts, direction: getComputedStyle(message).direction};
    }
  }
  return null;
}"""


async def test_a_phone_number_in_an_arabic_message_reads_left_to_right(demo, page) -> None:
    await page.goto(demo)
    await page.get_by_role("button", name="العربية").wait_for(timeout=15000)
    await page.get_by_role("button", name="العربية").click()
    await page.locator(".msg.bot", has_text="العربية").last.wait_for(timeout=10000)
    await page.fill("#text", "ساعدوني")
    await page.press("#text", "Enter")
    card = page.locator(".msg.bot", has_text="116 016")
    await card.wait_for(timeout=10000)
    for number in ("116 016", "0800 111 0 111"):
        measured = await page.evaluate(_GROUP_POSITIONS, [".msg.bot", number])
        assert measured is not None, number
        assert measured["direction"] == "rtl"  # the message itself stays right to left
        lefts = measured["lefts"]
        assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), (number, lefts)  # groups in order
