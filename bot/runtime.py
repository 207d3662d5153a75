"""Building and running the product: the one place that connects the database, loads and indexes the
knowledge base, starts the translation worker and wires the Telegram Application.

`run_bot` runs the real bot (long polling); without a token, `run_demo` runs the local demo (the real bot
stack against the project's fake Bot API, plus a browser chat on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import logging
import secrets
import signal
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

from telegram import Update

from bot import services
from bot.db import Database, SqlTranslationStore, utcnow
from bot.services import CuratedTexts, ServiceContext, StaffRole
from bot.settings import ENV_PREFIX, AdminSettings, DemoSettings, Group, Settings, callback_secret
from bot.telegram.application import LotseApplication, build_application
from bot.telegram.callbacks import CallbackSigner
from intents import EmergencyDetector, Matcher
from knowledge import KnowledgeBase, load_knowledge_base, matcher_documents
from translations.machine import ArgosEngine, MachineTranslator, argos_available
from translations.service import TranslationService

if TYPE_CHECKING:
    from fake_telegram import FakeTelegramServer

log = logging.getLogger(__name__)

DEMO_TOKEN = "100000:lotse-local-demo-token"


def build_matcher(kb: KnowledgeBase, settings: Settings) -> Matcher:
    emergency = kb.emergency_entry
    return Matcher(
        matcher_documents(kb),
        answer_threshold=settings.matching.answer_threshold,
        suggest_threshold=settings.matching.suggest_threshold,
        answer_margin=settings.matching.answer_margin,
        emergency=EmergencyDetector(kb.emergency),
        emergency_entry=emergency.id if emergency else None,
    )


def build_machine_translator(settings: Settings) -> MachineTranslator | None:
    """Argos Translate behind a worker thread, or None without the [mt] extra."""
    if not argos_available():
        return None
    try:
        engine = ArgosEngine(settings.mt_home, max_models=settings.translation.max_models)
    except RuntimeError as exc:  # Argos is process-wide: a second home in one process cannot work
        log.warning("machine translation is off: %s", exc)
        return None
    return MachineTranslator(
        engine, timeout=settings.translation.timeout_seconds, max_pending=settings.translation.max_pending
    )


def build_translator(db: Database, kb: KnowledgeBase, machine: MachineTranslator | None) -> TranslationService:
    return TranslationService(SqlTranslationStore(db), machine, CuratedTexts(kb))


def build_context(
    settings: Settings,
    *,
    db: Database | None = None,
    kb: KnowledgeBase | None = None,
    machine: MachineTranslator | None = None,
    with_machine_translation: bool = True,
    clock: Callable[[], dt.datetime] = utcnow,
) -> ServiceContext:
    """Load the knowledge base, build the matcher index, connect the database (not migrated here) and, when
    the [mt] extra is installed, the offline machine translation."""
    kb = kb or load_knowledge_base()
    db = db or Database(settings.database_url)
    if machine is None and with_machine_translation:
        machine = build_machine_translator(settings)
    return ServiceContext(
        settings=settings,
        db=db,
        kb=kb,
        matcher=build_matcher(kb, settings),
        translator=build_translator(db, kb, machine),
        clock=clock,
    )


def build_bot(ctx: ServiceContext, *, token: str, base_url: str, base_file_url: str) -> LotseApplication:
    return build_application(
        ctx, token=token, base_url=base_url, base_file_url=base_file_url, secret=callback_secret(ctx.settings)
    )


def run_bot(settings: Settings) -> None:
    """The real bot against Telegram (or a self-hosted Bot API server), with long polling."""
    token = settings.telegram.token
    assert token, "run_bot needs LOTSE_TELEGRAM_TOKEN"
    ctx = build_context(settings)

    async def migrate() -> None:
        await ctx.db.upgrade()
        await ctx.db.dispose()  # the polling loop below is a new event loop; reconnect there

    asyncio.run(migrate())
    application = build_bot(
        ctx, token=token, base_url=settings.telegram.api_base_url, base_file_url=settings.telegram.api_file_url
    )
    log.info("Lotse is running with long polling; stop with Ctrl+C")
    application.run_polling(allowed_updates=Update.ALL_TYPES)


async def run_worker(ctx: ServiceContext, *, interval: float = 2.0, once: bool = False) -> None:
    """Deliver the outbox until SIGTERM or Ctrl+C (`lotse worker`): any number of workers may run beside the
    bot, each claiming rows of its own. With `once`, one round and out."""
    from telegram.ext import ExtBot

    from bot.telegram.delivery import OutboxDelivery
    from bot.telegram.ratelimit import TelegramRateLimiter

    settings = ctx.settings
    assert settings.telegram.token, "run_worker needs LOTSE_TELEGRAM_TOKEN"
    bot: ExtBot[int] = ExtBot(
        settings.telegram.token,
        base_url=settings.telegram.api_base_url,
        base_file_url=settings.telegram.api_file_url,
        rate_limiter=TelegramRateLimiter(),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with bot:
        delivery = OutboxDelivery(ctx, bot, CallbackSigner(callback_secret(settings)))
        log.info("outbox worker %s is running", delivery.worker)
        while not stop.is_set():
            claimed = await delivery.tick()
            if once:
                return
            if claimed == 0:  # a full round goes on at once: there may be more due
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), interval)


async def start_polling(application: LotseApplication, *, poll_timeout: int) -> None:
    """Start the bot inside a running event loop (the demo and the tests; `run_polling` owns its own loop)."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(timeout=poll_timeout, poll_interval=0)


