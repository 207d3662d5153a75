"""The knowledge-gap report: what newcomers asked that the knowledge base could not answer well, grouped.

Sources are the anonymous question log's rows of recent weeks that went unanswered, got suggestions nobody
picked, or an answer the user said did not help. Questions are grouped by similarity within a language
(rapidfuzz), each group's most typical question is translated into German for staff (machine translation,
labelled as such, never cached: the text is personal even when redacted), and groups whose German reads the
same are merged across languages. Staff see counts, languages and a few examples, most frequent first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import or_, select

from bot.db import QuestionLog, QuestionOutcome
from bot.services.case_translation import translate_personal
from bot.services.context import ServiceContext
from translations.languages import STAFF_LANGUAGE
from translations.service import TranslationBusy

SIMILAR = 72.0  # token-set similarity (0-100) at which two questions count as the same gap
MAX_QUESTIONS = 2000  # the newest questions of the period are grouped; older ones wait for the next report
EXAMPLES = 5


@dataclass
class GapGroup:
    question: str  # the group's most typical question, as written
    language: str
    german: str | None  # its German translation (None: no translation possible)
    german_machine: bool  # the German is a machine translation
    count: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, str]] = field(default_factory=list)  # (language, question)
    last_asked: dt.date | None = None


@dataclass
class _Cluster:
    language: str
    texts: list[str] = field(default_factory=list)
    rows: list[QuestionLog] = field(default_factory=list)

    def typical(self) -> str:
        """The question most like the others (the medoid), so one odd phrasing does not name the group."""
        if len(self.texts) <= 2:
            return self.texts[0]
        return max(self.texts, key=lambda text: sum(fuzz.token_set_ratio(text, other) for other in self.texts))


async def knowledge_gaps(ctx: ServiceContext, *, weeks: int = 4, limit: int = 50) -> list[GapGroup]:
    """Groups of badly answered questions of the last `weeks` weeks, most frequent first (at most `limit`)."""
    since = ctx.today() - dt.timedelta(weeks=weeks)
    async with ctx.db.session() as session:
        rows = list(
            await session.scalars(
                select(QuestionLog)
                .where(
                    QuestionLog.asked_on >= since,
                    or_(
                        QuestionLog.outcome.in_([QuestionOutcome.UNANSWERED, QuestionOutcome.SUGGESTED]),
                        QuestionLog.helpful.is_(False),
                    ),
                )
                .order_by(QuestionLog.id.desc())
                .limit(MAX_QUESTIONS)
            )
        )
    clusters: list[_Cluster] = []
    for row in rows:
        text = row.text.strip()
        if not text:
            continue
        home = next(
            (c for c in clusters if c.language == row.language and fuzz.token_set_ratio(text, c.texts[0]) >= SIMILAR),
            None,
        )
        if home is None:
            home = _Cluster(row.language)
            clusters.append(home)
        home.texts.append(text)
        home.rows.append(row)
    clusters.sort(key=lambda c: len(c.rows), reverse=True)
    groups: list[GapGroup] = []
    for cluster in clusters:
        if len(groups) >= limit:
            break
        typical = cluster.typical()
        german, machine = await _german(ctx, typical, cluster.language)
        twin = next(
            (g for g in groups if german and g.german and fuzz.token_set_ratio(german, g.german) >= SIMILAR + 10),
            None,
        )
        group = twin or GapGroup(typical, cluster.language, german, machine)
        for row in cluster.rows:
            group.count += 1
            group.languages[row.language] += 1
            group.outcomes["not helpful" if row.helpful is False else str(row.outcome)] += 1
            if group.last_asked is None or row.asked_on > group.last_asked:
                group.last_asked = row.asked_on
            if len(group.examples) < EXAMPLES and (row.language, row.text) not in group.examples:
                group.examples.append((row.language, row.text))
        if twin is None:
            groups.append(group)
    groups.sort(key=lambda g: g.count, reverse=True)
    return groups


async def _german(ctx: ServiceContext, text: str, language: str) -> tuple[str | None, bool]:
    if language == STAFF_LANGUAGE:
        return text, False
    try:
        translated = await translate_personal(ctx, text, language, STAFF_LANGUAGE)
    except TranslationBusy:
        return None, False
    if translated is None:
        return None, False
    return translated.text, translated.machine
