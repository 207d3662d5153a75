"""What the command groups share: settings, and the real service context, built only when a command needs
it. Commands never migrate the database (only `lotse db upgrade` and the bot's start do); on a database
that is not migrated they say so."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import ValidationError

from bot.services import SchemaOutdated, ServiceContext
from bot.settings import ENV_PREFIX, GROUPS, Settings, get_settings

T = TypeVar("T")


class ConfigurationError(Exception):
    """The LOTSE_* settings are invalid (the message names the variables)."""


def settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        raise ConfigurationError(describe_settings_error(exc)) from None


def describe_settings_error(error: ValidationError) -> str:
    """Name the LOTSE_* variable of each problem, as an operator sets it."""
    lines = ["invalid configuration:"]
    for problem in error.errors():
        location = [str(part) for part in problem["loc"]]
        if location and location[0] in GROUPS and len(location) > 1:
            name = ENV_PREFIX + GROUPS[location[0]].env_prefix + location[1]
        else:
            name = ENV_PREFIX + (location[0] if location else "")
        lines.append(f"  {name.upper()}: {problem['msg']}")
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
    if current != head:
        state = "has no Lotse tables yet" if current is None else f"is at revision {current}, this Lotse needs {head}"
        raise SchemaOutdated(f"the database {ctx.settings.database_url} {state}: run `lotse db upgrade` first")