async def stop_polling(application: LotseApplication) -> None:
    if application.updater is not None:
        await application.updater.stop()
    await application.stop()
    await application.shutdown()


class DemoUnavailable(Exception):
    """The demo cannot listen where it is configured to; the message names the setting to change."""


def _cannot_listen(
    host: str, port: int, error: OSError, *, what: str = "the demo", group: type[Group] = DemoSettings
) -> str:
    """One line for an operator: what is wrong with the address `what` listens on and which LOTSE_* setting of
    `group` to change."""
    port_setting = f"{ENV_PREFIX}{group.env_prefix}PORT"
    host_setting = f"{ENV_PREFIX}{group.env_prefix}HOST"
    if error.errno == errno.EADDRINUSE or getattr(error, "winerror", None) == 10048:
        other = {8080: 8081, 8081: 8082}.get(port, 8080)
        return (
            f"cannot start {what}: port {port} on {host} is already in use (is {what} running already?). "
            f"Stop that program or set {port_setting} to a free port, e.g. {port_setting}={other}"
        )
    if error.errno == errno.EACCES:
        return (
            f"cannot start {what}: no permission to listen on port {port} on {host} (ports below 1024 need "
            f"administrator rights). Set {port_setting} to a port above 1023, e.g. {port_setting}=8080"
        )
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return (
            f"cannot start {what}: {host} is not an address of this computer. "
            f"Set {host_setting} to one of its addresses, e.g. {host_setting}=127.0.0.1"
        )
    reason = error.strerror or str(error)
    return f"cannot start {what} on {host}:{port}: {reason}. Check {host_setting} and {port_setting}"


DEMO_STAFF = "demo"  # the demo's staff login; its password is new on every start and printed


