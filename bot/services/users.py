"""Who is writing, and in which language to answer them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import case, func, literal, select, update
from sqlalchemy.exc import SQLAlchemyError

from bot.db import GroupNotice, User, dialect_insert
from bot.services.context import ServiceContext
from bot.services.errors import UnsupportedLanguage
from bot.services.outbox import became_reachable
from intents import detect_language_confidently, normalize_language_code
from translations.languages import CURATED_LANGUAGES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UserProfile:
    id: int
    telegram_user_id: int
    chat_id: int
    language: str
    language_chosen: bool
    is_new: bool = False


async def register_contact(
    ctx: ServiceContext, telegram_user_id: int, chat_id: int, telegram_language: str | None, text: str | None = None
) -> UserProfile:
    """The user's profile, created on first contact (an upsert: two first messages at once are no race).

    Language, one per conversation: the language the user chose wins; otherwise the language the message is
    written in, when it can be told with confidence (a Ukrainian whose Telegram is set to Russian is answered
    in Ukrainian); otherwise the conversation's language so far (a short ambiguous message changes nothing);
    for a new user without a confident guess, Telegram's `language_code`, then the office's default.
    `chat_id` must be the user's private chat. A user who blocked the bot and writes again is reachable again.
    """
    detected = detect_language_confidently(text, CURATED_LANGUAGES) if text else None
    first_guess = detected or _offered_code(ctx, telegram_language)
    now = ctx.now()
    insert = dialect_insert(ctx.db.dialect)(User).values(
        telegram_user_id=telegram_user_id,
        chat_id=chat_id,
        language=first_guess or ctx.settings.default_language,
        language_chosen=False,
        created_at=now,
        last_seen_at=now,
    )
    returned = (User.id, User.chat_id, User.language, User.language_chosen, User.unreachable_since)
    async with ctx.db.session() as session, session.begin():
        row = (
            await session.execute(
                insert.on_conflict_do_nothing(index_elements=["telegram_user_id"]).returning(*returned)
            )
        ).first()
        is_new = row is not None
        if row is None:
            language = User.language if detected is None else literal(detected)
            row = (
                await session.execute(
                    update(User)
                    .where(User.telegram_user_id == telegram_user_id)
                    .values(
                        chat_id=chat_id,
                        last_seen_at=now,
                        unreachable_since=None,
                        language=case(
                            (User.language_chosen, User.language),
                            else_=func.coalesce(language, User.language, ctx.settings.default_language),
                        ),
                    )
                    .returning(*returned)
                )
            ).one()
            await became_reachable(session, row.id, now)
    return UserProfile(row.id, telegram_user_id, row.chat_id, row.language, row.language_chosen, is_new=is_new)


def _offered_code(ctx: ServiceContext, telegram_language: str | None) -> str | None:
    """Telegram's language code if Lotse offers that language (curated, or through an installed model)."""
    curated = normalize_language_code(telegram_language, CURATED_LANGUAGES)
    if curated or not telegram_language:
        return curated
    base = telegram_language.replace("_", "-").split("-", 1)[0].lower()
    return base if base in ctx.offered_languages() else None


def telegram_language_unsupported(ctx: ServiceContext, telegram_language: str | None) -> bool:
    """The user's Telegram app speaks a language Lotse cannot serve (they choose German or English)."""
    return bool(telegram_language) and _offered_code(ctx, telegram_language) is None


async def choose_language(ctx: ServiceContext, telegram_user_id: int, chat_id: int, language: str) -> UserProfile:
    """Remember the language the user picked; it wins over everything else from now on."""
    if language not in ctx.offered_languages():
        raise UnsupportedLanguage(f"language {language!r} is not offered")
    now = ctx.now()
    statement = (
        dialect_insert(ctx.db.dialect)(User)
        .values(
            telegram_user_id=telegram_user_id,
            chat_id=chat_id,
            language=language,
            language_chosen=True,
            created_at=now,
            last_seen_at=now,
        )
        .on_conflict_do_update(
            index_elements=["telegram_user_id"],
            set_={"chat_id": chat_id, "language": language, "language_chosen": True, "last_seen_at": now},
        )
        .returning(User.id)
    )
    async with ctx.db.session() as session, session.begin():
        user_id = (await session.execute(statement)).scalar_one()
    return UserProfile(user_id, telegram_user_id, chat_id, language, True)


async def first_group_notice_today(ctx: ServiceContext, chat_id: int) -> bool:
    """Whether a group is due its "please write to me privately" today (True once per group and day)."""
    statement = (
        dialect_insert(ctx.db.dialect)(GroupNotice)
        .values(chat_id=chat_id, notified_on=ctx.today())
        .on_conflict_do_nothing(index_elements=["chat_id", "notified_on"])
        .returning(GroupNotice.chat_id)
    )
    async with ctx.db.session() as session, session.begin():
        return (await session.execute(statement)).first() is not None


async def known_language(ctx: ServiceContext, telegram_user_id: int) -> str | None:
    """The language the user reads, if the database can tell; None when it cannot (this is used while
    reporting an error, and the database may be what failed)."""
    try:
        async with ctx.db.session() as session:
            return await session.scalar(select(User.language).where(User.telegram_user_id == telegram_user_id))
    except (SQLAlchemyError, OSError) as exc:  # OSError: the database server cannot be reached at all
        log.warning("could not read the language of a user while reporting an error: %r", exc)
        return None
