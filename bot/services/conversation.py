"""A newcomer's question in, what the bot should do out: answer, offer choices, small talk, or hand over.

Every question is recorded twice, for two purposes: in the user's recent conversation (so a hand-over
carries context; deleted after the retention period) and, without any link to the user and with contact
data redacted, in the question log behind statistics and the unanswered-questions report.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import CaseReason, Message, QuestionLog, QuestionOutcome, Sender
from bot.services.case_translation import StaffCopy, translate_for_staff
from bot.services.context import ServiceContext
from bot.services.errors import UnknownQuestion
from bot.services.handover import (
    SUGGESTED,
    CaseInfo,
    Forwarded,
    HandoverState,
    UserFile,
    add_user_message,
    forward_in,
    handover_state,
    mark_open_case_urgent,
    open_case_in,
    save_rating_comment,
)
from bot.services.localize import LocalizedEntry, localize, report_translation_failure
from bot.services.privacy import redact
from bot.services.users import UserProfile
from intents import MatchResult, SmallTalk, classify_small_talk
from knowledge import KnowledgeEntry
from translations.machine import PIVOT_LANGUAGE
from translations.service import TranslationUnavailable

TALK_TO_PERSON_ENTRY = "talk-to-person"  # a direct answer to it opens a case, like the button
MAX_MATCHED_CHARS = 1000  # a question longer than this is matched on its beginning; it is stored whole
LONG_MESSAGE_CHARS = 600


@dataclass(frozen=True)
class Answer:
    entry: KnowledgeEntry
    text: LocalizedEntry
    score: float
    log_id: int | None
    long_message: bool = False


@dataclass(frozen=True)
class Suggestions:
    entries: tuple[KnowledgeEntry, ...]
    titles: tuple[str, ...]  # in the user's language (machine-translated where needed)
    log_id: int


@dataclass(frozen=True)
class NoAnswer:
    """No checked answer: the question goes to the knowledge-gap report and a person is offered (no case
    opens until the user asks for one)."""

    log_id: int | None


@dataclass(frozen=True)
class PersonRequested:
    """The question was a request for a person ("I want to talk to someone"): the case is open."""

    case: CaseInfo


@dataclass(frozen=True)
class CommentSaved:
    """The optional comment after rating a closed case."""


@dataclass(frozen=True)
class SmallTalkReply:
    kind: SmallTalk


@dataclass(frozen=True)
class NoWords:
    """Only spaces, invisible characters, emoji or punctuation: the user is asked to write in words."""


@dataclass(frozen=True)
class EmergencyCard:
    """A cry for help or acute danger: the short emergency card first (the full entry one tap away)."""

    entry_id: str
    log_id: int
    urgent_case: int | None = None  # the open case this marked urgent, if the user had one


Outcome = (
    Answer
    | Suggestions
    | NoAnswer
    | SmallTalkReply
    | NoWords
    | EmergencyCard
    | Forwarded
    | CommentSaved
    | PersonRequested
)


async def remember(
    ctx: ServiceContext, profile: UserProfile, sender: Sender, text: str, entry_id: str | None = None
) -> None:
    """Add a line to the user's recent conversation."""
    async with ctx.db.session() as session, session.begin():
        _remember(session, ctx.now(), profile, sender, text, entry_id)


def _remember(
    session: AsyncSession,
    now: dt.datetime,
    profile: UserProfile,
    sender: Sender,
    text: str,
    entry_id: str | None = None,
) -> None:
    session.add(
        Message(
            user_id=profile.id, sender=sender, text=text, language=profile.language, entry_id=entry_id, created_at=now
        )
    )


_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")  # Hangul fillers: letters that show nothing


def has_words(text: str) -> bool:
    """Whether a message holds at least one letter or digit (not only spaces, invisible characters, emoji,
    punctuation, or the "blank" characters people use to send an empty-looking message)."""
    return any(unicodedata.category(char)[0] in "LN" and char not in _BLANK_LETTERS for char in text)


