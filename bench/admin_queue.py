"""How fast the staff web app shows the queue and a case when the office is busy.

    python bench/admin_queue.py [--database postgresql://user@host:port/db] [--cases 1000] [--messages 20000]

Seeds a database of its own (a temporary SQLite file, or a new schema in the PostgreSQL database given) with
`--cases` open cases holding `--messages` messages in all (users' messages with German translations, staff
replies with their delivery state, notes), serves the real admin app with uvicorn on 127.0.0.1 and, logged in
as a coordinator, requests the queue's first page and random case views over HTTP. Every response is checked
(200, the page it should be) before it counts. The last line is
`{"cases": ..., "messages": ..., "queue_p95_ms": ..., "case_p95_ms": ...}`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load import bench_database  # noqa: E402 - the directory of this script is on sys.path

from admin.app import create_app  # noqa: E402
from admin.auth import SESSION_COOKIE  # noqa: E402
from bot import services  # noqa: E402
from bot.db import (  # noqa: E402
    Case,
    CaseMessage,
    CaseMessageKind,
    CasePriority,
    CaseReason,
    CaseStatus,
    Database,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Sender,
    StaffRole,
    TranslationOrigin,
    User,
)
from bot.runtime import build_context  # noqa: E402
from bot.settings import Settings  # noqa: E402
from knowledge import load_knowledge_base  # noqa: E402

LANGUAGES = ("uk", "ar", "fa", "ru", "tr", "en", "de")
TOPICS = ("residence", "work", "money", "family", "housing", "violence", "health", "language", None)
SAMPLES = {
    "uk": ("Я отримала лист від Jobcenter і не розумію його", "Ich habe einen Brief vom Jobcenter bekommen"),
    "ar": ("وصلتني رسالة من مكتب الأجانب", "Ich habe einen Brief von der Ausländerbehörde bekommen"),
    "fa": ("اجازه اقامت من تمام شده است", "Meine Aufenthaltserlaubnis ist abgelaufen"),
    "ru": ("Как записаться на курс немецкого?", "Wie melde ich mich zum Deutschkurs an?"),
    "tr": ("Çocuğum için Kita yeri arıyorum", "Ich suche einen Kita-Platz für mein Kind"),
    "en": ("My landlord wants me to leave the flat", "Mein Vermieter will, dass ich ausziehe"),
    "de": ("Wann hat die Koordinierungsstelle geöffnet?", "Wann hat die Koordinierungsstelle geöffnet?"),
}


def say(line: str) -> None:
    print(line, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))], 1)


async def seed(db: Database, cases: int, messages: int, rng: random.Random) -> list[int]:
    """Users, their open cases and the cases' messages, inserted in bulk; returns the case ids."""
    now = dt.datetime.now(dt.UTC)
    per_case = max(1, messages // cases)
    users = [
        {
            "id": n,
            "telegram_user_id": 9_000_000 + n,
            "chat_id": 9_000_000 + n,
            "language": LANGUAGES[n % len(LANGUAGES)],
            "language_chosen": False,
            "created_at": now,
            "last_seen_at": now,
        }
        for n in range(1, cases + 1)
    ]
    case_rows: list[dict[str, Any]] = []
    for n in range(1, cases + 1):
        opened = now - dt.timedelta(minutes=rng.randint(1, 60 * 24 * 14))
        case_rows.append(
            {
                "id": n,
                "user_id": n,
                "status": CaseStatus.OPEN.value,
                "reason": CaseReason.TALK_TO_PERSON.value,
                "person_requested": True,
                "priority": rng.choices(list(CasePriority), weights=(85, 12, 3))[0].value,
                "topic": rng.choice(TOPICS),
                "language": users[n - 1]["language"],
                "bot_paused": True,
                "pause_notice_sent": True,
                "created_at": opened,
                "last_user_message_at": opened + dt.timedelta(minutes=rng.randint(0, 600)),
            }
        )
    message_rows: list[dict[str, Any]] = []
    outbox_rows: list[dict[str, Any]] = []
    message_id = 0
    for case in case_rows:
        language = str(case["language"])
        original, german = SAMPLES[language]
        for k in range(per_case if case["id"] != cases else messages - per_case * (cases - 1)):
            message_id += 1
            at = case["created_at"] + dt.timedelta(minutes=k)
            staff = k % 4 == 3
            row: dict[str, Any] = {
                "id": message_id,
                "case_id": case["id"],
                "sender": (Sender.STAFF if staff else Sender.USER).value,
                "kind": (CaseMessageKind.NOTE if k % 10 == 9 else CaseMessageKind.TEXT).value,
                "text": (f"Antwort {k}: Bitte bringen Sie den Bescheid mit." if staff else f"{original} ({k})"),
                "language": "de" if staff else language,
                "translated_text": (f"({language}) reply {k}" if staff else f"{german} ({k})"),
                "translation_language": language if staff else "de",
                "translation_origin": (
                    TranslationOrigin.IDENTITY if language == "de" else TranslationOrigin.MACHINE
                ).value,
                "created_at": at,
            }
            message_rows.append(row)
            if staff and row["kind"] == CaseMessageKind.TEXT.value:
                outbox_rows.append(
                    {
                        "kind": OutboxKind.STAFF_REPLY.value,
                        "user_id": case["user_id"],
                        "payload": {"case_message_id": message_id},
                        "dedupe_key": f"staff-reply:{message_id}",
                        "status": OutboxStatus.SENT.value,
                        "due_at": at,
                        "attempts": 1,
                        "parts_sent": 1,
                        "sent_at": at,
                        "created_at": at,
                    }
                )
    async with db.session() as session, session.begin():
        for table, rows in (
            (User, users),
            (Case, case_rows),
            (CaseMessage, message_rows),
            (OutboxMessage, outbox_rows),
        ):
            for start in range(0, len(rows), 2000):
                await session.execute(insert(table), rows[start : start + 2000])
    if db.dialect == "postgresql":  # ids were given explicitly: move the sequences past them
        async with db.engine.begin() as connection:
            for name in ("users", "cases", "case_messages"):
                await connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
                )
    return [int(case["id"]) for case in case_rows]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def measure(
    client: httpx.AsyncClient, path: str, must_contain: str, times: list[float], *, count: bool = True
) -> None:
    started = time.perf_counter()
    response = await client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or must_contain not in response.text:
        raise SystemExit(f"GET {path}: {response.status_code}, expected a page with {must_contain!r}")
    if count:
        times.append(elapsed)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="lotse-admin-bench-") as work:
        async with bench_database(args.database, Path(work)) as (db, where):
            say(f"database: {where}")
            settings = Settings(_env_file=None, data_dir=Path(work), database={"url": ""})
            ctx = build_context(settings, db=db, kb=load_knowledge_base(), with_machine_translation=False)
            started = time.perf_counter()
            case_ids = await seed(db, args.cases, args.messages, rng)
            say(
                f"seeded {args.cases} open cases with {args.messages} messages in {time.perf_counter() - started:.1f} s"
            )
            await services.add_staff(ctx, "bench", "bench-password-123", StaffRole.COORDINATOR)
            login = await services.login(ctx, "bench", "bench-password-123")
            port = free_port()
            server = uvicorn.Server(
                uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
            )
            serving = asyncio.create_task(server.serve())
            while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for "started"
                await asyncio.sleep(0.05)
            queue_ms: list[float] = []
            case_ms: list[float] = []
            try:
                async with httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{port}", cookies={SESSION_COOKIE: login.token}, timeout=30
                ) as client:
                    for _ in range(5):  # warm up: first requests compile templates and fill pools
                        await measure(client, "/", "/cases/", queue_ms, count=False)
                        await measure(client, f"/cases/{rng.choice(case_ids)}", "Bescheid", case_ms, count=False)
                    for _ in range(args.requests):
                        await measure(client, "/", "/cases/", queue_ms)
                        await measure(client, f"/cases/{rng.choice(case_ids)}", "Bescheid", case_ms)
            finally:
                server.should_exit = True
                await serving
    say(
        f"queue first page: p50 {percentile(queue_ms, 0.5)} ms, p95 {percentile(queue_ms, 0.95)} ms; "
        f"case view: p50 {percentile(case_ms, 0.5)} ms, p95 {percentile(case_ms, 0.95)} ms "
        f"({args.requests} requests each, mean {statistics.mean(queue_ms):.1f} / {statistics.mean(case_ms):.1f} ms)"
    )
    return {
        "cases": args.cases,
        "messages": args.messages,
        "queue_p95_ms": percentile(queue_ms, 0.95),
        "case_p95_ms": percentile(case_ms, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="postgresql://user@host:port/db (default: a temporary SQLite file)")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=100, help="timed requests of each page")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.cases < 1 or args.messages < args.cases:
        parser.error("need at least one case and one message per case")
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
