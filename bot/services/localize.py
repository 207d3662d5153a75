"""Knowledge-base entries in the user's language: curated where it exists, machine-translated otherwise,
German or English (the user's choice) with a note when neither is possible."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.context import ServiceContext
from knowledge import KnowledgeEntry
from translations.service import TranslationUnavailable

FALLBACK_LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class LocalizedEntry:
    """What the user reads for an entry."""

    title: str
    answer: str
    language: str  # the language the text is in
    machine: bool  # written by a machine translation: say so
    native_reviewed: bool
    source_language: str  # the curated text it comes from
    fallback: bool = False  # the user's language could not be served at all


def curated(entry: KnowledgeEntry, language: str) -> LocalizedEntry:
    text = entry.text(language)
    assert text is not None
    return LocalizedEntry(text.title, text.answer, language, False, text.native_reviewed or language == "de", language)


async def localize(ctx: ServiceContext, entry: KnowledgeEntry, language: str, fallback: str = "en") -> LocalizedEntry:
    """`entry` for a reader of `language` (`fallback`: de or en when nothing reaches the language)."""
    if entry.text(language) is not None:
        return curated(entry, language)
    translator = ctx.translator
    assert translator is not None
    for source in ("en", "de"):  # English first: most models are trained from and to English
        if translator.machine_available(source, language):
            text = entry.text(source)
            assert text is not None
            try:
                title = await translator.translate(text.title, source, language)
                answer = await translator.translate(text.answer, source, language)
            except TranslationUnavailable:
                continue
            # A machine wrote it unless staff have corrected both title and answer (then it is curated).
            return LocalizedEntry(title.text, answer.text, language, title.machine or answer.machine, False, source)
    chosen = fallback if fallback in FALLBACK_LANGUAGES else "en"
    return LocalizedEntry(**{**vars(curated(entry, chosen)), "fallback": True})
