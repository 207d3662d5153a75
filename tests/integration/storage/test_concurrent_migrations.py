"""Several processes starting at once on an empty PostgreSQL database all come up (an advisory lock lets
one migrate while the others wait, then find the schema current)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.db import Database
from bot.settings import async_database_url
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs LOTSE_TEST_POSTGRES_URL")


@pytest.fixture
def backend() -> str:
    return "postgres"  # SQLite has no concurrent schema changes to race


async def test_three_upgrades_started_together_on_an_empty_database_all_succeed(
    process_database_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "LOTSE_DATA_DIR": str(tmp_path), "LOTSE_DATABASE_URL": process_database_url}
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
    db = Database(async_database_url(process_database_url))
    try:
        current, head = await db.revision()
        assert current == head
    finally:
        await db.dispose()
