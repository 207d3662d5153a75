"""`lotse`: start the bot or the demo, migrate the database, check content, measure matching, work cases,
manage staff accounts and serve the staff web app.

One module per command group; each registers its sub-commands. A command builds what it needs when it
runs (the database and the context around it only where it uses them) and never migrates the database:
`lotse db upgrade` and the bot's start do that. Errors an operator can act on are printed without a
traceback: invalid settings (exit 2) and domain errors (exit 1). Ctrl+C stops `start`, `demo` and `admin` cleanly
(exit 0); it cuts any other command short (exit 130), without a traceback either.
"""

from __future__ import annotations

import argparse
import logging

from bot.cli import cases, db, kb, matching, outbox, questions, run, staff, translate
from bot.cli.common import ConfigurationError, print_error
from bot.services import LotseError

GROUPS = (run, db, kb, matching, translate, questions, cases, outbox, staff)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except ConfigurationError as exc:
        print_error(exc)
        return 2
    except LotseError as exc:
        print_error(exc)
        return 1
    except KeyboardInterrupt:  # `start`, `demo` and `worker` stop cleanly on Ctrl+C; any other command is cut short
        print_error("interrupted")
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lotse", description="Lotse: multilingual Telegram assistant of a migration coordination office"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the bot does")
    sub = parser.add_subparsers(metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser
