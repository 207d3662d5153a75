"""Shared fixtures: settings, a real database (SQLite, and PostgreSQL when LOTSE_TEST_POSTGRES_URL is set),
the knowledge base, the fake Telegram server and the running bot."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from bot.db import Database
from bot.services import ServiceContext, build_matcher
from bot.settings import Settings, async_database_url
from bot.telegram.application import build_application
from fake_telegram import BotObserver, FakeTelegramServer, TelegramUser
from knowledge import KnowledgeBase, load_knowledge_base

# Argos Translate is configured once per process; every in-process test shares one models directory.
os.environ.setdefault("LOTSE_MT_HOME", tempfile.mkdtemp(prefix="lotse-test-argos-"))

POSTGRES_URL = os.environ.get("LOTSE_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
FIXED_NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: dt.datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase):
    return build_matcher(kb, Settings(_env_file=None))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest_asyncio.fixture
async def database(backend: str, tmp_path) -> AsyncIterator[Database]:
    """A migrated, empty database: a SQLite file, or a fresh schema in the PostgreSQL test database."""
    if backend == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}")
        await db.upgrade()
        yield db
        await db.dispose()
        return
    import asyncpg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = make_url(async_database_url(POSTGRES_URL))
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    db = Database(async_database_url(POSTGRES_URL), connect_args={"server_settings": {"search_path": schema}})
    try:
        await db.upgrade()
        yield db
    finally:
        await db.dispose()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, secret_key="test-secret-key", database_url="")


@pytest.fixture
def ctx(settings: Settings, database: Database, kb: KnowledgeBase, matcher, clock: Clock) -> ServiceContext:
    return ServiceContext(settings=settings, db=database, kb=kb, matcher=matcher, clock=clock)


@pytest.fixture(scope="session")
def telegram_server() -> FakeTelegramServer:
    server = FakeTelegramServer([], accept_any_token=True).start_in_thread()
    yield server
    server.stop()


_tokens = itertools.count(1)


@pytest.fixture
def token() -> str:
    """A bot token of its own for each test, so tests never see each other's chats."""
    return f"{500000 + next(_tokens)}:test-{uuid.uuid4().hex[:16]}"


class RunningBot:
    def __init__(self, server: FakeTelegramServer, token: str, ctx: ServiceContext) -> None:
        self.server = server
        self.token = token
        self.ctx = ctx
        self.application = None
        self._users: list[TelegramUser] = []
        self.observer = BotObserver(server.url, token)

    async def start(self) -> None:
        self.application = build_application(
            self.ctx,
            token=self.token,
            base_url=self.server.base_url,
            base_file_url=f"{self.server.url}/file/bot{{token}}",
            secret=b"test-secret-key",
        )
        await self.application.initialize()
        await self.application.post_init(self.application)
        await self.application.start()
        await self.application.updater.start_polling(timeout=5, poll_interval=0)

    async def stop(self) -> None:
        if self.application is None:
            return
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()
        self.application = None

    def user(
        self, user_id: int | None = None, *, language_code: str | None = None, first_name: str = "Test"
    ) -> TelegramUser:
        user = TelegramUser(
            self.server.url,
            self.token,
            user_id or (10_000 + len(self._users)),
            first_name=first_name,
            language_code=language_code,
        )
        self._users.append(user)
        return user

    async def close(self) -> None:
        await self.stop()
        for user in self._users:
            await user.aclose()
        await self.observer.aclose()


@pytest_asyncio.fixture
async def bot(telegram_server: FakeTelegramServer, token: str, ctx: ServiceContext) -> AsyncIterator[RunningBot]:
    """The real python-telegram-bot Application, polling the fake Telegram over HTTP."""
    running = RunningBot(telegram_server, token, ctx)
    await running.start()
    try:
        yield running
    finally:
        await running.close()


async def eventually(check: Callable[[], object], timeout: float = 5.0) -> object:
    """Poll an async or sync check until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
