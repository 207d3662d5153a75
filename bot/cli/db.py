"""`lotse db upgrade`: apply the Alembic migrations (the bot's start does this too)."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import settings
from bot.db import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="database commands")
    actions = db.add_subparsers(metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="apply all migrations")
    upgrade.set_defaults(handler=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    url = settings().database_url

    async def upgrade() -> None:
        db = Database(url)
        try:
            await db.upgrade()
        finally:
            await db.dispose()

    asyncio.run(upgrade())
    print(f"database is up to date: {url}")
    return 0
