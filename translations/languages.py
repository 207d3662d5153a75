"""The languages Lotse knows: seven with curated text, more through machine translation.

Each language is named in itself (for the language picker). A machine-only language is offered only
while an installed translation model covers it (see `offered_languages`).
"""

from __future__ import annotations

from collections.abc import Callable

CURATED_LANGUAGES: tuple[str, ...] = ("de", "en", "ar", "fa", "uk", "ru", "tr")

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


def offered_languages(machine_covers: Callable[[str], bool]) -> list[str]:
    """The curated languages, then every candidate `machine_covers(code)` says a model reaches."""
    return [*CURATED_LANGUAGES, *(code for code in MACHINE_CANDIDATES if machine_covers(code))]
