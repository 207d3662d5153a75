"""Right-to-left messages read correctly: checked with an implementation of the Unicode bidi algorithm
(python-bidi), which is what Telegram's apps apply when they lay out a message.

For every line of every Arabic and Persian message: the base direction is right to left, and every group
of digits (a phone number such as "116 016" or "0800 111 0 222", a paragraph such as "§ 31(2)"), every
German term, URL and e-mail address appears on screen in its own order. Without isolation "116 016"
shows as "016 116".
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from bidi import get_base_level, get_display

from bot.services import Answer, EmergencyCard, StaffReply, TranslationOrigin
from bot.services.localize import LocalizedEntry
from bot.telegram.callbacks import CallbackSigner
from bot.telegram.render import Renderer
from bot.telegram.render.text import right_to_left
from fake_telegram.html import parse_html
from knowledge import KnowledgeBase

RTL = ("ar", "fa")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
# What must keep its order: runs of Latin letters and digits with the punctuation between them.
_LTR_RUN = re.compile(r"[+§]?[0-9A-Za-zÄÖÜäöüß][0-9A-Za-zÄÖÜäöüß .,:/@_&+\-–]*[0-9A-Za-zÄÖÜäöüß]|[0-9]")
_DIGIT_GROUPS = re.compile(r"[0-9]+(?:[ \-/][0-9]+)+")


def _visible_lines(message_html: str) -> list[str]:
    """What Telegram shows for the HTML: its text (tags removed, entities decoded), line by line."""
    text, _ = parse_html(message_html)
    return [line for line in text.split("\n") if line.strip()]


def _check_line(line: str) -> list[str]:
    """Problems of one line as the bidi algorithm lays it out."""
    problems = []
    if _ARABIC_SCRIPT.search(line) and get_base_level(line) != 1:
        problems.append(f"base direction is not right to left: {line!r}")
    shown = get_display(line)
    plain = "".join(c for c in shown if unicodedata.category(c) != "Cf")  # the marks themselves are invisible
    for run in _LTR_RUN.findall(line):
        run = run.strip(" .,:-–")
        if run and run not in plain:
            problems.append(f"{run!r} does not read in its order in {line!r} (shown: {plain!r})")
    return problems


def _problems(messages: list[str]) -> list[str]:
    return [problem for message in messages for line in _visible_lines(message) for problem in _check_line(line)]


def _renderer(kb: KnowledgeBase, language: str) -> Renderer:
    return Renderer(kb, CallbackSigner(b"k" * 32), 42, language)


def test_the_check_catches_numbers_read_backwards() -> None:
    # A right-to-left mark alone (the old rendering) lets the bidi algorithm reverse the digit groups.
    assert _check_line("\u200fاتصل بالرقم 116 016 مجاناً")
    assert _check_line("\u200fالخط الساخن: 0800 111 0 222")
    assert not _check_line(right_to_left("اتصل بالرقم 116 016 مجاناً"))
    assert get_display(right_to_left("الرقم 116 016")).count("116 016") == 1


@pytest.mark.parametrize("language", RTL)
def test_every_answer_and_contact_block_reads_in_order(kb: KnowledgeBase, language: str) -> None:
    render = _renderer(kb, language)
    messages = []
    for entry in kb.entries.values():
        text = entry.texts[language]
        localized = LocalizedEntry(text.title, text.answer, language, False, False, language)
        messages += [reply.html for reply in render.answer(Answer(entry, localized, 90.0, 7))]
    assert len(messages) >= len(kb.entries)
    assert any(_DIGIT_GROUPS.search(line) for m in messages for line in _visible_lines(m))
    assert _problems(messages) == []


@pytest.mark.parametrize("language", RTL)
def test_phone_numbers_keep_ascii_digits(kb: KnowledgeBase, language: str) -> None:
    for entry in kb.entries.values():
        answer = entry.texts[language].answer
        assert not re.search(r"[\u0660-\u0669\u06f0-\u06f9]{3}", answer), f"{entry.id}: digits not in ASCII"


@pytest.mark.parametrize("language", RTL)
def test_interface_screens_read_in_order(kb: KnowledgeBase, language: str) -> None:
    render = _renderer(kb, language)
    screens = [*render.welcome(), *render.help(), *render.language_picker(["de", "en", "ar", "fa"])]
    assert _problems([reply.html for reply in screens]) == []


def test_a_german_staff_reply_keeps_its_full_stop_on_the_right(kb: KnowledgeBase) -> None:
    render = _renderer(kb, "ar")
    reply = StaffReply(
        case_message_id=5,
        language="ar",
        original="x",
        text="Ihr Termin ist am Montag um 10 Uhr.",
        origin=TranslationOrigin.NONE,
    )
    messages = [r.html for r in render.staff_reply(reply)]
    line = next(line for m in messages for line in _visible_lines(m) if "Termin" in line)
    shown = "".join(c for c in get_display(line) if unicodedata.category(c) != "Cf")
    assert "Ihr Termin ist am Montag um 10 Uhr." in shown
    assert _problems(messages) == []


def test_html_in_isolated_text_stays_escaped(kb: KnowledgeBase) -> None:
    render = _renderer(kb, "ar")
    reply = StaffReply(
        case_message_id=5,
        language="ar",
        original="x",
        text="<b>Bitte & danke</b> 0800 111",
        origin=TranslationOrigin.NONE,
    )
    message = render.staff_reply(reply)[0].html
    assert "<b>Bitte" not in message
    shown = "".join(c for c in parse_html(message)[0] if unicodedata.category(c) != "Cf")
    assert "<b>Bitte & danke</b> 0800 111" in shown


@pytest.mark.parametrize("language", RTL)
def test_the_emergency_card_reads_in_order(kb: KnowledgeBase, language: str) -> None:
    card = _renderer(kb, language).emergency_card(EmergencyCard("emergency", 1))
    text = "".join(parse_html(reply.html)[0] for reply in card)
    for number in ("112", "110", "116117", "116 016", "0800 111 0 111"):
        assert number in text
    assert _problems([reply.html for reply in card]) == []


@pytest.mark.parametrize("language", RTL)
def test_an_answer_shown_in_german_reads_in_order(kb: KnowledgeBase, language: str) -> None:
    entry = kb.entries["domestic-violence"]
    text = entry.texts["de"]
    german = LocalizedEntry(text.title, text.answer, "de", False, True, "de")
    parts = _renderer(kb, language).answer_in_german(Answer(entry, german, 100.0, None))
    assert _problems([reply.html for reply in parts]) == []


@pytest.mark.parametrize("language", RTL)
def test_german_names_and_source_titles_read_whole(kb: KnowledgeBase, language: str) -> None:
    """An organisation's German name ("Notruf: 112 (Feuerwehr, Rettungsdienst) · 110 (Polizei)",
    "Hilfetelefon „Gewalt gegen Frauen“") and a source title are one left-to-right unit each: their parts
    must not be ordered right to left around the separators and quotes between them."""
    render = _renderer(kb, language)
    shown_lines = []
    for entry in kb.entries.values():
        text = entry.texts[language]
        localized = LocalizedEntry(text.title, text.answer, language, False, False, language)
        for reply in render.answer(Answer(entry, localized, 90.0, 7)):
            for line in _visible_lines(reply.html):
                shown_lines.append("".join(c for c in get_display(line) if unicodedata.category(c) != "Cf"))
    shown = "\n".join(shown_lines)
    for org in kb.organisations.values():
        if any(org.id in entry.organisations[:3] for entry in kb.entries.values()):
            assert org.name in shown, org.name
    for entry in kb.entries.values():
        for source in entry.sources:
            assert source.title in shown, source.title
