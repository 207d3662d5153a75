"""`lotse questions unanswered`: what users asked that the bot could not answer (to improve the content)."""

from __future__ import annotations

import argparse

from bot import services
from bot.cli.common import with_context
from bot.db import QuestionLog
from bot.services import ServiceContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    questions = sub.add_parser("questions", help="the anonymous question log")
    actions = questions.add_subparsers(metavar="ACTION")
    unanswered = actions.add_parser(
        "unanswered", help="recent questions the bot could not answer (to improve the knowledge base)"
    )
    unanswered.add_argument("--limit", type=int, default=50)
    unanswered.set_defaults(handler=_unanswered)


def _unanswered(args: argparse.Namespace) -> int:
    async def run(ctx: ServiceContext) -> list[QuestionLog]:
        return await services.unanswered_questions(ctx, args.limit)

    rows = with_context(run)
    if not rows:
        print("no unanswered questions")
    for row in rows:
        print(f"{row.asked_on}  [{row.language}]  {row.text}")
    return 0
