"""Load: new users ask the bot questions at the same time, through the real stack, on a database of its own.

`--users` users the bot has never seen (default 50) each send `--messages-per-user` different questions
(default 4) in their own language (de, en, ar, fa, uk, ru, tr, with a matching Telegram `language_code`).
The bot is the real python-telegram-bot Application built by `bot.runtime`, long-polling the fake Bot API
over HTTP. The fake Bot API (`FakeTelegramServer.start_in_thread`) runs in a process of its own, and so do
the users (on the fake's client API, an HTTP client each; `bench/load_users.py`), as Telegram and its users
are not inside the bot: nobody competes with the bot for its interpreter lock, and the bot's work cannot
delay a send or the fake's recording of a reply.

- default: every user writes concurrently with the others, but sends their next question only after the
  reply to the previous one arrived (or 30 s passed), with no gap in between;
- `--burst`: every message of every user is sent at once (a new user's messages arrive together: the
  first-contact races).

Questions are the knowledge base's own example questions that the product's matcher answers directly
(decision "answer", the expected entry, not the emergency entry, no small talk) and whose answer is one
message; a user's questions are about different entries, so each reply is attributed to its question by
the entry's localized title on its first line. Everything is counted from the fake Bot API's record of each
chat, never from the bot's counters:

- answered: a message whose answer arrived exactly once, within 30 s of the send;
- errors: a message without its answer within 30 s (it got the bot's error text, or nothing), plus error
  texts beyond those (an error text where the answer came too: counted as an error, not as answered);
  the error texts are every `LotseError` kind's text rendered by the bot's renderer in every language;
- duplicates: extra copies of an answer; `answered_twice`: messages that got them (neither answered nor
  errors); `late`: answers after 30 s (errors); `no_reply`: messages that got nothing at all, neither
  their answer (even late) nor an error text (errors); `unexpected`: replies that are neither an
  expected answer nor an error text (printed as examples);
- latency: from the user's send (time.time() just before the request) to the fake's recording of the
  answer (its "time" field when it has one, else when the bench's long poll first saw it: a little later,
  never earlier), over every answered, late or duplicated message's first answer. The summary says which.

    python bench/load.py [--burst] [--database postgresql://user@host:port/db] [--users 50]
                         [--messages-per-user 4] [--seed 1]
    python bench/load.py --users 3 --messages-per-user 2      # a smoke run (about 10 s)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import json
import logging
import math
import multiprocessing
import random
import resource
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load_users import (  # noqa: E402 - the directory of this script is on sys.path
    FIRST_USER_ID,
    REPLY_TIMEOUT,
    TOKEN,
    ChatRecord,
    Question,
    UserPlan,
    fake_telegram_process,
    first_line,
    plain,
    say,
    users_process,
)

from bot.db import Database  # noqa: E402
from bot.runtime import build_bot, build_context, start_polling, stop_polling  # noqa: E402
from bot.services import Answer, LotseError, ServiceContext  # noqa: E402
from bot.services.localize import curated  # noqa: E402
from bot.settings import Settings, async_database_url  # noqa: E402
from bot.telegram.callbacks import CallbackSigner  # noqa: E402
from bot.telegram.render import Renderer  # noqa: E402
from intents import classify_small_talk  # noqa: E402
from translations.languages import CURATED_LANGUAGES, LANGUAGE_NAMES  # noqa: E402

EXCLUDED_ENTRIES = {"talk-to-person"}  # a request for a human, not a question with an answer


# --- what the users ask, and what the bot may answer -------------------------------------------------------


def answerable_questions(ctx: ServiceContext, rng: random.Random, per_entry: int = 2) -> dict[str, list[Question]]:
    """Per language: up to `per_entry` example questions per entry that the bot answers with that entry in
    one message (checked with the product's matcher and renderer, as the question handler uses them)."""
    render_check = CallbackSigner(b"render-check")
    pool: dict[str, list[Question]] = {language: [] for language in CURATED_LANGUAGES}
    for entry in ctx.kb.entries.values():
        if entry.is_emergency or entry.id in EXCLUDED_ENTRIES:
            continue
        for language in CURATED_LANGUAGES:
            text = entry.text(language)
            if text is None:
                continue
            answer = Answer(entry, curated(entry, language), 100.0, log_id=1)
            if len(Renderer(ctx.kb, render_check, FIRST_USER_ID, language).answer(answer)) != 1:
                continue  # split into several messages: not a "one reply" question
            candidates = list(text.questions)
            rng.shuffle(candidates)
            accepted = 0
            for candidate in candidates[: per_entry * 3]:
                if classify_small_talk(candidate) is not None:
                    continue
                result = ctx.matcher.match_question(candidate, language)
                top = result.top
                if result.decision == "answer" and not result.emergency and top and top.entry_id == entry.id:
                    pool[language].append(Question(candidate, entry.id, plain(text.title)))
                    accepted += 1
                    if accepted == per_entry:
                        break
    return pool


def plan_users(pool: dict[str, list[Question]], users: int, per_user: int, rng: random.Random) -> list[UserPlan]:
    """User i writes in the i-th curated language (round robin): `per_user` questions about different entries."""
    plans = []
    for index in range(users):
        language = CURATED_LANGUAGES[index % len(CURATED_LANGUAGES)]
        by_entry: dict[str, list[Question]] = {}
        for question in pool[language]:
            by_entry.setdefault(question.entry_id, []).append(question)
        if len(by_entry) < per_user:
            raise SystemExit(
                f"only {len(by_entry)} entries have answerable questions in {language}; fewer --messages-per-user"
            )
        entries = rng.sample(sorted(by_entry), per_user)
        plans.append(UserPlan(FIRST_USER_ID + index, language, [rng.choice(by_entry[e]) for e in entries]))
    return plans


def error_texts(ctx: ServiceContext) -> set[str]:
    """Every error text the bot can send, in every language it renders: each `LotseError` kind's text (the
    generic apology for any other exception) and the text for an outdated button."""
    kinds: list[type[LotseError]] = [LotseError]
    for kind in kinds:  # grows while it is walked: the whole tree of kinds
        kinds.extend(kind.__subclasses__())
    texts: set[str] = set()
    for language in LANGUAGE_NAMES:
        renderer = Renderer(ctx.kb, CallbackSigner(b"render-check"), FIRST_USER_ID, language)
        for error in [*(kind("load bench") for kind in kinds), RuntimeError("a bug")]:
            texts.update(plain(html.unescape(reply.html)) for reply in renderer.error(error))
        texts.add(plain(renderer.invalid_button()))
    return texts


# --- the processes of the fake Telegram and of the users (bench/load_users.py) ------------------------------


@asynccontextmanager
async def child_process(target: Callable[..., None], *args: object) -> AsyncIterator[Connection]:
    """A process of the bench's own running `target(connection, *args)`; at the end it is sent "stop" and
    waited for (terminated if it does not end within 30 s). It ignores Ctrl+C: the bench ends it."""
    context = multiprocessing.get_context("spawn")
    conn, child_conn = context.Pipe()
    process = context.Process(target=target, args=(child_conn, *args), name=f"load-{target.__name__}")
    process.start()
    aborted = False
    try:
        yield conn
    except BaseException:  # Ctrl+C or a failure: no waiting for the users to finish their conversations
        aborted = True
        raise
    finally:
        with contextlib.suppress(OSError):  # it may have ended already
            conn.send("stop")
        await asyncio.to_thread(process.join, 5 if aborted else 30)
        if process.is_alive():
            process.terminate()
            await asyncio.to_thread(process.join, 10)


# --- counting ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    messages: int = 0
    answered: int = 0
    errors: int = 0
    duplicates: int = 0
    answered_twice: int = 0
    error_replies: int = 0
    no_reply: int = 0
    late: int = 0
    unexpected: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)  # every bot message
    recorded: int = 0  # bot messages whose arrival is the fake's own time
    examples: list[str] = field(default_factory=list)

    def example(self, line: str) -> None:
        if len(self.examples) < 8:
            self.examples.append(line)

    @property
    def rate_per_s(self) -> float | None:
        """Bot messages delivered per second, from the first delivery to the last."""
        span = max(self.arrivals) - min(self.arrivals) if len(self.arrivals) > 1 else 0.0
        return round(len(self.arrivals) / span, 1) if span > 0 else None