class LocalDemo:
    """The full bot stack against the project's fake Bot API, a browser chat on 127.0.0.1 and the staff web
    app (on LOTSE_ADMIN_HOST/PORT) with a demo login, so both sides of a hand-over can be tried."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.server: FakeTelegramServer | None = None
        self.application: LotseApplication | None = None
        self.ctx: ServiceContext | None = None
        self.admin: AdminServer | None = None
        self.staff_url = ""
        self.staff_password = ""

    async def start(self) -> str:
        """Start everything; returns the address of the browser chat."""
        from fake_telegram import FakeTelegramServer

        settings = self.settings
        try:
            server = FakeTelegramServer([DEMO_TOKEN], host=settings.demo.host, port=settings.demo.port)
        except OSError as exc:  # port in use, no permission, not an address of this computer
            raise DemoUnavailable(_cannot_listen(settings.demo.host, settings.demo.port, exc)) from None
        self.server = server.start_in_thread()
        self.ctx = build_context(settings)
        await self.ctx.db.upgrade()
        try:
            self.admin = AdminServer(self.ctx)
        except AdminUnavailable as exc:
            raise DemoUnavailable(str(exc)) from None
        self.staff_password = await _demo_staff_login(self.ctx)
        await services.seed_canned_replies(self.ctx)
        self.staff_url = await self.admin.start()
        application = build_bot(
            self.ctx, token=DEMO_TOKEN, base_url=server.base_url, base_file_url=f"{server.url}/file/bot{{token}}"
        )
        self.application = application
        await start_polling(application, poll_timeout=10)
        return f"{server.url}/"

    async def stop(self) -> None:
        if self.admin is not None:
            await self.admin.stop()
        if self.application is not None:
            await stop_polling(self.application)
        if self.ctx is not None:
            await self.ctx.db.dispose()
        if self.server is not None:
            self.server.stop()


async def run_demo(settings: Settings) -> None:
    """Run the local demo until Ctrl+C or SIGTERM, then stop it cleanly: browser tabs still waiting for
    messages do not hold the shutdown up. Raises DemoUnavailable when its address cannot be had."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not in the main thread
            loop.add_signal_handler(sig, stop.set)
    demo = LocalDemo(settings)
    try:
        url = await demo.start()
        if not stop.is_set():  # Ctrl+C while starting: stop right away
            print(f"\nLotse demo is running. Open {url} in your browser to chat with the bot.")
            print(
                f"Staff web app: {demo.staff_url}  login: {DEMO_STAFF}  password: {demo.staff_password}"
                "  (new on every start)"
            )
            print(f"Database: {settings.database_url}   Stop with Ctrl+C.\n", flush=True)
            await stop.wait()
    finally:
        await demo.stop()


class AdminUnavailable(Exception):
    """The staff web app cannot listen where it is configured to; the message names the setting to change."""


async def _demo_staff_login(ctx: ServiceContext) -> str:
    """The demo's staff account (an admin, shown to newcomers as "Demo"), with a new password each start."""
    password = secrets.token_urlsafe(9)
    try:
        await services.add_staff(ctx, DEMO_STAFF, password, StaffRole.ADMIN, display_name="Demo")
    except services.UsernameTaken:
        await services.change_password(ctx, DEMO_STAFF, password)
    return password


class AdminServer:
    """The staff web app under uvicorn on LOTSE_ADMIN_HOST:LOTSE_ADMIN_PORT (port 0: a free one).

    uvicorn does not read X-Forwarded-* itself here (`proxy_headers=False`): whether a proxy is believed is
    LOTSE_ADMIN_TRUSTED_PROXY's alone (admin/auth.py)."""

    def __init__(self, ctx: ServiceContext) -> None:
        import uvicorn

        from admin import create_app

        self.ctx = ctx
        settings = ctx.settings.admin
        try:
            self.socket = _listening_socket(settings.host, settings.port)
        except OSError as exc:
            message = _cannot_listen(settings.host, settings.port, exc, what="the staff web app", group=AdminSettings)
            raise AdminUnavailable(message) from None
        config = uvicorn.Config(
            create_app(ctx),
            proxy_headers=False,
            server_header=False,
            log_config=None,  # the CLI's logging: access lines only with -v
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    async def serve(self) -> None:
        """Serve until Ctrl+C or SIGTERM, then return. uvicorn stops cleanly on either and then raises the
        signal again for the handler that was there before it; that handler only takes note here, so the
        caller's clean-up runs in the event loop as usual (asyncio's own Ctrl+C handler would cancel it)."""
        signals = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, _take_note) for sig in signals}
        try:
            await self.server.serve(sockets=[self.socket])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    async def start(self) -> str:
        """Serve in the background of the running event loop (tests); returns the address."""
        self._task = asyncio.create_task(self.server.serve(sockets=[self.socket]))
        while not self.server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("the staff web app stopped while starting")
            await asyncio.sleep(0.01)
        return self.url

    async def stop(self) -> None:
        self.server.should_exit = True
        if self._task is not None:
            await self._task
        self.socket.close()


def _take_note(signum: int, frame: object) -> None:
    log.info("staff web app stopped by signal %d", signum)


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)  # connections wait from now on, before uvicorn serves them
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock
