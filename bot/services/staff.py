"""Staff of the office: accounts, logins and the audit log.

- Accounts have a username (lower case, used to log in), the name newcomers see when this person joins a
  chat, a role (`StaffRole`: admins manage accounts and read the audit log) and an argon2id hash of the
  password, never the password itself. Deactivating an account ends its logins and puts the cases assigned
  to it back into the queue.
- A login is a random token in the browser's cookie; the database keeps only its SHA-256, so a copy of the
  database lets nobody log in. Each login has its own CSRF token. A login unused for
  `LOTSE_ADMIN_IDLE_MINUTES` ends (`session_for`).
- The audit log records who logged in and out, read, replied to, claimed, assigned, closed or exported which
  case, and every change to an account; newest first (`audit_log`).

Hashing a password takes a noticeable moment of CPU (that is its point), so it runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import AuditEntry, Case, StaffAccount, StaffRole, StaffSession, rows_affected
from bot.services.context import ServiceContext
from bot.services.errors import (
    InvalidInput,
    InvalidUsername,
    LastAdmin,
    LoginFailed,
    StaffNotFound,
    UnsupportedLanguage,
    UsernameTaken,
    WeakPassword,
)

STAFF_INTERFACE_LANGUAGES: tuple[str, ...] = ("de", "en")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte-long "password" is work nobody should be able to ask for
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MAX_DISPLAY_NAME = 64
AUDIT_DETAIL_LENGTH = 200


class AuditAction(StrEnum):
    """What the audit log records (the column is free text so that later features add their own)."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    READ_CASE = "read_case"
    REPLY = "reply"
    NOTE = "note"
    CLAIM = "claim"
    ASSIGN = "assign"
    PRIORITY = "priority"
    CLOSE = "close"
    EXPORT = "export"
    ACCOUNT_ADDED = "account_added"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    PASSWORD_CHANGED = "password_changed"
    CANNED_SAVED = "canned_saved"
    CANNED_DELETED = "canned_deleted"
    TRANSLATION_CORRECTED = "translation_corrected"


@dataclass(frozen=True)
class StaffMember:
    id: int
    username: str
    display_name: str  # the name newcomers see
    role: StaffRole
    active: bool
    interface_language: str
    created_at: dt.datetime
    password_changed_at: dt.datetime

    @property
    def is_admin(self) -> bool:
        return self.role is StaffRole.ADMIN


@dataclass(frozen=True)
class StaffLogin:
    """A login: the token for the browser's cookie (never stored), who it is, and the login's CSRF token."""

    token: str
    staff: StaffMember
    csrf_token: str


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: dt.datetime
    staff_id: int | None
    username: str | None  # None: the command line, or an account deleted since
    action: str
    case_id: int | None
    detail: str | None


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditLine]
    total: int
    offset: int
    limit: int

    @property
    def has_newer(self) -> bool:
        return self.offset > 0

    @property
    def has_older(self) -> bool:
        return self.offset + len(self.entries) < self.total


# --- accounts ---------------------------------------------------------------------------------------------


async def add_staff(
    ctx: ServiceContext,
    username: str,
    password: str,
    role: StaffRole,
    *,
    display_name: str | None = None,
    interface_language: str = "de",
    actor_id: int | None = None,
) -> StaffMember:
    """A new, active account. `actor_id` is the admin who added it (None: the command line)."""
    username = normalize_username(username)
    display_name = _display_name(display_name if display_name is not None else username)
    _check_language(interface_language)
    password_hash = await _hash(password)
    now = ctx.now()
    account = StaffAccount(
        username=username,
        display_name=display_name,
        password_hash=password_hash,
        role=role,
        active=True,
        interface_language=interface_language,
        created_at=now,
        password_changed_at=now,
    )
    try:
        async with ctx.db.session() as session, session.begin():
            session.add(account)
            await session.flush()
            _audit(session, now, actor_id, AuditAction.ACCOUNT_ADDED, detail=f"{username} ({role})")
    except IntegrityError:  # the unique username, also when two admins add the same name at once
        raise UsernameTaken(f"there is an account {username!r} already") from None
    return _member(account)


async def list_staff(ctx: ServiceContext) -> list[StaffMember]:
    """Every account, active ones first, then by username."""
    async with ctx.db.session() as session:
        accounts = await session.scalars(
            select(StaffAccount).order_by(StaffAccount.active.desc(), StaffAccount.username)
        )
        return [_member(account) for account in accounts]


async def get_staff(ctx: ServiceContext, username: str) -> StaffMember:
    async with ctx.db.session() as session:
        return _member(await _account(session, username))


async def change_password(
    ctx: ServiceContext, username: str, new_password: str, *, actor_id: int | None = None
) -> StaffMember:
    """Set a new password; every login of the account ends (whoever knew the old one is out)."""
    password_hash = await _hash(new_password)
    now = ctx.now()
    async with ctx.db.session() as session, session.begin():
        account = await _account(session, username, for_update=True)
        account.password_hash = password_hash
        account.password_changed_at = now
        await session.execute(delete(StaffSession).where(StaffSession.staff_id == account.id))
        _audit(session, now, actor_id, AuditAction.PASSWORD_CHANGED, detail=account.username)
        return _member(account)


async def deactivate_staff(ctx: ServiceContext, username: str, *, actor_id: int | None = None) -> StaffMember:
    """Deactivate an account: its logins end and the cases assigned to it go back to the queue. The last
    active admin cannot be deactivated (nobody could manage accounts any more)."""
    now = ctx.now()
    async with ctx.db.session() as session, session.begin():
        # Lock the active admins in one order first: two admins deactivating each other at once on
        # PostgreSQL then take turns, and the second finds itself the last one.
        await session.execute(
            select(StaffAccount.id)
            .where(StaffAccount.role == StaffRole.ADMIN, StaffAccount.active.is_(True))
            .order_by(StaffAccount.id)
            .with_for_update()
        )
        account = await _account(session, username, for_update=True)
        if not account.active:
            return _member(account)
        account.active = False
        await session.flush()
        if account.role is StaffRole.ADMIN:
            # Counted after the change, inside the write transaction (on SQLite the UPDATE took the lock).
            admins = await session.scalar(
                select(func.count())
                .select_from(StaffAccount)
                .where(StaffAccount.role == StaffRole.ADMIN, StaffAccount.active.is_(True))
            )
            if not admins:
                raise LastAdmin(f"{account.username} is the last active admin")
        await session.execute(delete(StaffSession).where(StaffSession.staff_id == account.id))
        await session.execute(update(Case).where(Case.assigned_to_id == account.id).values(assigned_to_id=None))
        _audit(session, now, actor_id, AuditAction.ACCOUNT_DEACTIVATED, detail=account.username)
        return _member(account)


async def set_interface_language(ctx: ServiceContext, staff_id: int, language: str) -> None:
    """The language the web app speaks to this person (German or English)."""
    _check_language(language)
    async with ctx.db.session() as session, session.begin():
        result = await session.execute(
            update(StaffAccount).where(StaffAccount.id == staff_id).values(interface_language=language)
        )
        if rows_affected(result) == 0:
            raise StaffNotFound(f"no account with id {staff_id}")


def normalize_username(username: str) -> str:
    """Usernames are lower case: 2-64 letters a-z, digits, '.', '_' or '-', starting with a letter or digit."""
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise InvalidUsername(f"invalid username {username!r}: 2-64 characters a-z, 0-9, '.', '_', '-'")
    return name


def check_password(password: str) -> None:
    """The password rule: at least MIN_PASSWORD_LENGTH characters (length is what makes a password strong)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"a password may have at most {MAX_PASSWORD_LENGTH} characters")


# --- logins -----------------------------------------------------------------------------------------------


async def login(ctx: ServiceContext, username: str, password: str) -> StaffLogin:
    """Check the password and start a login. A wrong password, an unknown username and a deactivated
    account are refused alike (LoginFailed), so the answer tells nobody which accounts exist."""
    name = username.strip().lower()
    async with ctx.db.session() as session:
        account = await session.scalar(select(StaffAccount).where(StaffAccount.username == name))
    if account is None or len(password) > MAX_PASSWORD_LENGTH:
        # The same work as for a real account, so the time taken does not tell which usernames exist.
        await _verify(await asyncio.to_thread(_dummy_hash), password)
        await record_audit(ctx, None, AuditAction.LOGIN_FAILED)
        raise LoginFailed("wrong username or password")
    if not await _verify(account.password_hash, password) or not account.active:
        await record_audit(ctx, account.id, AuditAction.LOGIN_FAILED, detail=None if account.active else "inactive")
        raise LoginFailed("wrong username or password, or the account is deactivated")
    new_hash = await _hash(password) if _hasher().check_needs_rehash(account.password_hash) else None
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    now = ctx.now()
    async with ctx.db.session() as session, session.begin():
        if new_hash is not None:  # hashing parameters got stronger since the password was set
            await session.execute(
                update(StaffAccount).where(StaffAccount.id == account.id).values(password_hash=new_hash)
            )
        await session.execute(delete(StaffSession).where(StaffSession.last_seen_at < now - _idle(ctx)))
        session.add(
            StaffSession(
                token_hash=token_hash(token),
                staff_id=account.id,
                csrf_token=csrf_token,
                created_at=now,
                last_seen_at=now,
            )
        )
        _audit(session, now, account.id, AuditAction.LOGIN)
    return StaffLogin(token, _member(account), csrf_token)


async def session_for(ctx: ServiceContext, token: str, *, touch: bool = True) -> StaffLogin | None:
    """The login a cookie's token belongs to, or None: unknown, ended, idle longer than
    LOTSE_ADMIN_IDLE_MINUTES (then it is ended here), or its account deactivated. `touch` counts the request
    as activity; a page's background refresh passes False, so an open tab alone does not keep a login alive."""
    if not token or len(token) > 256:
        return None
    key = token_hash(token)
    now = ctx.now()
    async with ctx.db.session() as session:
        row = (
            await session.execute(
                select(StaffSession, StaffAccount)
                .join(StaffAccount, StaffAccount.id == StaffSession.staff_id)
                .where(StaffSession.token_hash == key)
            )
        ).first()
    if row is None:
        return None
    login_row, account = row
    if not account.active or login_row.last_seen_at <= now - _idle(ctx):
        async with ctx.db.session() as session, session.begin():
            await session.execute(delete(StaffSession).where(StaffSession.token_hash == key))
        return None
    if touch:
        async with ctx.db.session() as session, session.begin():
            await session.execute(
                update(StaffSession)
                .where(StaffSession.token_hash == key, StaffSession.last_seen_at < now)
                .values(last_seen_at=now)
            )
    return StaffLogin(token, _member(account), login_row.csrf_token)