def count(records: list[ChatRecord], errors: set[str]) -> Tally:
    tally = Tally()
    for record in records:
        count_chat(tally, record, errors)
    return tally


def count_chat(tally: Tally, record: ChatRecord, errors: set[str]) -> None:
    plan = record.plan
    who = f"user {plan.user_id} ({plan.language})"
    tally.messages += len(plan.questions)
    for failure in record.send_failures:
        tally.example(failure)
    copies: dict[int, list[float]] = {}
    error_replies = 0
    titles = {question.title: index for index, question in enumerate(plan.questions)}
    for message in sorted(record.messages, key=lambda m: m.arrived):
        tally.arrivals.append(message.arrived)
        tally.recorded += message.recorded
        if message.text in errors:
            error_replies += 1
        elif first_line(message.text) in titles:
            copies.setdefault(titles[first_line(message.text)], []).append(message.arrived)
        else:
            tally.unexpected += 1
            tally.example(f"{who}: a reply that is neither an expected answer nor an error: {message.text[:90]!r}")
    single = late = 0
    missing: list[str] = []  # messages without their answer, even a late one
    for index, question in enumerate(plan.questions):
        sent = record.sent_at[index]
        if sent is None or index not in copies:
            missing.append(question.text)
            continue
        latency = copies[index][0] - sent
        tally.latencies_ms.append(latency * 1000)
        if latency > REPLY_TIMEOUT:
            late += 1
            tally.example(f"{who}: the answer to {question.text!r} came after {latency:.1f} s")
        elif len(copies[index]) > 1:
            tally.answered_twice += 1
            tally.duplicates += len(copies[index]) - 1
            tally.example(f"{who}: {len(copies[index])} copies of the answer to {question.text!r}")
        else:
            single += 1
    # An error text cannot be attributed to a message by its content: it stands for one of the messages
    # without an answer (in time); error texts beyond those came for messages that were answered as well.
    unanswered = len(missing) + late
    surplus = max(0, error_replies - unanswered)
    tally.late += late
    tally.error_replies += error_replies
    tally.no_reply += max(0, len(missing) - error_replies)
    tally.errors += unanswered + surplus
    tally.answered += single - min(surplus, single)
    if error_replies:
        error = next(m.text for m in record.messages if m.text in errors)
        tally.example(f"{who}: {error_replies} error text(s) for {len(plan.questions)} messages: {error[:70]!r}")
    if len(missing) > error_replies:
        tally.example(f"{who}: {len(missing) - error_replies} message(s) without any reply, among {missing}")


def percentile(samples: list[float], share: float) -> float | None:
    """Nearest-rank percentile (a value that was measured), None without samples."""
    if not samples:
        return None
    ordered = sorted(samples)
    return round(ordered[max(0, math.ceil(share * len(ordered)) - 1)], 1)


def report(tally: Tally, bot_log: BotLog) -> None:
    say(
        f"\n{tally.messages} messages: {tally.answered} answered, {tally.errors} errors "
        f"({tally.error_replies} error texts received, {tally.no_reply} without any reply, {tally.late} late), "
        f"{tally.answered_twice} answered more than once ({tally.duplicates} duplicates), "
        f"{tally.unexpected} unexpected replies"
    )
    if tally.latencies_ms:
        source = (
            "the fake's recording time"
            if tally.recorded == len(tally.arrivals)
            else f"the fake's recording time for {tally.recorded} of {len(tally.arrivals)} bot messages, "
            "else when the bench's long poll first saw them"
        )
        say(
            f"latency from the send to the answer at the fake: p50 {percentile(tally.latencies_ms, 0.5)} ms, "
            f"p95 {percentile(tally.latencies_ms, 0.95)} ms, max {max(tally.latencies_ms):.0f} ms "
            f"(arrival: {source}); {tally.rate_per_s} bot messages/s"
        )
    if tally.examples:
        say("examples:")
        for line in tally.examples:
            say(f"  {line}")
    if bot_log.kinds:
        say("the bot logged:")
        for kind, times in bot_log.kinds.most_common(6):
            say(f"  {times:4d} x {kind}\n         first: {bot_log.first[kind]}")


# --- the bot's side: its database, the Application, what it logs -------------------------------------------


