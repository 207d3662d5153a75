"""The schema holds its invariants on both databases: stored statuses are the ones the code knows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from bot.cli.common import ensure_migrated
from bot.db import Database, OutboxKind, OutboxMessage, OutboxStatus, utcnow
from bot.services import SchemaOutdated, ServiceContext

USER = (
    "INSERT INTO users (id, telegram_user_id, chat_id, language_chosen, created_at, last_seen_at) "
    "VALUES (1, 1, 1, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


@pytest.mark.parametrize(
    ("table", "column", "insert"),
    [
        (
            "outbox_messages",
            "status",
            USER + "; INSERT INTO outbox_messages (kind, user_id, payload, dedupe_key, status, due_at, attempts,"
            " parts_sent, created_at) VALUES ('staff_reply', 1, '{}', 'k', 'sendinq', CURRENT_TIMESTAMP, 0, 0,"
            " CURRENT_TIMESTAMP)",
        ),
        (
            "outbox_messages",
            "kind",
            USER + "; INSERT INTO outbox_messages (kind, user_id, payload, dedupe_key, status, due_at, attempts,"
            " parts_sent, created_at) VALUES ('reminderr', 1, '{}', 'k', 'pending', CURRENT_TIMESTAMP, 0, 0,"
            " CURRENT_TIMESTAMP)",
        ),
        (
            "question_log",
            "outcome",
            "INSERT INTO question_log (asked_on, language, text, outcome) VALUES (CURRENT_DATE, 'de', 'x', 'answerd')",
        ),
        (
            "messages",
            "sender",
            USER
            + "; INSERT INTO messages (user_id, sender, text, created_at) VALUES (1, 'robot', 'x', CURRENT_TIMESTAMP)",
        ),
    ],
)
async def test_the_database_refuses_a_status_the_code_does_not_know(
    database: Database, table: str, column: str, insert: str
) -> None:
    *setup, statement = insert.split("; ")
    async with database.engine.begin() as connection:
        for line in setup:
            await connection.execute(text(line))
    with pytest.raises(IntegrityError, match=f"ck_{table}_{column}|CHECK constraint failed"):
        async with database.engine.begin() as connection:
            await connection.execute(text(statement))


async def test_statuses_come_back_as_enums_and_unknown_ones_fail_before_the_database(database: Database) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(text(USER))
    async with database.session() as session:
        row = OutboxMessage(
            kind=OutboxKind.STAFF_REPLY, user_id=1, dedupe_key="k", status=OutboxStatus.PENDING, due_at=utcnow()
        )
        session.add(row)
        await session.commit()
    async with database.session() as session:
        stored = await session.get(OutboxMessage, row.id)
        assert stored is not None and stored.status is OutboxStatus.PENDING
        stored.status = "sendinq"  # type: ignore[assignment]  # what a typo in code would do
        with pytest.raises(StatementError, match="sendinq"):
            await session.commit()


async def test_a_database_that_is_not_migrated_is_reported_not_migrated(ctx: ServiceContext, tmp_path: Path) -> None:
    await ensure_migrated(ctx)  # the fixture's database is migrated: nothing to say
    empty = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        current, head = await empty.revision()
        assert current is None and head
        with pytest.raises(SchemaOutdated, match="lotse db upgrade"):
            await ensure_migrated(ServiceContext(ctx.settings, empty, ctx.kb, ctx.matcher, ctx.translator, ctx.clock))
    finally:
        await empty.dispose()


async def test_upgrading_a_database_with_data_keeps_every_row(empty_database: Database) -> None:
    """Migration 0004 rebuilds tables on SQLite: hand-overs and queued replies must survive it (and on
    PostgreSQL the rows the old code wrote must satisfy the new constraints). Migration 0005 moves the queued
    reply into the new outbox, still pending and waiting for its translation."""
    db = empty_database
    true = "1" if db.dialect == "sqlite" else "true"
    await db.upgrade("0003")
    async with db.engine.begin() as connection:
        for statement in (
            "INSERT INTO users (id, telegram_user_id, chat_id, language, language_chosen, created_at, last_seen_at)"
            f" VALUES (1, 77, -100500, 'uk', {true}, '2026-11-30 10:00:00', '2026-11-30 10:00:00')",  # wrote in a group
            "INSERT INTO messages (user_id, sender, text, language, created_at)"
            " VALUES (1, 'user', 'Привіт', 'uk', '2026-11-30 10:00:00')",
            "INSERT INTO cases (id, user_id, status, reason, person_requested, language, created_at)"
            f" VALUES (1, 1, 'open', 'talk_to_person', {true}, 'uk', '2026-11-30 10:00:00')",
            "INSERT INTO case_messages (id, case_id, sender, text, language, translation_origin, created_at)"
            " VALUES (1, 1, 'staff', 'Guten Tag', 'de', 'machine', '2026-11-30 10:01:00')",
            "INSERT INTO outbox (kind, chat_id, case_message_id, status, attempts, created_at)"
            " VALUES ('staff_reply', 77, 1, 'pending', 0, '2026-11-30 10:01:00')",
            "INSERT INTO question_log (asked_on, language, text, outcome) VALUES ('2026-11-30', 'uk', 'x', 'chosen')",
        ):
            await connection.execute(text(statement))
    await db.upgrade()
    current, head = await db.revision()
    assert current == head
    async with db.engine.connect() as connection:
        for table in ("users", "messages", "cases", "case_messages", "outbox_messages", "question_log"):
            count = await connection.scalar(text(f"SELECT count(*) FROM {table}"))
            assert count == 1, f"{table} lost its rows"
        moved = (await connection.execute(text("SELECT kind, user_id, status, dedupe_key FROM outbox_messages"))).one()
        assert tuple(moved) == ("staff_reply", 1, "pending", "staff-reply:1")
        assert await connection.scalar(text("SELECT chat_id FROM users")) == 77  # their private chat again
        if db.dialect == "sqlite":
            assert await connection.scalar(text("PRAGMA foreign_keys")) == 1  # enforced again afterwards


async def test_duplicate_open_cases_from_the_old_race_are_merged_and_cannot_come_back(empty_database: Database) -> None:
    db = empty_database
    true = "1" if db.dialect == "sqlite" else "true"
    false = "0" if db.dialect == "sqlite" else "false"
    await db.upgrade("0004")
    async with db.engine.begin() as connection:
        await connection.execute(text(USER))
        for case_id, requested in ((1, false), (2, true), (3, false)):
            await connection.execute(
                text(
                    "INSERT INTO cases (id, user_id, status, reason, person_requested, language, created_at)"
                    f" VALUES ({case_id}, 1, 'open', 'unanswered', {requested}, 'uk', '2026-11-30 10:00:00')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO case_messages (case_id, sender, text, language, created_at)"
                    f" VALUES ({case_id}, 'user', 'message {case_id}', 'uk', '2026-11-30 10:00:00')"
                )
            )
    await db.upgrade()
    async with db.engine.connect() as connection:
        cases = (await connection.execute(text("SELECT id, person_requested FROM cases"))).all()
        assert [(case_id, bool(requested)) for case_id, requested in cases] == [(1, True)]
        texts = (await connection.scalars(text("SELECT text FROM case_messages WHERE case_id = 1 ORDER BY id"))).all()
        assert texts == ["message 1", "message 2", "message 3"]
    with pytest.raises(IntegrityError):
        async with db.engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO cases (user_id, status, reason, person_requested, language, created_at)"
                    f" VALUES (1, 'open', 'unanswered', {false}, 'uk', '2026-11-30 10:00:00')"
                )
            )


async def test_the_migrated_schema_is_the_schema_the_models_describe(database: Database) -> None:
    """Migrations are written by hand; a column, index, foreign key or CHECK the models expect but no
    migration creates (or the other way round) fails here on both databases, not on a county's server."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.db import Base

    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == []
