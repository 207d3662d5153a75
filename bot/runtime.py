"""Start the product: the real bot (long polling) or, without a token, the local demo."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import Update

from bot.services import build_context
from bot.settings import Settings, callback_secret
from bot.telegram.application import build_application

log = logging.getLogger(__name__)

DEMO_TOKEN = "100000:lotse-local-demo-token"


def run_bot(settings: Settings) -> None:
    """The real bot against Telegram (or a self-hosted Bot API server), with long polling."""
    assert settings.telegram_token
    ctx = build_context(settings)

    async def migrate() -> None:
        await ctx.db.upgrade()
        await ctx.db.dispose()  # the polling loop below is a new event loop; reconnect there

    asyncio.run(migrate())
    application = build_application(
        ctx,
        token=settings.telegram_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_file_url,
        secret=callback_secret(settings),
    )
    log.info("Lotse is running with long polling; stop with Ctrl+C")
    application.run_polling(allowed_updates=Update.ALL_TYPES)


async def run_demo(settings: Settings, *, ready: asyncio.Event | None = None, stop: asyncio.Event | None = None) -> None:
    """The full bot stack against the project's fake Bot API, plus a browser chat on 127.0.0.1."""
    from fake_telegram import FakeTelegramServer

    server = FakeTelegramServer([DEMO_TOKEN], host=settings.demo_host, port=settings.demo_port).start_in_thread()
    ctx = build_context(settings)
    await ctx.db.upgrade()
    application = build_application(
        ctx,
        token=DEMO_TOKEN,
        base_url=server.base_url,
        base_file_url=f"{server.url}/file/bot{{token}}",
        secret=callback_secret(settings),
    )
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not in the main thread
            pass
    try:
        async with application:
            await application.start()
            await application.updater.start_polling(timeout=10, poll_interval=0)  # type: ignore[union-attr]
            print(f"\nLotse demo is running. Open {server.url}/ in your browser to chat with the bot.")
            print(f"Database: {settings.effective_database_url}   Stop with Ctrl+C.\n", flush=True)
            if ready is not None:
                ready.set()
            await stop.wait()
            await application.updater.stop()  # type: ignore[union-attr]
            await application.stop()
    finally:
        await ctx.db.dispose()
        server.stop()
