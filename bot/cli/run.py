"""`lotse start`, `lotse demo` and `lotse worker`: the bot, the local demo, an outbox delivery worker."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import ConfigurationError, print_error, settings, with_context

DEMO_STOPPED = "Lotse demo stopped."


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    start = sub.add_parser("start", help="run the bot (LOTSE_TELEGRAM_TOKEN set) or the local demo (no token)")
    start.set_defaults(handler=_start)
    demo = sub.add_parser("demo", help="run the local demo: the bot, a fake Telegram and a browser chat")
    demo.set_defaults(handler=_demo)
    worker = sub.add_parser(
        "worker", help="deliver the outbox (staff replies, later reminders and broadcasts) beside the bot"
    )
    worker.add_argument("--interval", type=float, default=2.0, help="seconds between rounds when nothing is due")
    worker.add_argument("--once", action="store_true", help="one round, then exit")
    worker.set_defaults(handler=_worker)


def _start(args: argparse.Namespace) -> int:
    if settings().telegram.token:
        from bot.runtime import run_bot

        run_bot(settings())
        return 0
    print("No LOTSE_TELEGRAM_TOKEN configured: starting the local demo.")
    return _demo(args)


def _demo(args: argparse.Namespace) -> int:
    """Until Ctrl+C or SIGTERM, which stop it cleanly at any moment: exit 0 and one line to say so."""
    try:
        from bot.runtime import DemoUnavailable, run_demo

        try:
            asyncio.run(run_demo(settings()))
        except DemoUnavailable as exc:  # its port is taken, ...: the message names the setting to change
            print_error(exc)
            return 1
    except KeyboardInterrupt:  # Ctrl+C before the demo took the signal over (while importing or loading)
        pass
    print(DEMO_STOPPED, flush=True)
    return 0


def _worker(args: argparse.Namespace) -> int:
    if not settings().telegram.token:
        raise ConfigurationError("lotse worker sends to Telegram: set LOTSE_TELEGRAM_TOKEN")
    from bot.runtime import run_worker

    with_context(lambda ctx: run_worker(ctx, interval=args.interval, once=args.once), machine_translation=True)
    return 0