@asynccontextmanager
async def bench_database(url: str | None, work: Path) -> AsyncIterator[tuple[Database, str]]:
    """A migrated, empty database of the bench's own: a SQLite file in `work`, or a new schema in the
    PostgreSQL database at `url` (dropped afterwards, also when the run fails)."""
    if not url:
        plain_url = f"sqlite:///{work / 'load.sqlite3'}"
        db = Database(async_database_url(plain_url))
        try:
            await db.upgrade()
            yield db, plain_url
        finally:
            await db.dispose()
        return
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit(f"--database takes a postgresql:// URL, not {url!r}")
    import asyncpg

    schema = f"lotse_load_{uuid.uuid4().hex[:10]}"
    async_url = async_database_url(url)
    admin = await asyncpg.connect(make_url(async_url).set(drivername="postgresql").render_as_string(False))
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        db = Database(async_url, connect_args={"server_settings": {"search_path": schema}})
        try:
            await db.upgrade()
            yield db, f"{make_url(url).render_as_string(hide_password=True)}, schema {schema}"
        finally:
            await db.dispose()
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
            say(f"dropped schema {schema}")
    finally:
        await admin.close()


class BotLog(logging.Handler):
    """Collects what the bot logs at WARNING and above, for a summary instead of a hundred tracebacks."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.kinds: Counter[str] = Counter()
        self.first: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        kind = f"{record.levelname} {record.name}: {record.msg}" + (f" [{type(error).__name__}]" if error else "")
        self.kinds[kind] += 1
        if kind not in self.first:
            detail = str(error) if error else record.getMessage()
            self.first[kind] = " ".join(detail.split())[:240]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.time()
    work = Path(tempfile.mkdtemp(prefix="lotse-load-"))
    bot_log = BotLog()
    logging.basicConfig(level=logging.WARNING, handlers=[bot_log], force=True)
    try:
        async with bench_database(args.database, work) as (db, database):
            say(f"database: {database} (new, migrated)")
            settings = Settings(
                _env_file=None, data_dir=work, secret_key="load-bench-secret", database={"url": args.database or ""}
            )
            ctx = build_context(settings, db=db, with_machine_translation=False)
            rng = random.Random(args.seed)
            pool = answerable_questions(ctx, rng)
            say("questions the bot answers in one message: " + ", ".join(f"{k} {len(v)}" for k, v in pool.items()))
            plans = plan_users(pool, args.users, args.messages_per_user, rng)
            errors = error_texts(ctx)
            async with child_process(fake_telegram_process) as fake:
                url = await asyncio.to_thread(fake.recv)
                async with child_process(users_process, url, plans, errors, args.burst) as users:
                    application = build_bot(
                        ctx, token=TOKEN, base_url=f"{url}/bot{{token}}", base_file_url=f"{url}/file/bot{{token}}"
                    )
                    await start_polling(application, poll_timeout=10)
                    say(f"the bot is polling the fake Bot API at {url}")
                    try:
                        users.send("go")
                        records, users_cpu = await asyncio.to_thread(users.recv)
                    except EOFError:
                        raise SystemExit("the users' process ended without a result (its error is above)") from None
                    finally:
                        await stop_polling(application)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tally = count(records, errors)
    report(tally, bot_log)
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    say(
        f"CPU time: the bot's process {own.ru_utime + own.ru_stime:.1f} s (with setup and counting), the fake "
        f"Bot API's {children.ru_utime + children.ru_stime - users_cpu:.1f} s, the users' {users_cpu:.1f} s"
    )
    return {
        "users": len(plans),
        "messages": tally.messages,
        "answered": tally.answered,
        "errors": tally.errors,
        "duplicates": tally.duplicates,
        "p50_ms": percentile(tally.latencies_ms, 0.50),
        "p95_ms": percentile(tally.latencies_ms, 0.95),
        "database": "postgresql" if args.database else "sqlite",
        "burst": args.burst,
        "error_replies": tally.error_replies,
        "no_reply": tally.no_reply,
        "late": tally.late,
        "answered_twice": tally.answered_twice,
        "unexpected": tally.unexpected,
        "rate_per_s": tally.rate_per_s,
        "seconds": round(time.time() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", action="store_true", help="send every message of every user at once")
    parser.add_argument("--database", help="postgresql://user@host:port/db (default: a temporary SQLite file)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages-per-user", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1, help="which questions each user asks")
    args = parser.parse_args()
    if args.users < 1 or args.messages_per_user < 1:
        parser.error("--users and --messages-per-user must be at least 1")
    try:
        result = asyncio.run(run(args))
    except KeyboardInterrupt:
        raise SystemExit("interrupted (the bench's database and processes are cleaned up)") from None
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
