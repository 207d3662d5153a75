"""The staff web app's own gettext domain, `admin` (German for the office, English for everyone else).

Catalogs: `translations/locale/{de,en}/LC_MESSAGES/admin.po`, compiled in memory like the bot's. Templates
call `_("...")`, which returns a plain string, so whatever a translation says is escaped like any other
text (a translation cannot inject markup); placeholders are `{name}`, filled with `.format()`.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.services import STAFF_INTERFACE_LANGUAGES
from translations import LANGUAGE_NAMES, translations

DOMAIN = "admin"
LANGUAGES: tuple[str, ...] = STAFF_INTERFACE_LANGUAGES
DEFAULT_LANGUAGE = "de"


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


def gettext(language: str) -> Callable[[str], str]:
    """`_` for one interface language (an unknown one gets German, the office's language)."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    translate: Callable[[str], str] = translations(language, DOMAIN).gettext
    return translate


def language_name(code: str) -> str:
    """A language named in itself (Deutsch, English, العربية), for the switch and the queue."""
    return LANGUAGE_NAMES.get(code, code)


def negotiate(accept_language: str | None) -> str:
    """The interface language a browser asks for in `Accept-Language` (German unless it prefers English)."""
    best, best_quality = DEFAULT_LANGUAGE, -1.0
    for position, part in enumerate((accept_language or "").split(",")):
        code, _, parameters = part.strip().partition(";")
        code = code.strip().lower().split("-")[0]
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                continue
        quality -= position / 1000  # equal qualities: the first listed wins
        if code in LANGUAGES and quality > best_quality:
            best, best_quality = code, quality
    return best
