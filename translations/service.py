"""One interface for every translation: `translate(text, source, target)`.

Curated text always wins: a knowledge-base title or answer is served in the other language's curated
version (the caller hands in a `CuratedLookup`). Then the persistent cache behind a `TranslationStore`
(staff-corrected rows first, then machine rows of the current model version). Only then Argos Translate,
whose output is stored, so a text is machine-translated once.

This package does not import `bot`: the cache's storage is an interface here, implemented in `bot/db`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from translations.glossary import Glossary, default_glossary
from translations.machine import (
    MachineTranslationBusy,
    MachineTranslationError,
    MachineTranslationUnavailable,
    MachineTranslator,
)

log = logging.getLogger(__name__)

CURATED_VERSION = "curated"

Origin = Literal["identity", "curated", "machine"]


class TranslationUnavailable(Exception):
    """Neither curated text, the cache nor a machine translation model can translate this."""


class TranslationBusy(TranslationUnavailable):
    """A model exists but the translation queue is full right now: trying again later may succeed."""


class UnknownCachedTranslation(LookupError):
    """No cached translation with that id (`lotse translate correct`)."""


class InvalidCorrection(ValueError):
    """A staff correction that cannot be stored (empty, or it loses a placeholder)."""


@dataclass(frozen=True)
class Translated:
    """A text in the target language, with where it came from and the original kept."""

    text: str
    source: str
    target: str
    original: str
    origin: Origin
    cached: bool = False
    model_version: str | None = None

    @property
    def machine(self) -> bool:
        """True when a machine wrote it: the user must be told so."""
        return self.origin == "machine"


@dataclass(frozen=True)
class CachedTranslation:
    """A row of the translation cache, as staff review it."""

    id: int
    source: str
    target: str
    source_text: str
    translated_text: str
    curated: bool
    model_version: str
    created_at: dt.datetime


class TranslationStore(Protocol):
    """Where translations made once are kept (implemented on the database in `bot/db`)."""

    async def find(self, text: str, source: str, target: str, versions: Sequence[str]) -> list[CachedTranslation]:
        """Stored translations of exactly `text` for the pair, of any of `versions`."""
        ...

    async def save(self, text: str, source: str, target: str, version: str, translated: str, *, curated: bool) -> None:
        """Store (or replace) the translation of `text` for the pair and version."""
        ...

    async def get(self, cache_id: int) -> CachedTranslation | None: ...

    async def awaiting_review(self, target: str | None, limit: int) -> list[CachedTranslation]:
        """Machine translations no person has corrected yet, newest first."""
        ...


class CuratedLookup(Protocol):
    """Curated text that is a translation of `text` (a knowledge-base answer in another language), or None."""

    def lookup(self, text: str, source: str, target: str) -> str | None: ...


class TranslationService:
    def __init__(
        self,
        store: TranslationStore,
        machine: MachineTranslator | None = None,
        curated: CuratedLookup | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.store = store
        self.machine = machine
        self.curated = curated
        self.glossary = glossary or default_glossary()

    def machine_available(self, source: str, target: str) -> bool:
        return self.machine is not None and self.machine.model_version(source, target) is not None

    async def translate(self, text: str, source: str, target: str, *, store: bool = True) -> Translated:
        """`text` from `source` into `target` (raises TranslationUnavailable).

        `store=False` for personal text (a user's message, a staff reply): it is translated and may be
        served from the cache, but never written to it, so it stays only where the retention rules reach it.
        """
        if source == target or not text.strip():
            return Translated(text, source, target, text, "identity")
        if self.curated is not None:
            curated = self.curated.lookup(text, source, target)
            if curated is not None:
                return Translated(curated, source, target, text, "curated")
        version = self.machine.model_version(source, target) if self.machine is not None else None
        cached = await self._cached(text, source, target, version)
        if cached is not None:
            return cached
        if self.machine is None or version is None:
            raise TranslationUnavailable(f"no curated text and no machine translation model for {source} to {target}")
        try:
            result = await self.machine.translate(text, source, target)
        except MachineTranslationBusy as exc:
            raise TranslationBusy(str(exc)) from exc
        except MachineTranslationUnavailable as exc:
            raise TranslationUnavailable(str(exc)) from exc
        except MachineTranslationError as exc:
            raise TranslationUnavailable(f"machine translation failed: {exc}") from exc
        result = self.glossary.keep_terms(text, result)  # official German terms arrive unchanged
        if store:
            await self.store.save(text, source, target, version, result, curated=False)
        return Translated(result, source, target, text, "machine", model_version=version)

    async def correct(self, text: str, source: str, target: str, corrected: str) -> Translated:
        """Staff correct a translation: from now on it is curated and served for this text."""
        await self.store.save(text, source, target, CURATED_VERSION, corrected, curated=True)
        return Translated(corrected, source, target, text, "curated", cached=True)

    async def awaiting_review(self, target: str | None = None, limit: int = 50) -> list[CachedTranslation]:
        """Machine translations in the cache that no person has corrected yet, newest first."""
        return await self.store.awaiting_review(target, limit)

    async def correct_cached(self, cache_id: int, corrected: str) -> Translated:
        """Staff correct a cached translation (by its id in `awaiting_review`)."""
        if not corrected.strip():
            raise InvalidCorrection("the corrected translation is empty")
        row = await self.store.get(cache_id)
        if row is None:
            raise UnknownCachedTranslation(f"no cached translation #{cache_id}")
        markers = sorted(set(re.findall(r"§\d+", row.source_text)))
        missing = [m for m in markers if corrected.count(m) != 1]
        if missing:  # an interface text: its placeholders must survive the correction
            raise InvalidCorrection(
                f"keep each of {' '.join(markers)} exactly once: they stand for values filled in later"
            )
        return await self.correct(row.source_text, row.source, row.target, corrected.strip())

    async def _cached(self, text: str, source: str, target: str, version: str | None) -> Translated | None:
        rows = await self.store.find(text, source, target, [CURATED_VERSION] + ([version] if version else []))
        if not rows:
            return None
        row = next((r for r in rows if r.curated), rows[0])
        origin: Origin = "curated" if row.curated else "machine"
        model_version = None if row.curated else row.model_version
        return Translated(row.translated_text, source, target, text, origin, cached=True, model_version=model_version)
