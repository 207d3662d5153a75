"""The knowledge base as the rest of the product sees it: immutable, validated values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from intents.emergency import EmergencyWords
from translations.languages import CURATED_LANGUAGES

LANGUAGES = CURATED_LANGUAGES  # the languages every entry is written in (the list lives in translations.languages)


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours on some weekdays (0 = Monday)."""

    weekdays: tuple[int, ...]
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str
    sample: bool
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    hours: tuple[OpeningHours, ...] = ()
    always_open: bool = False
    source: str | None = None
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, language: str) -> str | None:
        """A short explanation of the German name in `language`, if one was written."""
        return self.labels.get(language)


@dataclass(frozen=True)
class Source:
    url: str
    title: str


@dataclass(frozen=True)
class EntryText:
    """One entry in one language."""

    language: str
    title: str
    answer: str
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    native_reviewed: bool


@dataclass(frozen=True)
class KnowledgeEntry:
    id: str
    topics: tuple[str, ...]
    organisations: tuple[str, ...]
    sources: tuple[Source, ...]
    reviewed: dt.date
    priority: str
    texts: dict[str, EntryText]
    recheck: tuple[str, ...] = ()  # what a county must re-check before going live (facts marked LIKELY/UNSURE)

    @property
    def is_emergency(self) -> bool:
        return self.priority == "emergency"

    @property
    def is_sensitive(self) -> bool:
        """Violence, a rejection or removal, a deadline: the person button is offered prominently, and a
        hand-over after it goes up the staff queue."""
        return self.priority == "sensitive"

    def text(self, language: str) -> EntryText | None:
        return self.texts.get(language)


@dataclass(frozen=True)
class KnowledgeBase:
    entries: dict[str, KnowledgeEntry]
    organisations: dict[str, Organisation]
    emergency: dict[str, EmergencyWords] = field(default_factory=dict)  # cries and danger phrases per language
    languages: tuple[str, ...] = LANGUAGES

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.entries

    def get(self, entry_id: str) -> KnowledgeEntry | None:
        return self.entries.get(entry_id)

    @property
    def emergency_entry(self) -> KnowledgeEntry | None:
        """The entry behind the emergency card (its full text is one tap away)."""
        return next((entry for entry in self.entries.values() if entry.is_emergency), None)

    def organisations_of(self, entry: KnowledgeEntry) -> list[Organisation]:
        return [self.organisations[org_id] for org_id in entry.organisations]
