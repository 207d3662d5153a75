"""Who is writing, and in which language to answer them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.db import User
from bot.services.context import ServiceContext
from bot.services.errors import UnsupportedLanguage
from intents import detect_language, normalize_language_code
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


def _profile(user: User, default: str, *, is_new: bool = False) -> UserProfile:
    return UserProfile(
        id=user.id,
        telegram_user_id=user.telegram_user_id,
        chat_id=user.chat_id,
        language=user.language or default,
        language_chosen=user.language_chosen,
        is_new=is_new,
    )


async def register_contact(
    ctx: ServiceContext, telegram_user_id: int, chat_id: int, telegram_language: str | None, text: str | None = None
) -> UserProfile:
    """The user's profile, created on first contact.

    Language: the user's choice wins; otherwise Telegram's `language_code`; otherwise the language the
    first message is written in; otherwise the office's default language.
    """
    async with ctx.db.session() as session:
        user = await session.scalar(select(User).where(User.telegram_user_id == telegram_user_id))
        is_new = user is None
        if user is None:
            user = User(
                telegram_user_id=telegram_user_id, chat_id=chat_id, created_at=ctx.now(), last_seen_at=ctx.now()
            )
            session.add(user)
        user.chat_id = chat_id
        user.last_seen_at = ctx.now()
        if not user.language_chosen:
            guessed = _offered_code(ctx, telegram_language) or (
                detect_language(text, CURATED_LANGUAGES) if text else None
            )
            if guessed:
                user.language = guessed
            elif user.language is None:
                user.language = ctx.settings.default_language
        await session.commit()
        return _profile(user, ctx.settings.default_language, is_new=is_new)


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
    async with ctx.db.session() as session:
        user = await session.scalar(select(User).where(User.telegram_user_id == telegram_user_id))
        if user is None:
            user = User(
                telegram_user_id=telegram_user_id, chat_id=chat_id, created_at=ctx.now(), last_seen_at=ctx.now()
            )
            session.add(user)
        user.language = language
        user.language_chosen = True
        user.last_seen_at = ctx.now()
        await session.commit()
        return _profile(user, ctx.settings.default_language)


async def known_language(ctx: ServiceContext, telegram_user_id: int) -> str | None:
    """The language the user reads, if the database can tell; None when it cannot (this is used while
    reporting an error, and the database may be what failed)."""
    try:
        async with ctx.db.session() as session:
            return await session.scalar(select(User.language).where(User.telegram_user_id == telegram_user_id))
    except (SQLAlchemyError, OSError) as exc:  # OSError: the database server cannot be reached at all
        log.warning("could not read the language of a user while reporting an error: %r", exc)
        return None
