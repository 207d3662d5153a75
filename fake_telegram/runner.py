"""Run the fake Bot API server: in a background thread (tests) or on the current event loop (demo)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
from typing import Any

import uvicorn

from fake_telegram.app import create_app
from fake_telegram.botapi import FakeBotApi


def _bound_socket(host: str, port: int) -> socket.socket:
    """A listening socket; OSError (EADDRINUSE, ...) if the address cannot be had."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if os.name == "nt":  # Windows' SO_REUSEADDR would let a second server take a port in use
            sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_EXCLUSIVEADDRUSE", -5), 1)
        else:  # a restart may bind while the last run's connections are in TIME_WAIT
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


class FakeTelegramServer:
    """A fake Bot API on 127.0.0.1; `base_url` and `base_file_url` are what python-telegram-bot's
    `base_url()` and `base_file_url()` take.

    Telegram's sending limits are on, as in Telegram; `limits=False` switches them off."""

    def __init__(
        self,
        tokens: list[str],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        web_chat_token: str | None = None,
        limits: bool = True,
    ) -> None:
        self.host = host
        self._socket = _bound_socket(host, port)
        self.port: int = self._socket.getsockname()[1]
        self.tokens = list(tokens)
        self.limits = limits
        self._bot_options: dict[str, dict[str, Any]] = {}
        self._web_chat_token = web_chat_token or (tokens[0] if tokens else None)
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self._started = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self.api: FakeBotApi | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot{{token}}"

    @property
    def base_file_url(self) -> str:
        """Its file server, for python-telegram-bot's `base_file_url()` (LOTSE_TELEGRAM_API_FILE_URL)."""
        return f"{self.url}/file/bot{{token}}"

    def add_bot(self, token: str, **options: Any) -> None:
        """Register a bot token (options as `FakeBotApi.add_bot`); any thread, before or after the start."""
        with self._lock:
            self._bot_options[token] = options
            api, loop = self.api, self._loop
            if api is None or loop is None:
                self.tokens.append(token)
                return
        try:
            on_server_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_server_loop = False
        if on_server_loop:
            api.add_bot(token, **options)
            return

        async def add() -> None:
            api.add_bot(token, **options)

        asyncio.run_coroutine_threadsafe(add(), loop).result(timeout=10)

    def _make_server(self) -> uvicorn.Server:
        with self._lock:
            api = FakeBotApi(limits=self.limits)
            for token in self.tokens:
                api.add_bot(token, **self._bot_options.get(token, {}))
            self._loop = asyncio.get_running_loop()
            self.api = api
        app = create_app(api, web_chat_token=self._web_chat_token)
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1)
        return uvicorn.Server(config)

    async def serve(self) -> None:
        """Serve on the running event loop until `stop()` (the demo)."""
        self._server = self._make_server()
        self._started.set()
        await self._server.serve(sockets=[self._socket])

    def start_in_thread(self) -> FakeTelegramServer:
        """Serve from a thread with its own event loop, so a busy bot loop cannot stall Telegram."""

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)

            async def main() -> None:
                server = self._server = self._make_server()
                task = asyncio.ensure_future(server.serve(sockets=[self._socket]))
                while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn has no "started" event
                    await asyncio.sleep(0.01)
                self._started.set()
                await task

            loop.run_until_complete(main())
            # Long polls still waiting (a browser tab, a bot) are cancelled cleanly before the loop closes.
            pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-telegram", daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("fake Telegram server did not start")
        return self

    def stop(self) -> None:
        """Stop serving: waiting long polls (a bot's getUpdates, a browser tab's) are answered at once, so an
        open chat page does not hold the shutdown up. Any thread; idempotent."""
        api, loop = self.api, self._loop
        if api is not None and loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(lambda: asyncio.ensure_future(api.close()))
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        try:
            self._socket.close()
        except OSError:
            pass
