"""`lotse start` with a token runs the real bot with long polling; here against the fake Bot API,
as a county would run it against a self-hosted Bot API server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.helpers import eventually


async def test_start_with_a_token_polls_the_configured_bot_api(telegram_server, token, tmp_path) -> None:
    from fake_telegram import BotObserver, TelegramUser

    env = {
        **os.environ,
        "LOTSE_TELEGRAM_TOKEN": token,
        "LOTSE_TELEGRAM_API_BASE_URL": telegram_server.base_url,
        "LOTSE_TELEGRAM_API_FILE_URL": telegram_server.base_file_url,
        "LOTSE_DATA_DIR": str(tmp_path),
        "LOTSE_DATABASE_URL": "",
    }
    process = subprocess.Popen(  # noqa: ASYNC220 - Popen returns at once; the test polls the bot over HTTP
        [sys.executable, "-m", "bot.cli", "start"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    user = TelegramUser(telegram_server.url, token, 4242, language_code="tr")
    observer = BotObserver(telegram_server.url, token)
    try:
        await eventually(lambda: _polling(observer), timeout=60)
        await user.send("/start")
        welcome, picker = await user.replies(2, timeout=30)
        assert "Lotse" in welcome.text and "Türkçe" in picker.button_texts
        assert (tmp_path / "lotse.sqlite3").exists()  # migrated at start-up
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
        await user.aclose()
        await observer.aclose()
    assert process.returncode == 0, output


async def _polling(observer) -> bool:
    try:
        state = await observer.state()
    except Exception:  # noqa: BLE001 - the bot may not have called yet
        return False
    return any(call["method"] == "getUpdates" for call in state["calls"])