async def logout(ctx: ServiceContext, token: str) -> None:
    """End the login (nothing happens for a token that is not one)."""
    async with ctx.db.session() as session, session.begin():
        staff_id = await session.scalar(
            delete(StaffSession).where(StaffSession.token_hash == token_hash(token)).returning(StaffSession.staff_id)
        )
        if staff_id is not None:
            _audit(session, ctx.now(), staff_id, AuditAction.LOGOUT)


def token_hash(token: str) -> str:
    """What the database keeps of a login token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- the audit log ----------------------------------------------------------------------------------------


async def record_audit(
    ctx: ServiceContext,
    staff_id: int | None,
    action: AuditAction | str,
    *,
    case_id: int | None = None,
    detail: str | None = None,
) -> None:
    """One audit entry in a transaction of its own (for reads; changes record theirs in their own
    transaction)."""
    async with ctx.db.session() as session, session.begin():
        _audit(session, ctx.now(), staff_id, action, case_id=case_id, detail=detail)


async def audit_log(ctx: ServiceContext, *, limit: int = 50, offset: int = 0) -> AuditPage:
    """A page of the audit log, newest first."""
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    async with ctx.db.session() as session:
        total = await session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        rows = await session.execute(
            select(AuditEntry, StaffAccount.username)
            .outerjoin(StaffAccount, StaffAccount.id == AuditEntry.staff_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
        entries = [
            AuditLine(entry.id, entry.at, entry.staff_id, username, entry.action, entry.case_id, entry.detail)
            for entry, username in rows
        ]
    return AuditPage(entries, total, offset, limit)


def _audit(
    session: AsyncSession,
    now: dt.datetime,
    staff_id: int | None,
    action: AuditAction | str,
    *,
    case_id: int | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditEntry(
            at=now,
            staff_id=staff_id,
            action=str(action)[:32],
            case_id=case_id,
            detail=detail[:AUDIT_DETAIL_LENGTH] if detail else None,
        )
    )


# --- helpers ----------------------------------------------------------------------------------------------


def _member(account: StaffAccount) -> StaffMember:
    return StaffMember(
        id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=StaffRole(account.role),
        active=account.active,
        interface_language=account.interface_language,
        created_at=account.created_at,
        password_changed_at=account.password_changed_at,
    )


async def _account(session: AsyncSession, username: str, *, for_update: bool = False) -> StaffAccount:
    query = select(StaffAccount).where(StaffAccount.username == username.strip().lower())
    account = await session.scalar(query.with_for_update() if for_update else query)
    if account is None:
        raise StaffNotFound(f"no account {username!r}")
    return account


def _display_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_DISPLAY_NAME:
        raise InvalidInput(f"a display name needs 1-{MAX_DISPLAY_NAME} characters")
    return name


def _check_language(language: str) -> None:
    if language not in STAFF_INTERFACE_LANGUAGES:
        raise UnsupportedLanguage(f"the staff interface speaks {', '.join(STAFF_INTERFACE_LANGUAGES)}")


def _idle(ctx: ServiceContext) -> dt.timedelta:
    return dt.timedelta(minutes=ctx.settings.admin.idle_minutes)


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters (RFC 9106)


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


async def _hash(password: str) -> str:
    check_password(password)
    return await asyncio.to_thread(_hasher().hash, password)


async def _verify(password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher().verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)
