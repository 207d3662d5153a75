"""The bot's interface in a language without a curated catalog: machine-translated from English once.

Every msgid of the template goes through the translation service (so through its cache: a restart
costs no new translation) with placeholders such as {date} protected; a string whose placeholders do not
survive the round trip stays in English rather than breaking the message.
"""

from __future__ import annotations

import logging
import re

from translations.catalog import (
    has_machine_catalog,
    has_machine_strings,
    po_path,
    register_machine_catalog,
    register_machine_strings,
    template_messages,
)
from translations.service import TranslationService, TranslationUnavailable

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{\w+\}")


def protect(message: str) -> tuple[str, list[str]]:
    """Replace {placeholders} with markers a translation model leaves alone (§1, §2, ...)."""
    names: list[str] = []

    def marker(match: re.Match[str]) -> str:
        names.append(match.group(0))
        return f"§{len(names)}"

    return _PLACEHOLDER.sub(marker, message), names


def restore(translated: str, names: list[str]) -> str | None:
    """Put the placeholders back; None when a marker went missing or was duplicated."""
    for index, name in enumerate(names, start=1):
        marker = f"§{index}"
        if translated.count(marker) != 1:
            return None
        translated = translated.replace(marker, name)
    return translated


async def prepare_machine_interface(service: TranslationService, language: str) -> bool:
    """Make `translator(language)` serve machine translations; False when no model reaches the language."""
    if language == "en" or po_path(language).exists() or has_machine_catalog(language):
        return True
    if not service.machine_available("en", language):
        return False
    template = template_messages()
    messages, failures = await _translate_messages(service, language, template)
    if failures:  # once per language and process: the texts stay in English, and someone should know why
        log.warning(
            "%d of %d interface texts could not be machine-translated into %s and stay in English; first error: %s",
            len(failures),
            len(template),
            language,
            failures[0],
        )
    register_machine_catalog(language, messages)
    return True


async def prepare_machine_strings(service: TranslationService, language: str, wanted: list[str]) -> bool:
    """Machine-translate a few interface strings ahead of the whole catalog (the emergency card), so that
    they never wait for the translator when needed. False when no model reaches the language."""
    if language == "en" or po_path(language).exists() or has_machine_strings(language, wanted):
        return True
    if not service.machine_available("en", language):
        return False
    messages, failures = await _translate_messages(service, language, wanted)
    if failures:
        log.warning("%d texts could not be prepared in %s: %s", len(failures), language, failures[0])
    register_machine_strings(language, messages)
    return True


async def _translate_messages(
    service: TranslationService, language: str, wanted: list[str]
) -> tuple[dict[str, str], list[str]]:
    messages: dict[str, str] = {}
    failures: list[str] = []
    for message in wanted:
        protected, names = protect(message)
        try:
            translated = await service.translate(protected, "en", language)
        except TranslationUnavailable as exc:
            failures.append(str(exc))
            continue
        restored = restore(translated.text, names)
        if restored is not None and restored.strip():
            messages[message] = restored
    return messages, failures
