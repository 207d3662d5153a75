"""`lotse start` and `lotse demo`: the bot, or the local demo."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    start = sub.add_parser("start", help="run the bot (LOTSE_TELEGRAM_TOKEN set) or the local demo (no token)")
    start.set_defaults(handler=_start)
    demo = sub.add_parser("demo", help="run the local demo: the bot, a fake Telegram and a browser chat")
    demo.set_defaults(handler=_demo)


def _start(args: argparse.Namespace) -> int:
    if settings().telegram.token:
        from bot.runtime import run_bot

        run_bot(settings())
        return 0
    print("No LOTSE_TELEGRAM_TOKEN configured: starting the local demo.")
    return _demo(args)


def _demo(args: argparse.Namespace) -> int:
    from bot.runtime import run_demo

    asyncio.run(run_demo(settings()))
    return 0