async def handle_question(ctx: ServiceContext, profile: UserProfile, text: str) -> Outcome:
    """Decide how to respond to a free-text message.

    The slow parts (translating for staff, matching, localizing the answer) run first, outside any
    transaction; then everything the message changes is written in one transaction.
    """
    text = text.strip()
    if has_words(text) and ctx.matcher.emergency_hit(text[:MAX_MATCHED_CHARS], profile.language) is not None:
        return await _emergency(ctx, profile, text)  # before anything slow: no translator, no matching
    state = await handover_state(ctx, profile)
    if text and state.forwards:  # hand-over mode: the team answers, not the knowledge base
        forwarded = await _forward(ctx, profile, state, text, await translate_for_staff(ctx, profile, text))
        if forwarded is not None:
            return forwarded
    if not has_words(text):
        await remember(ctx, profile, Sender.USER, text or "[empty message]")
        return NoWords()
    if state.comment_case is not None and await save_rating_comment(ctx, profile, state.comment_case, text):
        await remember(ctx, profile, Sender.USER, text)
        return CommentSaved()

    small_talk = classify_small_talk(text)
    if small_talk is not None:
        await remember(ctx, profile, Sender.USER, text)
        return SmallTalkReply(small_talk)

    result = await _match(ctx, text[:MAX_MATCHED_CHARS], profile.language)
    if result.decision == "emergency":  # found only through the English translation (machine-only language)
        return await _emergency(ctx, profile, text)
    top = result.top
    outcome = {
        "answer": QuestionOutcome.ANSWERED,
        "suggest": QuestionOutcome.SUGGESTED,
        "none": QuestionOutcome.UNANSWERED,
    }[result.decision]
    answer: tuple[KnowledgeEntry, LocalizedEntry] | None = None
    suggested: tuple[tuple[KnowledgeEntry, ...], tuple[str, ...]] | None = None
    if result.decision == "answer" and top is not None:
        entry = ctx.kb.entries[top.entry_id]
        answer = entry, await localize(ctx, entry, profile.language)
    elif result.decision == "suggest":
        entries = tuple(ctx.kb.entries[c.entry_id] for c in result.candidates)
        suggested = entries, tuple([(await localize(ctx, entry, profile.language)).title for entry in entries])

    now = ctx.now()
    async with ctx.db.session() as session, session.begin():
        _remember(session, now, profile, Sender.USER, text)
        log = QuestionLog(
            asked_on=ctx.today(),
            language=profile.language,  # the user's language, also where matching went through English
            text=redact(text),
            entry_id=top.entry_id if top else None,
            score=top.score if top else None,
            outcome=outcome,
        )
        session.add(log)
        await session.flush()
        if answer is not None and answer[0].id == TALK_TO_PERSON_ENTRY:  # asking for a person is asking for one
            _remember(session, now, profile, Sender.BOT, "[talk to a person requested]")
            case = await open_case_in(
                session, now, profile, CaseReason.TALK_TO_PERSON, person_requested=True, kb=ctx.kb
            )
            return PersonRequested(case)
        if answer is not None:
            entry, localized = answer
            _remember(session, now, profile, Sender.BOT, f"[{entry.id}] {localized.title}", entry.id)
            assert top is not None
            return Answer(
                entry,
                localized,
                top.score,
                log.id,
                long_message=len(text) > LONG_MESSAGE_CHARS,
            )
        if suggested is not None:
            entries, titles = suggested
            _remember(session, now, profile, Sender.BOT, SUGGESTED + ", ".join(e.id for e in entries))
            return Suggestions(entries, titles, log.id)
        _remember(session, now, profile, Sender.BOT, "[no checked answer; a person was offered]")
        return NoAnswer(log.id)


async def _forward(
    ctx: ServiceContext,
    profile: UserProfile,
    state: HandoverState,
    text: str,
    copy: StaffCopy | None,
    file: UserFile | None = None,
) -> Forwarded | None:
    """The message goes to the user's case (hand-over mode); None when the case changed meanwhile."""
    async with ctx.db.session() as session, session.begin():
        forwarded = await forward_in(session, ctx.now(), profile, state, text, copy, file)
        if forwarded is not None:
            _remember(session, ctx.now(), profile, Sender.USER, text)
        return forwarded


async def forward_file(
    ctx: ServiceContext, profile: UserProfile, state: HandoverState, file: UserFile, caption: str | None
) -> Forwarded | None:
    """A photo or document for the team (a letter, mostly): kept with the user's case in hand-over mode.
    None without such a case (the caller asks for text and offers a person)."""
    caption = (caption or "").strip()
    copy = await translate_for_staff(ctx, profile, caption) if caption else None
    label = f"[{file.kind.value}: {file.file_name}]"
    return await _forward(ctx, profile, state, f"{label} {caption}".strip(), copy, file)


async def _emergency(ctx: ServiceContext, profile: UserProfile, text: str) -> EmergencyCard:
    """Record a cry for help: in the conversation, in an open case whatever its mode (its German copy is
    caught up by the worker: nothing here waits for the translator), in the question log; an open case
    becomes urgent."""
    entry = ctx.kb.emergency_entry
    assert entry is not None, "an emergency decision needs the emergency entry"
    now = ctx.now()
    async with ctx.db.session() as session, session.begin():
        _remember(session, now, profile, Sender.USER, text)
        await add_user_message(session, now, profile, text, StaffCopy(None, pending=True))
        log = QuestionLog(
            asked_on=ctx.today(),
            language=profile.language,
            text=redact(text),
            entry_id=entry.id,
            score=100.0,
            outcome=QuestionOutcome.EMERGENCY,
        )
        session.add(log)
        await session.flush()
        urgent_case = await mark_open_case_urgent(session, profile)
        _remember(session, now, profile, Sender.BOT, "[emergency card]", entry.id)
        return EmergencyCard(entry.id, log.id, urgent_case)


