"""Engine, sessions and migrations (Alembic, applied by `lotse db upgrade` and when the bot or the demo
starts, never by other commands)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, CursorResult, Result, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 7_316_853_311  # PostgreSQL advisory lock key: one process migrates at a time
SQLITE_BUSY_TIMEOUT_MS = 15_000


class Database:
    """One engine and its session factory; `session()` is the unit of work for a service call."""

    def __init__(self, url: str, *, echo: bool = False, connect_args: dict[str, Any] | None = None) -> None:
        self.url = url
        if url.startswith("sqlite"):
            _ensure_sqlite_directory(url)
        self.engine: AsyncEngine = create_async_engine(url, echo=echo, connect_args=connect_args or {})
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.session = async_sessionmaker(self.engine, expire_on_commit=False, class_=AsyncSession)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def upgrade(self, revision: str = "head") -> None:
        """Apply the Alembic migrations up to `revision` (the newest by default).

        On SQLite, adding a constraint rebuilds the table (copy, drop, rename); with foreign keys enforced,
        dropping the old `cases` table would cascade-delete every hand-over message and queued reply. So
        foreign keys are off while migrating (the pragma only works outside a transaction) and checked
        afterwards.

        On PostgreSQL the migration holds an advisory lock for its transaction: processes that start together
        on an empty database wait for the first one, then find the schema current."""
        sqlite = self.dialect == "sqlite"
        async with self.engine.connect() as connection:
            if sqlite:
                await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            else:
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                await connection.run_sync(_upgrade, revision)
                await connection.commit()
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
            finally:
                if sqlite:
                    await connection.rollback()
                    await connection.exec_driver_sql("PRAGMA foreign_keys=ON")

    async def revision(self) -> tuple[str | None, str]:
        """The schema's current Alembic revision (None for an empty database) and the newest one."""
        async with self.engine.connect() as connection:
            current = await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert head is not None
        return current, head

    @staticmethod
    def knows_revision(revision: str) -> bool:
        """Whether this version of Lotse has migration `revision` (an older or the current schema)."""
        return any(
            script.revision == revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
        )

    async def dispose(self) -> None:
        await self.engine.dispose()


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (its result is a CursorResult)."""
    return cast(CursorResult[Any], result).rowcount


def dialect_insert(dialect: str) -> Callable[[Any], Any]:
    """The dialect's INSERT, which knows ON CONFLICT (PostgreSQL and SQLite both do)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(sync_connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = sync_connection
    command.upgrade(config, revision)


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    """WAL (readers never wait for the writer), a busy timeout (a writer waits for another instead of failing
    with "database is locked"), and write transactions that start with BEGIN IMMEDIATE: the Python driver
    opens a transaction at its first write and takes the write lock right then, so no transaction ever has
    to upgrade a read lock, the one case a busy timeout cannot resolve."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()
    dbapi_connection.isolation_level = "IMMEDIATE"


def _ensure_sqlite_directory(url: str) -> None:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
