"""What the command groups share: settings, and the real service context (knowledge base, matcher,
translator, database), built only by the commands that use the database. Commands never migrate the
database (only `lotse db upgrade` and the bot's start do); on a database that is not migrated they say so."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from functools import cache
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy.engine import make_url

from bot.services import SchemaOutdated, ServiceContext
from bot.settings import ENV_PREFIX, GROUPS, Settings, get_settings, legacy_data_dir

T = TypeVar("T")


class ConfigurationError(Exception):
    """The LOTSE_* settings are invalid (the message names the variables)."""


def settings() -> Settings:
    try:
        loaded = get_settings()
    except ValidationError as exc:
        raise ConfigurationError(describe_settings_error(exc)) from None
    _warn_about_legacy_data_dir(loaded)
    return loaded


@cache
def _warn_about_legacy_data_dir(loaded: Settings) -> None:
    old = legacy_data_dir(loaded)
    if old is not None:
        print_error(
            f"warning: {old} holds a Lotse database from an earlier version, which kept its data relative to the "
            f"directory it was started from. Lotse now uses {loaded.data_dir}; to keep the old data, set "
            f"LOTSE_DATA_DIR={old}"
        )


def describe_settings_error(error: ValidationError) -> str:
    """Name the LOTSE_* variable of each problem, as an operator sets it."""
    lines = ["invalid configuration:"]
    for problem in error.errors():
        location = [str(part) for part in problem["loc"]]
        if location and location[0] in GROUPS:
            group = GROUPS[location[0]]
            if len(location) > 1:
                name = (ENV_PREFIX + group.env_prefix + location[1]).upper()
            else:  # a rule about several variables of the group; the message names them
                name = f"{location[0]} settings"
        else:
            name = (ENV_PREFIX + location[0]).upper() if location else "settings"
        lines.append(f"  {name}: {problem['msg']}")
    return "\n".join(lines)


def print_error(message: object) -> None:
    print(message, file=sys.stderr)


def with_context(run: Callable[[ServiceContext], Awaitable[T]], *, machine_translation: bool = False) -> T:
    """Run `run(ctx)` with the real context (knowledge base, matcher, translator) on the configured database,
    which must be migrated; the database connection and the translation worker are closed afterwards."""
    from bot.runtime import build_context  # loads the knowledge base: only for commands that need it

    ctx = build_context(settings(), with_machine_translation=machine_translation)

    async def main() -> T:
        try:
            await ensure_migrated(ctx)
            return await run(ctx)
        finally:
            await ctx.db.dispose()
            if ctx.translator.machine is not None:
                ctx.translator.machine.close()

    return asyncio.run(main())


async def ensure_migrated(ctx: ServiceContext) -> None:
    current, head = await ctx.db.revision()
    if current == head:
        return
    database = make_url(ctx.settings.database_url).render_as_string(hide_password=True)
    if current is None:
        raise SchemaOutdated(f"the database {database} has no Lotse tables yet: run `lotse db upgrade` first")
    if not ctx.db.knows_revision(current):
        raise SchemaOutdated(
            f"the database {database} was migrated by a newer Lotse (revision {current}); use that version"
        )
    raise SchemaOutdated(
        f"the database {database} is at revision {current}, this Lotse needs {head}: run `lotse db upgrade` first"
    )
