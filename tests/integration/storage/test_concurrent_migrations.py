"""Several processes starting at once on an empty PostgreSQL database all come up (an advisory lock lets
one migrate while the others wait, then find the schema current)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from bot.db import Database
from bot.settings import async_database_url
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs LOTSE_TEST_POSTGRES_URL")


@pytest_asyncio.fixture
async def new_postgres_database() -> AsyncIterator[str]:
    """The URL of a PostgreSQL database created for this test (dropped afterwards)."""
    import asyncpg

    name = f"lotse_t_{uuid.uuid4().hex[:10]}"
    url = make_url(async_database_url(POSTGRES_URL))
    admin = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).set(drivername="postgresql").render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_three_upgrades_started_together_on_an_empty_database_all_succeed(
    new_postgres_database: str, tmp_path: Path
) -> None:
    env = {**os.environ, "LOTSE_DATA_DIR": str(tmp_path), "LOTSE_DATABASE_URL": new_postgres_database}
    env.pop("LOTSE_TELEGRAM_TOKEN", None)
    processes = [
        subprocess.Popen(  # noqa: ASYNC220 - three processes at once is the point; waited for below
            [sys.executable, "-m", "bot.cli", "db", "upgrade"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [(process.wait(timeout=120), process.stderr.read() if process.stderr else "") for process in processes]
    assert [code for code, _ in outcomes] == [0, 0, 0], [err[-800:] for _, err in outcomes]
    db = Database(async_database_url(new_postgres_database))
    try:
        current, head = await db.revision()
        assert current == head
    finally:
        await db.dispose()