async def choose_suggestion(ctx: ServiceContext, profile: UserProfile, log_id: int, entry_id: str) -> Answer:
    """The user picked one of the offered entries."""
    entry = ctx.kb.get(entry_id)
    if entry is None:
        raise UnknownQuestion(f"no entry {entry_id!r}")
    localized = await localize(ctx, entry, profile.language)  # may translate: before the transaction
    async with ctx.db.session() as session, session.begin():
        row = await session.get(QuestionLog, log_id)
        if row is None:
            raise UnknownQuestion(f"no question log row {log_id}")
        row.entry_id = entry_id
        row.outcome = QuestionOutcome.CHOSEN
        _remember(session, ctx.now(), profile, Sender.BOT, f"[{entry.id}] {localized.title}", entry.id)
        return Answer(entry, localized, row.score or 0.0, log_id)


async def reject_suggestions(ctx: ServiceContext, profile: UserProfile, log_id: int) -> NoAnswer:
    """None of the offered entries fits: record it and hand the question over."""
    async with ctx.db.session() as session, session.begin():
        row = await session.get(QuestionLog, log_id)
        if row is None:
            raise UnknownQuestion(f"no question log row {log_id}")
        row.outcome = QuestionOutcome.UNANSWERED
        row.entry_id = None
        _remember(session, ctx.now(), profile, Sender.BOT, "[none of the suggestions fitted; a person was offered]")
        return NoAnswer(log_id)


async def show_entry(ctx: ServiceContext, profile: UserProfile, entry_id: str, language: str | None = None) -> Answer:
    """An entry the user asked for directly (a deep link, a button, or its original text in `language`)."""
    entry = ctx.kb.get(entry_id)
    if entry is None or (language is not None and entry.text(language) is None):
        raise UnknownQuestion(f"no entry {entry_id!r}")
    localized = await localize(ctx, entry, language or profile.language)
    await remember(ctx, profile, Sender.BOT, f"[{entry.id}] {localized.title}", entry.id)
    return Answer(entry, localized, 100.0, None)


async def record_feedback(ctx: ServiceContext, log_id: int, helpful: bool) -> None:
    """'Did this help?' goes into the anonymous question log."""
    async with ctx.db.session() as session:
        row = await session.get(QuestionLog, log_id)
        if row is None:
            raise UnknownQuestion(f"no question log row {log_id}")
        row.helpful = helpful
        await session.commit()


async def request_person(ctx: ServiceContext, profile: UserProfile) -> CaseInfo:
    """The user asked for a human: open (or flag) their case."""
    async with ctx.db.session() as session, session.begin():
        _remember(session, ctx.now(), profile, Sender.BOT, "[talk to a person requested]")
        return await open_case_in(
            session, ctx.now(), profile, CaseReason.TALK_TO_PERSON, person_requested=True, kb=ctx.kb
        )


async def _match(ctx: ServiceContext, text: str, language: str) -> MatchResult:
    """Match in the user's language; a language the knowledge base does not have is machine-translated
    to English first (or, without a model, matched in whatever language the text turns out to be)."""
    if ctx.kb.languages and language in ctx.kb.languages:
        return ctx.matcher.match_question(text, language)
    translator = ctx.translator
    direct = ctx.matcher.match_question(text, None)  # German or English words mixed in still count
    if translator.machine_available(language, PIVOT_LANGUAGE):
        try:  # personal text: translated, never cached
            english = await translator.translate(text, language, PIVOT_LANGUAGE, store=False)
        except TranslationUnavailable as exc:
            report_translation_failure(exc, language, PIVOT_LANGUAGE)
            return direct
        via_english = ctx.matcher.match_question(english.text, PIVOT_LANGUAGE)
        rank = {"answer": 2, "suggest": 1, "none": 0}
        return via_english if rank[via_english.decision] >= rank[direct.decision] else direct
    return direct


async def unanswered_questions(ctx: ServiceContext, limit: int = 100) -> list[QuestionLog]:
    """The most recent questions the bot could not answer (the unanswered-questions report)."""
    async with ctx.db.session() as session:
        rows = await session.scalars(
            select(QuestionLog)
            .where(QuestionLog.outcome == QuestionOutcome.UNANSWERED)
            .order_by(QuestionLog.id.desc())
            .limit(limit)
        )
        return list(rows)
