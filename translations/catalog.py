"""Gettext catalogs for every user-facing string (Babel); English msgids are the source text.

Translators work in `locale/<lang>/LC_MESSAGES/lotse.po`; the catalogs are compiled in memory when
first used, so a corrected `.po` file takes effect on the next start without a build step. The staff web
app has a domain of its own (`admin`: `locale/{de,en}/LC_MESSAGES/admin.po`), loaded the same way.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from translations.languages import LANGUAGE_NAMES as LANGUAGE_NAMES  # re-exported: each language named in itself

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "lotse"
SOURCE_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it later where it is shown."""
    return message


def po_path(language: str, domain: str = DOMAIN) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def catalog_languages() -> list[str]:
    """Languages with a catalog on disk, plus the source language."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return [SOURCE_LANGUAGE, *[lang for lang in found if lang != SOURCE_LANGUAGE]]


@lru_cache(maxsize=32)
def translations(language: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The compiled catalog of `domain` for `language`; a language without a catalog (English, the source
    of the bot's domain, or an unknown one) gets the msgids."""
    path = po_path(language, domain)
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


# Machine-translated catalogs for languages without a curated one, built at run time from the template.
_machine_catalogs: dict[str, dict[str, str]] = {}


def template_messages() -> list[str]:
    """Every msgid of the template (translations/locale/lotse.pot)."""
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as handle:
        return [message.id for message in read_po(handle) if message.id and isinstance(message.id, str)]


def register_machine_catalog(language: str, messages: dict[str, str]) -> None:
    """Serve `messages` (msgid -> machine translation) for a language that has no curated catalog."""
    if po_path(language).exists() or language == SOURCE_LANGUAGE:
        raise ValueError(f"{language} has a curated catalog; curated text always wins")
    _machine_catalogs[language] = dict(messages)


# A few machine-translated strings prepared ahead of the whole catalog (the emergency card must never wait).
_machine_strings: dict[str, dict[str, str]] = {}


def has_machine_catalog(language: str) -> bool:
    return language in _machine_catalogs


def register_machine_strings(language: str, messages: dict[str, str]) -> None:
    """Serve these machine translations for a language without a curated catalog until its whole
    machine catalog is registered."""
    if po_path(language).exists() or language == SOURCE_LANGUAGE:
        raise ValueError(f"{language} has a curated catalog; curated text always wins")
    _machine_strings.setdefault(language, {}).update(messages)


def has_machine_strings(language: str, messages: list[str]) -> bool:
    known = _machine_catalogs.get(language) or _machine_strings.get(language) or {}
    return all(message in known for message in messages)


def translator(language: str) -> Callable[[str], str]:
    """`gettext` for one language: `_ = translator(lang)` then `_("Text")`. Curated catalogs first, then a
    registered machine catalog (or the strings prepared ahead of it); anything missing falls back to the
    English source text."""
    machine = _machine_catalogs.get(language) or _machine_strings.get(language)
    if machine is not None:
        return lambda message: machine.get(message, message)
    gettext_: Callable[[str], str] = translations(language).gettext
    return gettext_
