"""Which of the bot's languages a text is written in: script rules first, then lingua (offline models)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from intents.normalize import script_of

if TYPE_CHECKING:
    from lingua import LanguageDetector

_PERSIAN_LETTERS = set("پچژگکی")  # letters Persian keyboards produce and Arabic ones do not
_ARABIC_ONLY = set("ةىكيئؤإأ")
_UKRAINIAN_LETTERS = set("іїєґ")
_RUSSIAN_LETTERS = set("ыэъё")
_TURKISH_LETTERS = set("şğıİ")
_GERMAN_LETTERS = set("äöüß")


def normalize_language_code(code: str | None, supported: Collection[str]) -> str | None:
    """Map Telegram's IETF tags ('pt-br', 'de-AT', 'fa-IR') to one of `supported`, or None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-", 1)[0].lower()
    if base == "prs":  # Dari is written and read like Persian
        base = "fa"
    return base if base in supported else None


def detect_language(text: str, candidates: Sequence[str]) -> str | None:
    """The most likely language of `text` among `candidates`, or None when it cannot tell."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    scripts = Counter(script_of(c) for c in letters)
    script, _ = scripts.most_common(1)[0]
    chars = set(text)
    if script == "arabic":
        if (
            "fa" in candidates
            and chars & _PERSIAN_LETTERS
            and not (chars & _ARABIC_ONLY and len(chars & _ARABIC_ONLY) > len(chars & _PERSIAN_LETTERS))
        ):
            return "fa"
        pair = tuple(lang for lang in ("ar", "fa") if lang in candidates)
    elif script == "cyrillic":
        if "uk" in candidates and chars & _UKRAINIAN_LETTERS and not chars & _RUSSIAN_LETTERS:
            return "uk"
        if "ru" in candidates and chars & _RUSSIAN_LETTERS and not chars & _UKRAINIAN_LETTERS:
            return "ru"
        pair = tuple(lang for lang in ("uk", "ru") if lang in candidates)
    elif script == "latin":
        if "tr" in candidates and chars & _TURKISH_LETTERS:
            return "tr"
        pair = tuple(lang for lang in ("de", "en", "tr") if lang in candidates)
    else:
        return None
    if len(pair) <= 1:
        return pair[0] if pair else None
    return _lingua(pair, text)


def _lingua(languages: tuple[str, ...], text: str) -> str | None:
    detected = _detector(languages).detect_language_of(text)
    if detected is None:
        return None
    return detected.iso_code_639_1.name.lower()


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
    return LanguageDetectorBuilder.from_languages(*chosen).build()
