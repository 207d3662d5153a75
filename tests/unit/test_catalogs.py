"""Every UI string is extracted, translated in every catalog and keeps its placeholders: the bot's domain
`lotse` (bot/, intents/) in every curated language, the staff web app's domain `admin` (admin/, its Python
and its templates) in German and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from admin.i18n import DOMAIN as ADMIN_DOMAIN
from admin.i18n import LANGUAGES as ADMIN_LANGUAGES
from admin.i18n import gettext as admin_gettext
from translations import po_path, translator
from translations.catalog import LOCALE_DIR
from translations.languages import CURATED_LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
CATALOG_LANGUAGES = [lang for lang in CURATED_LANGUAGES if lang != "en"]


KEYWORDS = {"_": None, "N_": None, "gettext": None}


def source_messages() -> set[str]:
    """The bot's interface texts (domain `lotse`)."""
    found = set()
    for directory in ("bot", "intents"):
        for _, _, message, _, _ in extract_from_dir(ROOT / directory, keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    return found


def admin_messages() -> set[str]:
    """The staff web app's texts (domain `admin`): its Python code and its Jinja2 templates."""
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT / "admin", method_map=method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_template_is_up_to_date() -> None:
    with (LOCALE_DIR / "lotse.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert source_messages() == template, "run pybabel extract (see README) after changing UI strings"


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_catalog_is_complete(language: str) -> None:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    wanted = source_messages()
    translated = {m.id: m.string for m in catalog if m.id}
    assert wanted <= set(translated), f"missing in {language}: {wanted - set(translated)}"
    for msgid in wanted:
        message = catalog[msgid]
        assert message is not None and isinstance(message.string, str), f"{language}: {msgid!r} is not a plain string"
        assert message.string and not message.fuzzy, f"{language}: untranslated {msgid!r}"
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", message.string)), (language, msgid)
    assert [e for _, errors in catalog.check() for e in errors] == []


def test_catalogs_are_used_at_run_time() -> None:
    assert translator("de")("Talk to a person") == "Mit einem Menschen sprechen"
    assert translator("en")("Talk to a person") == "Talk to a person"
    assert translator("xx")("Talk to a person") == "Talk to a person"  # unknown language: the source text


@pytest.mark.parametrize("language", list(CURATED_LANGUAGES))
def test_answers_name_the_button_as_the_interface_does(kb, language: str) -> None:
    label = translator(language)("Talk to a person")
    assert label in kb.get("talk-to-person").text(language).answer


def test_admin_template_is_up_to_date() -> None:
    with (LOCALE_DIR / f"{ADMIN_DOMAIN}.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert admin_messages() == template, "run pybabel extract for the admin domain (see README) after changing texts"


@pytest.mark.parametrize("language", ADMIN_LANGUAGES)
def test_admin_catalog_is_complete(language: str) -> None:
    with po_path(language, ADMIN_DOMAIN).open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=ADMIN_DOMAIN)
    wanted = admin_messages()
    assert len(wanted) > 50
    for msgid in wanted:
        message = catalog[msgid]
        assert message is not None, f"{language}: missing {msgid!r}"
        assert isinstance(message.string, str) and message.string and not message.fuzzy, f"{language}: {msgid!r}"
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", message.string)), (language, msgid)
    assert [e for _, errors in catalog.check() for e in errors] == []


def test_admin_catalogs_are_used_at_run_time() -> None:
    assert admin_gettext("de")("Log in") == "Anmelden"
    assert admin_gettext("en")("Log in") == "Log in"
    assert admin_gettext("xx")("Log in") == "Anmelden"  # an unknown language: German, the office's
    assert translator("de")("Log in") == "Log in"  # the domains are apart: the bot's catalog does not have it
