"""Shared fixtures: settings, a real database (SQLite, and PostgreSQL when LOTSE_TEST_POSTGRES_URL is set),
the knowledge base, the fake Telegram server and the running bot. Helpers are in tests/helpers.py."""

from __future__ import annotations

import itertools
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from bot.db import Database
from bot.degraded import DegradedLog
from bot.runtime import build_matcher, build_translator
from bot.services import ServiceContext
from bot.settings import Settings, async_database_url
from fake_telegram import FakeTelegramServer
from intents import Matcher
from knowledge import KnowledgeBase, load_knowledge_base
from tests.helpers import TEST_SECRET, Clock, RunningBot

# Argos Translate is configured once per process; every in-process test shares one models directory.
os.environ.setdefault("LOTSE_MT_HOME", tempfile.mkdtemp(prefix="lotse-test-argos-"))

POSTGRES_URL = os.environ.get("LOTSE_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(autouse=True)
def fresh_warning_limits() -> None:
    """Rate-limited warnings start afresh in every test (see bot/degraded.py)."""
    DegradedLog.forget_all()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return build_matcher(kb, Settings(_env_file=None))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest_asyncio.fixture
async def empty_database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A database without any tables: a new SQLite file, or a fresh schema in the PostgreSQL test database."""
    if backend == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}")
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
        yield db
    finally:
        await db.dispose()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


@pytest_asyncio.fixture
async def process_database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database URL other processes can use (`LOTSE_DATABASE_URL`): a new SQLite file, or a PostgreSQL
    database created for the test (dropped afterwards). Not migrated."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'process.sqlite3'}"
        return
    import asyncpg

    name = f"lotse_t_{uuid.uuid4().hex[:10]}"
    url = make_url(async_database_url(POSTGRES_URL)).set(drivername="postgresql")
    admin = await asyncpg.connect(url.render_as_string(hide_password=False))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest_asyncio.fixture
async def database(empty_database: Database) -> Database:
    """A migrated, empty database (SQLite, and PostgreSQL when LOTSE_TEST_POSTGRES_URL is set)."""
    await empty_database.upgrade()
    return empty_database


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, secret_key=TEST_SECRET.decode(), database={"url": ""})


@pytest.fixture
def ctx(settings: Settings, database: Database, kb: KnowledgeBase, matcher: Matcher, clock: Clock) -> ServiceContext:
    """The services on a real database, without machine translation (curated text and the cache only)."""
    return ServiceContext(settings, database, kb, matcher, build_translator(database, kb, None), clock)


@pytest.fixture(scope="session")
def telegram_server() -> Iterator[FakeTelegramServer]:
    server = FakeTelegramServer([]).start_in_thread()
    yield server
    server.stop()


_tokens = itertools.count(1)


@pytest.fixture
def token(telegram_server: FakeTelegramServer) -> str:
    """A bot token of its own for each test, so tests never see each other's chats (registered with the
    fake Telegram: it refuses unknown tokens, as Telegram does)."""
    value = f"{500000 + next(_tokens)}:test-{uuid.uuid4().hex[:16]}"
    telegram_server.add_bot(value)
    return value


@pytest_asyncio.fixture
async def bot(telegram_server: FakeTelegramServer, token: str, ctx: ServiceContext) -> AsyncIterator[RunningBot]:
    """The real python-telegram-bot Application, polling the fake Telegram over HTTP."""
    running = RunningBot(telegram_server, token, ctx)
    await running.start()
    try:
        yield running
    finally:
        await running.close()
