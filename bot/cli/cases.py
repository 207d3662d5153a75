"""`lotse cases list|reply`: hand-overs to staff, until the staff web queue exists."""

from __future__ import annotations

import argparse
import json

from bot import services
from bot.cli.common import with_context
from bot.db import CasePriority, CaseStatus, TranslationOrigin
from bot.services import CaseSummary, QueuedReply, ServiceContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cases = sub.add_parser("cases", help="hand-overs to staff")
    actions = cases.add_subparsers(metavar="ACTION")
    listing = actions.add_parser("list", help="list open cases with their conversation")
    listing.add_argument("--all", action="store_true", help="closed cases too")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    reply = actions.add_parser("reply", help="reply to a case in German; the bot translates and sends it")
    reply.add_argument("case_id", type=int)
    reply.add_argument("text", nargs="+")
    reply.set_defaults(handler=_reply)


def _reply(args: argparse.Namespace) -> int:
    async def run(ctx: ServiceContext) -> QueuedReply:
        return await services.reply_to_case(ctx, args.case_id, " ".join(args.text))

    queued = with_context(run)  # a closed or unknown case is a LotseError: main() prints it
    print(f"reply queued for case {queued.case_id}; the running bot translates and sends it within seconds")
    return 0


def _list(args: argparse.Namespace) -> int:
    async def run(ctx: ServiceContext) -> list[CaseSummary]:
        return await services.list_cases(ctx, None if args.all else CaseStatus.OPEN)

    cases = with_context(run)
    if args.json:
        print(json.dumps([_as_json(case) for case in cases], ensure_ascii=False, indent=2))
        return 0
    if not cases:
        print("no open cases" if not args.all else "no cases")
    for case in cases:
        flag = "person requested" if case.person_requested else "unanswered question"
        if case.urgent:
            flag = "URGENT (a cry for help or acute danger) · " + flag
        elif case.priority is CasePriority.HIGH:
            flag = "high priority (a sensitive topic) · " + flag
        status = f"{case.status}: {case.outcome}" if case.outcome else str(case.status)
        topic = f"  topic={case.topic}" if case.topic else ""
        print(
            f"case {case.id} [{status}] {case.created_at:%Y-%m-%d %H:%M} UTC  language={case.language}{topic}  {flag}"
        )
        for line in case.messages:
            delivery = f" ({line.delivery})" if line.delivery else ""
            print(f"    {line.created_at:%H:%M} {line.sender:5s} [{line.language or '?'}] {line.text[:200]}{delivery}")
            if line.translated_text and line.translated_text != line.text:
                print(f"                [{line.translation_origin} translation] {line.translated_text[:200]}")
            elif line.translation_origin is TranslationOrigin.PENDING:
                print("                [translation pending: the translator was busy; the running bot catches up]")
    return 0


def _as_json(case: CaseSummary) -> dict[str, object]:
    return {
        "id": case.id,
        "status": case.status,
        "reason": case.reason,
        "person_requested": case.person_requested,
        "urgent": case.urgent,
        "priority": case.priority.name.lower(),
        "topic": case.topic,
        "outcome": case.outcome,
        "language": case.language,
        "created_at": case.created_at.isoformat(),
        "messages": [
            {
                "sender": m.sender,
                "text": m.text,
                "language": m.language,
                "translation": m.translated_text,
                "translation_origin": m.translation_origin,
                "delivery": m.delivery,
                "at": m.created_at.isoformat(),
            }
            for m in case.messages
        ],
    }
