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


MIN_CONFIDENT_LETTERS = 12  # below this, only letters that belong to one language make a detection confident
MIN_CONFIDENCE = 0.9


def detect_language(text: str, candidates: Sequence[str]) -> str | None:
    """The most likely language of `text` among `candidates`, or None when it cannot tell."""
    return _detect(text, tuple(candidates), confident=False)


def detect_language_confidently(text: str, candidates: Sequence[str]) -> str | None:
    """The language of `text` only when the evidence is strong: letters only one candidate uses (і, ы, پ, ş),
    or a text long enough that the statistical model is sure. A short ambiguous word ("анмельдунг", which
    Russian and Ukrainian spell alike) gives None: the conversation's language stays."""
    return _detect(text, tuple(candidates), confident=True)


@lru_cache(maxsize=1024)  # one message is looked at several times (its sender's language, emergency, matching)
def _detect(text: str, candidates: tuple[str, ...], *, confident: bool) -> str | None:
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
        pair: tuple[str, ...] = tuple(lang for lang in ("ar", "fa") if lang in candidates)
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
    if confident and len(letters) < MIN_CONFIDENT_LETTERS:
        return None
    return _lingua(pair, text, MIN_CONFIDENCE if confident else 0.0)


def _lingua(languages: tuple[str, ...], text: str, min_confidence: float) -> str | None:
    detector = _detector(languages)
    if min_confidence <= 0.0:
        detected = detector.detect_language_of(text)
        return detected.iso_code_639_1.name.lower() if detected is not None else None
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value < min_confidence:
        return None
    return str(values[0].language.iso_code_639_1.name.lower())


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages]
    return LanguageDetectorBuilder.from_languages(*chosen).build()
