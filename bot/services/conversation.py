"""A newcomer's question in, what the bot should do out: answer, offer choices, small talk, or hand over.

Every question is recorded twice, for two purposes: in the user's recent conversation (so a hand-over
carries context; deleted after the retention period) and, without any link to the user and with contact
data redacted, in the question log behind statistics and the unanswered-questions report.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.db import CaseReason, Message, QuestionLog, QuestionOutcome, Sender
from bot.services.context import ServiceContext
from bot.services.errors import UnknownQuestion
from bot.services.handover import CaseInfo, open_case, record_user_message
from bot.services.localize import LocalizedEntry, localize, report_translation_failure
from bot.services.privacy import redact
from bot.services.users import UserProfile
from intents import MatchResult, SmallTalk, classify_small_talk
from knowledge import KnowledgeEntry
from translations.machine import PIVOT_LANGUAGE
from translations.service import TranslationUnavailable

MAX_MATCHED_CHARS = 1000  # a question longer than this is matched on its beginning; it is stored whole
LONG_MESSAGE_CHARS = 600


@dataclass(frozen=True)
class Answer:
    entry: KnowledgeEntry
    text: LocalizedEntry
    score: float
    log_id: int | None
    emergency: bool = False
    long_message: bool = False


@dataclass(frozen=True)
class Suggestions:
    entries: tuple[KnowledgeEntry, ...]
    titles: tuple[str, ...]  # in the user's language (machine-translated where needed)
    log_id: int


@dataclass(frozen=True)
class NoAnswer:
    log_id: int | None
    case: CaseInfo


@dataclass(frozen=True)
class SmallTalkReply:
    kind: SmallTalk


Outcome = Answer | Suggestions | NoAnswer | SmallTalkReply


async def remember(
    ctx: ServiceContext, profile: UserProfile, sender: Sender, text: str, entry_id: str | None = None
) -> None:
    """Add a line to the user's recent conversation."""
    async with ctx.db.session() as session:
        session.add(
            Message(
                user_id=profile.id,
                sender=sender,
                text=text,
                language=profile.language,
                entry_id=entry_id,
                created_at=ctx.now(),
            )
        )
        await session.commit()


async def handle_question(ctx: ServiceContext, profile: UserProfile, text: str) -> Outcome:
    """Decide how to respond to a free-text message."""
    text = text.strip()
    await remember(ctx, profile, Sender.USER, text)
    await record_user_message(ctx, profile, text)  # staff see it in the hand-over, translated to German

    small_talk = classify_small_talk(text)
    if small_talk is not None:
        return SmallTalkReply(small_talk)

    result = await _match(ctx, text[:MAX_MATCHED_CHARS], profile.language)
    top = result.top
    outcome = {
        "answer": QuestionOutcome.ANSWERED,
        "suggest": QuestionOutcome.SUGGESTED,
        "none": QuestionOutcome.UNANSWERED,
    }[result.decision]
    if result.emergency:
        outcome = QuestionOutcome.EMERGENCY
    log_id = await _log_question(
        ctx, result.language, text, top.entry_id if top else None, top.score if top else None, outcome
    )

    if result.decision == "answer" and top is not None:
        entry = ctx.kb.entries[top.entry_id]
        localized = await localize(ctx, entry, profile.language)
        await remember(ctx, profile, Sender.BOT, f"[{entry.id}] {localized.title}", entry.id)
        return Answer(
            entry, localized, top.score, log_id, emergency=result.emergency, long_message=len(text) > LONG_MESSAGE_CHARS
        )
    if result.decision == "suggest":
        entries = tuple(ctx.kb.entries[c.entry_id] for c in result.candidates)
        titles = tuple([(await localize(ctx, entry, profile.language)).title for entry in entries])
        await remember(ctx, profile, Sender.BOT, "[suggested] " + ", ".join(e.id for e in entries))
        return Suggestions(entries, titles, log_id)
    return await _hand_over_unanswered(ctx, profile, log_id)


async def choose_suggestion(ctx: ServiceContext, profile: UserProfile, log_id: int, entry_id: str) -> Answer:
    """The user picked one of the offered entries."""
    entry = ctx.kb.get(entry_id)
    if entry is None:
        raise UnknownQuestion(f"no entry {entry_id!r}")
    async with ctx.db.session() as session:
        row = await session.get(QuestionLog, log_id)
        if row is None:
            raise UnknownQuestion(f"no question log row {log_id}")
        row.entry_id = entry_id
        row.outcome = QuestionOutcome.CHOSEN
        await session.commit()
    localized = await localize(ctx, entry, profile.language)
    await remember(ctx, profile, Sender.BOT, f"[{entry.id}] {localized.title}", entry.id)
    return Answer(entry, localized, row.score or 0.0, log_id)


async def reject_suggestions(ctx: ServiceContext, profile: UserProfile, log_id: int) -> NoAnswer:
    """None of the offered entries fits: record it and hand the question over."""
    async with ctx.db.session() as session:
        row = await session.get(QuestionLog, log_id)
        if row is None:
            raise UnknownQuestion(f"no question log row {log_id}")
        row.outcome = QuestionOutcome.UNANSWERED
        row.entry_id = None
        await session.commit()
    return await _hand_over_unanswered(ctx, profile, log_id)


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
    await remember(ctx, profile, Sender.BOT, "[talk to a person requested]")
    return await open_case(ctx, profile, CaseReason.TALK_TO_PERSON, person_requested=True)


async def _hand_over_unanswered(ctx: ServiceContext, profile: UserProfile, log_id: int | None) -> NoAnswer:
    await remember(ctx, profile, Sender.BOT, "[no checked answer; question passed to the team]")
    case = await open_case(ctx, profile, CaseReason.UNANSWERED, person_requested=False)
    return NoAnswer(log_id, case)


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


async def _log_question(
    ctx: ServiceContext, language: str, text: str, entry_id: str | None, score: float | None, outcome: QuestionOutcome
) -> int:
    async with ctx.db.session() as session:
        row = QuestionLog(
            asked_on=ctx.today(), language=language, text=redact(text), entry_id=entry_id, score=score, outcome=outcome
        )
        session.add(row)
        await session.commit()
        return row.id


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
