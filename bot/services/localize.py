"""Knowledge-base entries in the user's language: curated where it exists, machine-translated otherwise,
German or English (the user's choice) with a note when neither is possible."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.degraded import DegradedLog
from bot.services.context import ServiceContext
from knowledge import KnowledgeBase, KnowledgeEntry
from translations.languages import FALLBACK_LANGUAGES, ORIGINAL_LANGUAGE
from translations.service import TranslationBusy, TranslationUnavailable

log = logging.getLogger(__name__)
degraded = DegradedLog(log)


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


class CuratedTexts:
    """Knowledge-base titles and answers as curated translations of each other, so that the translation
    service serves the other language's curated text instead of a machine translation
    (a `translations.service.CuratedLookup`)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._index: dict[tuple[str, str], tuple[str, str]] = {}
        for entry in kb.entries.values():
            for language, text in entry.texts.items():
                self._index[(language, text.title.strip())] = (entry.id, "title")
                self._index[(language, text.answer.strip())] = (entry.id, "answer")

    def lookup(self, text: str, source: str, target: str) -> str | None:
        found = self._index.get((source, text.strip()))
        if found is None:
            return None
        entry_id, field = found
        translated = self._kb.entries[entry_id].text(target)
        if translated is None:
            return None
        return translated.title if field == "title" else translated.answer


def curated(entry: KnowledgeEntry, language: str) -> LocalizedEntry:
    text = entry.text(language)
    assert text is not None, f"{entry.id} has no {language} text"  # the loader requires every curated language
    reviewed = text.native_reviewed or language == ORIGINAL_LANGUAGE
    return LocalizedEntry(text.title, text.answer, language, False, reviewed, language)


async def localize(ctx: ServiceContext, entry: KnowledgeEntry, language: str, fallback: str = "en") -> LocalizedEntry:
    """`entry` for a reader of `language` (`fallback`: de or en when nothing reaches the language)."""
    if entry.text(language) is not None:
        return curated(entry, language)
    translator = ctx.translator
    for source in FALLBACK_LANGUAGES:  # English first: most models are trained from and to English
        if translator.machine_available(source, language):
            text = curated(entry, source)
            try:
                title = await translator.translate(text.title, source, language)
                answer = await translator.translate(text.answer, source, language)
            except TranslationUnavailable as exc:
                report_translation_failure(exc, source, language)
                continue
            # A machine wrote it unless staff have corrected both title and answer (then it is curated).
            return LocalizedEntry(title.text, answer.text, language, title.machine or answer.machine, False, source)
    chosen = fallback if fallback in FALLBACK_LANGUAGES else FALLBACK_LANGUAGES[0]
    return replace(curated(entry, chosen), fallback=True)


def report_translation_failure(error: TranslationUnavailable, source: str, target: str) -> None:
    """A translation that should have worked (a model covers the pair) did not: users get the original."""
    if isinstance(error, TranslationBusy):
        degraded.warning("busy", "machine translation is busy, serving originals meanwhile: %s", error)
    else:
        degraded.warning(f"failed:{source}>{target}", "machine translation %s->%s failed: %s", source, target, error)
