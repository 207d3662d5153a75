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


class LocalDemo:
    """The full bot stack against the project's fake Bot API, plus a browser chat on 127.0.0.1."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.server = None
        self.application = None
        self.ctx = None

    async def start(self) -> str:
        """Start everything; returns the address of the browser chat."""
        from fake_telegram import FakeTelegramServer

        settings = self.settings
        self.server = FakeTelegramServer(
            [DEMO_TOKEN], host=settings.demo_host, port=settings.demo_port
        ).start_in_thread()
        self.ctx = build_context(settings)
        await self.ctx.db.upgrade()
        self.application = build_application(
            self.ctx,
            token=DEMO_TOKEN,
            base_url=self.server.base_url,
            base_file_url=f"{self.server.url}/file/bot{{token}}",
            secret=callback_secret(settings),
        )
        await self.application.initialize()
        await self.application.post_init(self.application)  # type: ignore[misc]
        await self.application.start()
        await self.application.updater.start_polling(timeout=10, poll_interval=0)  # type: ignore[union-attr]
        return f"{self.server.url}/"

    async def stop(self) -> None:
        if self.application is not None:
            await self.application.updater.stop()  # type: ignore[union-attr]
            await self.application.stop()
            await self.application.shutdown()
        if self.ctx is not None:
            await self.ctx.db.dispose()
        if self.server is not None:
            self.server.stop()


async def run_demo(settings: Settings) -> None:
    """Run the local demo until Ctrl+C."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not in the main thread
            pass
    demo = LocalDemo(settings)
    try:
        url = await demo.start()
        print(f"\nLotse demo is running. Open {url} in your browser to chat with the bot.")
        print(f"Database: {settings.effective_database_url}   Stop with Ctrl+C.\n", flush=True)
        await stop.wait()
    finally:
        await demo.stop()
