"""The languages Lotse knows: the one place that lists them.

Seven languages have curated text (the knowledge base and the interface catalogs); more are reached
through offline machine translation, each offered only while an installed model covers it (see
`offered_languages`). Each language is named in itself, for the language picker. `intents` does not import
this module (it is a pure library): callers pass these lists in.
"""

from __future__ import annotations

from collections.abc import Callable

CURATED_LANGUAGES: tuple[str, ...] = ("de", "en", "ar", "fa", "uk", "ru", "tr")

ORIGINAL_LANGUAGE = "de"  # the knowledge base is written in German; staff read and write German
STAFF_LANGUAGE = ORIGINAL_LANGUAGE
FALLBACK_LANGUAGES: tuple[str, ...] = ("en", "de")  # what a user reads when nothing reaches their language

LANGUAGE_NAMES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    # offered only with an installed machine translation model
    "ps": "پښتو",
    "ku": "Kurdî",
    "ckb": "کوردی",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "fr": "Français",
    "sq": "Shqip",
    "es": "Español",
    "it": "Italiano",
    "pl": "Polski",
    "ro": "Română",
    "bg": "Български",
    "ur": "اردو",
    "hi": "हिन्दी",
}

MACHINE_CANDIDATES: tuple[str, ...] = tuple(code for code in LANGUAGE_NAMES if code not in CURATED_LANGUAGES)
RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "fa", "ps", "ckb", "ur"})


def is_curated(language: str) -> bool:
    return language in CURATED_LANGUAGES


def offered_languages(machine_covers: Callable[[str], bool]) -> list[str]:
    """The curated languages, then every candidate `machine_covers(code)` says a model reaches."""
    return [*CURATED_LANGUAGES, *(code for code in MACHINE_CANDIDATES if machine_covers(code))]
