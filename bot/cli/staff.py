"""`lotse staff add|passwd|deactivate|list`: staff accounts; `lotse admin`: serve the staff web app.

Passwords are read from standard input, never from the command line (where `ps` and the shell's history
would show them): at a terminal twice, without echo; piped, the first line (`printf '%s\\n' "$PW" | lotse
staff add maria --role coordinator`).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys

from bot import services
from bot.cli.common import ensure_migrated, print_error, settings, with_context
from bot.services import InvalidInput, ServiceContext, StaffMember, StaffRole

ADMIN_STOPPED = "Lotse staff web app stopped."


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = sub.add_parser("staff", help="staff accounts of the web app")
    actions = staff.add_subparsers(metavar="ACTION")
    add = actions.add_parser("add", help="add an account (the password is read from standard input)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[role.value for role in StaffRole])
    add.add_argument("--display-name", help="the name newcomers see (a first name or a role); default: the username")
    add.add_argument("--language", default="de", choices=services.STAFF_INTERFACE_LANGUAGES, help="interface language")
    add.set_defaults(handler=_add)
    passwd = actions.add_parser("passwd", help="set a new password (read from standard input); ends its logins")
    passwd.add_argument("username")
    passwd.set_defaults(handler=_passwd)
    deactivate = actions.add_parser("deactivate", help="deactivate an account: its logins end, its cases return")
    deactivate.add_argument("username")
    deactivate.set_defaults(handler=_deactivate)
    listing = actions.add_parser("list", help="list the accounts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    admin = sub.add_parser("admin", help="serve the staff web app at LOTSE_ADMIN_HOST:LOTSE_ADMIN_PORT")
    admin.set_defaults(handler=_admin)


def _add(args: argparse.Namespace) -> int:
    password = read_password()

    async def run(ctx: ServiceContext) -> StaffMember:
        return await services.add_staff(
            ctx,
            args.username,
            password,
            StaffRole(args.role),
            display_name=args.display_name,
            interface_language=args.language,
        )

    member = with_context(run)
    print(f"added {member.role} {member.username} (shown to newcomers as {member.display_name!r})")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    password = read_password()

    async def run(ctx: ServiceContext) -> StaffMember:
        return await services.change_password(ctx, args.username, password)

    member = with_context(run)
    print(f"new password set for {member.username}; their logins have ended")
    return 0


def _deactivate(args: argparse.Namespace) -> int:
    async def run(ctx: ServiceContext) -> StaffMember:
        return await services.deactivate_staff(ctx, args.username)

    member = with_context(run)
    print(f"deactivated {member.username}; their logins have ended and their cases are back in the queue")
    return 0


def _list(args: argparse.Namespace) -> int:
    members = with_context(services.list_staff)
    if args.json:
        print(json.dumps([_as_json(member) for member in members], ensure_ascii=False, indent=2))
        return 0
    if not members:
        print("no staff accounts yet: add one with `lotse staff add USERNAME --role admin`")
    for member in members:
        state = "active" if member.active else "deactivated"
        print(f"{member.username:20s} {member.role:12s} {state:12s} {member.interface_language}  {member.display_name}")
    return 0


def _as_json(member: StaffMember) -> dict[str, object]:
    return {
        "username": member.username,
        "display_name": member.display_name,
        "role": member.role.value,
        "active": member.active,
        "interface_language": member.interface_language,
        "created_at": member.created_at.isoformat(),
        "password_changed_at": member.password_changed_at.isoformat(),
    }


def read_password() -> str:
    """The new password: at a terminal asked twice without echo; otherwise the first line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        services.check_password(first)
        if getpass.getpass("Password again: ") != first:
            raise InvalidInput("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline()
    if not line:
        raise InvalidInput("no password on standard input (pipe it in, e.g. printf '%s\\n' \"$PASSWORD\" | lotse ...)")
    password = line.rstrip("\r\n")
    services.check_password(password)
    return password


def _admin(args: argparse.Namespace) -> int:
    """Until Ctrl+C or SIGTERM; a database that is not migrated is refused (`lotse db upgrade` first)."""
    from bot.runtime import AdminServer, AdminUnavailable, build_context

    async def serve() -> None:
        # machine translation where installed: the knowledge-gap report shows questions in German
        ctx = build_context(settings())
        try:
            await ensure_migrated(ctx)
            await services.seed_canned_replies(ctx)  # the starting set, once, into an empty table
            server = AdminServer(ctx)
            print(f"Lotse staff web app is running at {server.url}  Stop with Ctrl+C.", flush=True)
            await server.serve()
        finally:
            await ctx.db.dispose()
            if ctx.translator.machine is not None:
                ctx.translator.machine.close()

    try:
        asyncio.run(serve())
    except AdminUnavailable as exc:
        print_error(exc)
        return 1
    except KeyboardInterrupt:  # uvicorn stopped cleanly, then passed the Ctrl+C on
        pass
    print(ADMIN_STOPPED, flush=True)
    return 0
