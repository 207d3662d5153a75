"""Staff accounts, logins and the audit log, on a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import asyncio

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from bot import services
from bot.db import Case, StaffAccount, StaffRole, StaffSession
from bot.services.staff import token_hash

PASSWORD = "correct horse battery"
ADMIN, COORDINATOR = StaffRole.ADMIN, StaffRole.COORDINATOR


async def test_an_account_keeps_a_hash_never_the_password(ctx) -> None:
    member = await services.add_staff(ctx, " Maria.K ", PASSWORD, COORDINATOR, display_name=" Maria ")
    assert (member.username, member.display_name, member.role, member.active) == ("maria.k", "Maria", COORDINATOR, True)
    assert member.interface_language == "de" and not member.is_admin
    async with ctx.db.session() as session:
        stored = await session.scalar(select(StaffAccount.password_hash).where(StaffAccount.id == member.id))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert [m.username for m in await services.list_staff(ctx)] == ["maria.k"]
    assert (await services.get_staff(ctx, "MARIA.K")).id == member.id


async def test_the_display_name_defaults_to_the_username(ctx) -> None:
    assert (await services.add_staff(ctx, "jonas", PASSWORD, ADMIN)).display_name == "jonas"


@pytest.mark.parametrize(
    ("username", "password", "error"),
    [
        ("a", PASSWORD, services.InvalidUsername),
        ("maria k", PASSWORD, services.InvalidUsername),
        ("<script>", PASSWORD, services.InvalidUsername),
        ("maria", "short", services.WeakPassword),
        ("maria", "x" * 2000, services.WeakPassword),
    ],
)
async def test_invalid_usernames_and_weak_passwords_are_refused(ctx, username, password, error) -> None:
    with pytest.raises(error):
        await services.add_staff(ctx, username, password, COORDINATOR)
    assert await services.list_staff(ctx) == []


async def test_a_username_is_taken_once_even_when_added_at_once(ctx) -> None:
    results = await asyncio.gather(
        *(services.add_staff(ctx, "maria", PASSWORD, COORDINATOR) for _ in range(3)), return_exceptions=True
    )
    assert sum(isinstance(r, services.StaffMember) for r in results) == 1
    assert all(isinstance(r, services.UsernameTaken) for r in results if not isinstance(r, services.StaffMember))
    with pytest.raises(services.UsernameTaken):
        await services.add_staff(ctx, "MARIA", PASSWORD, ADMIN)


async def test_login_starts_a_session_stored_as_a_hash(ctx) -> None:
    member = await services.add_staff(ctx, "maria", PASSWORD, COORDINATOR)
    login = await services.login(ctx, "Maria", PASSWORD)
    assert login.staff.id == member.id and login.token and login.csrf_token and login.token != login.csrf_token
    async with ctx.db.session() as session:
        stored = (await session.scalars(select(StaffSession))).all()
    assert [s.token_hash for s in stored] == [token_hash(login.token)] and login.token not in stored[0].token_hash
    found = await services.session_for(ctx, login.token)
    assert found is not None and found.staff.id == member.id and found.csrf_token == login.csrf_token
    assert await services.session_for(ctx, "not-a-token") is None
    assert await services.session_for(ctx, "") is None


@pytest.mark.parametrize("username", ["maria", "nobody"])
async def test_a_wrong_password_or_unknown_user_is_refused_alike(ctx, username) -> None:
    await services.add_staff(ctx, "maria", PASSWORD, COORDINATOR)
    with pytest.raises(services.LoginFailed):
        await services.login(ctx, username, "wrong password!")
    page = await services.audit_log(ctx)
    assert page.entries[0].action == services.AuditAction.LOGIN_FAILED


async def test_a_deactivated_account_cannot_log_in_and_its_sessions_end(ctx) -> None:
    await services.add_staff(ctx, "root", PASSWORD, ADMIN)
    await services.add_staff(ctx, "maria", PASSWORD, COORDINATOR)
    login = await services.login(ctx, "maria", PASSWORD)
    deactivated = await services.deactivate_staff(ctx, "maria")
    assert not deactivated.active
    assert await services.session_for(ctx, login.token) is None
    with pytest.raises(services.LoginFailed):
        await services.login(ctx, "maria", PASSWORD)


async def test_a_login_ends_after_the_idle_time_unless_used(ctx, clock) -> None:
    assert ctx.settings.admin.idle_minutes == 30
    await services.add_staff(ctx, "maria", PASSWORD, COORDINATOR)
    login = await services.login(ctx, "maria", PASSWORD)
    clock.advance(minutes=29)
    assert await services.session_for(ctx, login.token) is not None  # used: the idle time starts again
    clock.advance(minutes=29)
    assert await services.session_for(ctx, login.token, touch=False) is not None  # a background refresh...
    clock.advance(minutes=1, seconds=1)
    assert await services.session_for(ctx, login.token) is None  # ...did not count as activity
    async with ctx.db.session() as session:
        assert (await session.scalars(select(StaffSession))).all() == []  # the ended login is gone


async def test_deactivating_puts_the_accounts_cases_back_into_the_queue(ctx) -> None:
    await services.add_staff(ctx, "root", PASSWORD, ADMIN)
    maria = await services.add_staff(ctx, "maria", PASSWORD, COORDINATOR)
    jonas = await services.add_staff(ctx, "jonas", PASSWORD, COORDINATOR)
    case_ids = []
    for telegram_id in (1, 2, 3):
        profile = await services.register_contact(ctx, telegram_id, telegram_id, "de")
        case_ids.append((await services.request_person(ctx, profile)).id)
    async with ctx.db.session() as session, session.begin():
        await session.execute(update(Case).where(Case.id.in_(case_ids[:2])).values(assigned_to_id=maria.id))
        await session.execute(update(Case).where(Case.id == case_ids[2]).values(assigned_to_id=jonas.id))
    await services.deactivate_staff(ctx, "maria")
    async with ctx.db.session() as session:
        assigned = {row.id: row.assigned_to_id for row in await session.execute(select(Case.id, Case.assigned_to_id))}
    assert assigned == {case_ids[0]: None, case_ids[1]: None, case_ids[2]: jonas.id}


async def test_the_last_active_admin_stays(ctx) -> None:
    await services.add_staff(ctx, "root", PASSWORD, ADMIN)
    with pytest.raises(services.LastAdmin):
        await services.deactivate_staff(ctx, "root")
    assert (await services.get_staff(ctx, "root")).active
    await services.add_staff(ctx, "second", PASSWORD, ADMIN)
    await services.deactivate_staff(ctx, "root")
    with pytest.raises(services.LastAdmin):
        await services.deactivate_staff(ctx, "second")


async def test_two_admins_deactivating_each_other_at_once_leave_one(ctx) -> None:
    await services.add_staff(ctx, "anna", PASSWORD, ADMIN)
    await services.add_staff(ctx, "ben", PASSWORD, ADMIN)
    results = await asyncio.gather(
        services.deactivate_staff(ctx, "anna"), services.deactivate_staff(ctx, "ben"), return_exceptions=True
    )
    assert sorted(type(r).__name__ for r in results) == ["LastAdmin", "StaffMember"]
    assert [m.active for m in await services.list_staff(ctx) if m.is_admin].count(True) == 1


async def test_unknown_accounts_are_not_found(ctx) -> None:
    with pytest.raises(services.StaffNotFound):
        await services.deactivate_staff(ctx, "nobody")
    with pytest.raises(services.StaffNotFound):
        await services.change_password(ctx, "nobody", PASSWORD)
    with pytest.raises(services.StaffNotFound):
        await services.set_interface_language(ctx, 999, "en")


async def test_a_new_password_ends_every_login_of_the_account(ctx, clock) -> None:
    await services.add_staff(ctx, "maria", PASSWORD, COORDINATOR)
    login = await services.login(ctx, "maria", PASSWORD)
    clock.advance(minutes=1)
    changed = await services.change_password(ctx, "maria", "a completely new one")
    assert changed.password_changed_at == clock.now
    assert await services.session_for(ctx, login.token) is None
    with pytest.raises(services.LoginFailed):
        await services.login(ctx, "maria", PASSWORD)
    assert (await services.login(ctx, "maria", "a completely new one")).staff.username == "maria"
    with pytest.raises(services.WeakPassword):
        await services.change_password(ctx, "maria", "short")


async def test_an_old_hash_is_renewed_at_login(ctx) -> None:
    member = await services.add_staff(ctx, "maria", PASSWORD, COORDINATOR)
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    async with ctx.db.session() as session, session.begin():
        await session.execute(update(StaffAccount).where(StaffAccount.id == member.id).values(password_hash=weak))
    await services.login(ctx, "maria", PASSWORD)
    async with ctx.db.session() as session:
        renewed = await session.scalar(select(StaffAccount.password_hash).where(StaffAccount.id == member.id))
    assert renewed != weak and not PasswordHasher().check_needs_rehash(renewed)
    assert PasswordHasher().verify(renewed, PASSWORD)


async def test_the_interface_language_is_german_or_english(ctx) -> None:
    member = await services.add_staff(ctx, "maria", PASSWORD, COORDINATOR)
    await services.set_interface_language(ctx, member.id, "en")
    assert (await services.get_staff(ctx, "maria")).interface_language == "en"
    with pytest.raises(services.UnsupportedLanguage):
        await services.set_interface_language(ctx, member.id, "ar")


async def test_the_audit_log_is_newest_first_and_paged(ctx, clock) -> None:
    root = await services.add_staff(ctx, "root", PASSWORD, ADMIN)
    clock.advance(seconds=1)
    login = await services.login(ctx, "root", PASSWORD)
    for case_id in range(1, 6):
        clock.advance(seconds=1)
        await services.record_audit(ctx, root.id, services.AuditAction.READ_CASE, case_id=case_id)
    clock.advance(seconds=1)
    await services.logout(ctx, login.token)
    assert await services.session_for(ctx, login.token) is None
    first = await services.audit_log(ctx, limit=3)
    assert first.total == 8 and not first.has_newer and first.has_older
    assert [(e.action, e.case_id) for e in first.entries] == [("logout", None), ("read_case", 5), ("read_case", 4)]
    assert first.entries[0].username == "root" and first.entries[0].at == clock.now
    last = await services.audit_log(ctx, limit=3, offset=6)
    assert [e.action for e in last.entries] == ["login", "account_added"] and last.has_newer and not last.has_older
    assert last.entries[1].staff_id is None and last.entries[1].detail == "root (admin)"  # added on the command line
