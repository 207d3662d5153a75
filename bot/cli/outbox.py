"""`lotse outbox list|retry`: what waits to be sent, what failed, and sending it again."""

from __future__ import annotations

import argparse
import json

from bot import services
from bot.cli.common import with_context
from bot.services import OutboxRow, OutboxStatus, ServiceContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outbox = sub.add_parser("outbox", help="messages waiting to be sent, sent, failed or given up")
    actions = outbox.add_subparsers(metavar="ACTION")
    listing = actions.add_parser("list", help="the newest outbox messages")
    listing.add_argument("--status", choices=[status.value for status in OutboxStatus])
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    retry = actions.add_parser("retry", help="send failed, given-up or unreachable messages again")
    retry.add_argument("ids", type=int, nargs="+", metavar="ID")
    retry.set_defaults(handler=_retry)


def _list(args: argparse.Namespace) -> int:
    async def run(ctx: ServiceContext) -> list[OutboxRow]:
        status = OutboxStatus(args.status) if args.status else None
        return await services.list_outbox(ctx, status, args.limit)

    rows = with_context(run)
    if args.json:
        print(json.dumps([_as_json(row) for row in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("the outbox is empty" if not args.status else f"no {args.status} messages")
    for row in rows:
        when = f"sent {row.sent_at:%Y-%m-%d %H:%M}" if row.sent_at else f"due {row.due_at:%Y-%m-%d %H:%M}"
        wait = f", not before {row.not_before:%H:%M:%S}" if row.not_before and not row.sent_at else ""
        print(
            f"{row.id:6d} {row.status:11s} {row.kind:12s} user {row.user_id}  {when} UTC{wait}"
            f"  attempts {row.attempts}  [{row.dedupe_key}]"
        )
        if row.last_error and row.status is not OutboxStatus.SENT:
            print(f"         last error: {row.last_error[:200]}")
    return 0


def _retry(args: argparse.Namespace) -> int:
    async def run(ctx: ServiceContext) -> int:
        return await services.retry(ctx, args.ids)

    count = with_context(run)
    print(f"{count} message(s) queued again; sent within seconds by the running bot or worker")
    return 0 if count == len(set(args.ids)) else 1


def _as_json(row: OutboxRow) -> dict[str, object]:
    return {
        "id": row.id,
        "kind": row.kind,
        "user_id": row.user_id,
        "dedupe_key": row.dedupe_key,
        "status": row.status,
        "due_at": row.due_at.isoformat(),
        "not_before": row.not_before.isoformat() if row.not_before else None,
        "attempts": row.attempts,
        "parts_sent": row.parts_sent,
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        "last_error": row.last_error,
    }
