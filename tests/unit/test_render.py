"""Rendering rules users notice: splitting, right-to-left lines, escaping, hours."""

import random
import re
import unicodedata

from bot.telegram.render import RLM, TELEGRAM_TEXT_LIMIT, split_paragraphs
from bot.telegram.render.text import right_to_left, telegram_length
from fake_telegram.entities import trim
from fake_telegram.html import parse_html, utf16_len


def _telegram_accepts(part: str, limit: int = TELEGRAM_TEXT_LIMIT) -> str:
    """The text Telegram makes of `part` (parsed by the fake Bot API's HTML parser, trimmed); fails the
    test if Telegram would refuse it as invalid HTML or too long."""
    text, entities = trim(*parse_html(part))
    assert text, "an empty part"
    assert utf16_len(text) <= limit, f"{utf16_len(text)} UTF-16 units"
    return text


def _visible(html: str) -> str:
    """The visible text without whitespace (cuts drop the space or line break they are made at)."""
    return re.sub(r"\s", "", parse_html(html)[0])


def test_short_paragraphs_stay_in_one_message() -> None:
    assert split_paragraphs(["a", "b"], 4096) == ["a\n\nb"]


def test_long_reply_is_split_at_paragraph_boundaries() -> None:
    paragraphs = [f"{i} " + "x" * 1500 for i in range(6)]
    parts = split_paragraphs(paragraphs, 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert len(parts) == 3
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)  # nothing lost, cut only between paragraphs


def test_oversized_paragraph_is_cut_at_spaces_not_inside_entities() -> None:
    paragraph = " ".join(["&lt;word&gt;"] * 1000)  # 12,999 characters of HTML, 6,999 for Telegram
    parts = split_paragraphs([paragraph], 4096)
    assert len(parts) == 2
    assert all(p.startswith("&lt;") and p.endswith("&gt;") for p in parts)
    assert " ".join(parts) == paragraph
    for part in parts:
        _telegram_accepts(part)


def test_length_is_what_telegram_counts() -> None:
    assert telegram_length('<b>fett</b> &amp; <a href="https://example.org/">x</a>') == 8
    assert telegram_length("😀") == 2 and telegram_length("&#x1F600;") == 2 and telegram_length("&nbsp;") == 6


def test_emoji_count_twice_and_are_never_halved() -> None:
    paragraph = "😀" * 2100  # 2,100 characters, 4,200 UTF-16 units
    parts = split_paragraphs([paragraph], 4096)
    assert len(parts) == 2 and "".join(parts) == paragraph
    for part in parts:
        _telegram_accepts(part)


def test_a_long_arabic_answer_keeps_its_marks_and_fits() -> None:
    line = "يمكنك تقديم طلب إعانة الأطفال لدى صندوق الأسرة في الوكالة الاتحادية للتوظيف"
    paragraph = right_to_left("\n".join([line] * 80))
    parts = split_paragraphs([paragraph], 4096)
    assert len(parts) == 2
    for part in parts:
        text = _telegram_accepts(part)
        assert all(row.startswith(RLM) for row in text.split("\n"))  # cut at line breaks: every line keeps its mark
    assert _visible("\n".join(parts)) == _visible(paragraph)


def test_links_do_not_count_their_address_and_a_long_link_text_is_split_inside_the_link() -> None:
    href = "https://www.arbeitsagentur.de/familie-und-kinder/kindergeld-anspruch-hoehe-dauer?" + "x=1&amp;" * 30
    links = " ".join(f'<a href="{href}">Kindergeld {i}</a>' for i in range(200))
    assert len(links) > 4096 * 12
    assert split_paragraphs([links], 4096) == [links]  # about 2,600 visible characters: one message

    long_link = f'<a href="{href}">' + " ".join(["Familienkasse"] * 600) + "</a>"
    parts = split_paragraphs([long_link], 4096)
    assert len(parts) == 3
    for part in parts:
        _telegram_accepts(part)
        entities = parse_html(part)[1]
        assert [e["type"] for e in entities] == ["text_link"] and entities[0]["url"].startswith("https://www.")
    assert _visible("".join(parts)) == _visible(long_link)


def test_a_bold_run_longer_than_the_limit_is_closed_and_reopened() -> None:
    paragraph = "Wichtig: <b>" + " ".join(["Termin"] * 1500) + "</b> Ende"
    parts = split_paragraphs([paragraph], 4096)
    assert len(parts) == 3
    for part in parts:
        text = _telegram_accepts(part)
        assert parse_html(part)[1][0]["type"] == "bold" and text
    assert parts[1].startswith("<b>") and parts[1].endswith("</b>")
    assert _visible("".join(parts)) == _visible(paragraph)


def test_an_element_starting_at_the_cut_goes_to_the_next_part_whole() -> None:
    paragraph = "x" * 10 + " <i>kursiv</i>"
    parts = split_paragraphs([paragraph], 12)
    assert parts == ["x" * 10, "<i>kursiv</i>"]


def test_no_cut_inside_an_entity_or_before_a_combining_mark_even_without_spaces() -> None:
    for paragraph, limit in (("&amp;" * 5000, 4096), ("e\u0301" * 3000, 4096), ("👍🏽" * 1500, 4096)):
        parts = split_paragraphs([paragraph], limit)
        assert len(parts) == 2 and "".join(parts) == paragraph
        for part in parts:
            _telegram_accepts(part, limit)
            assert not unicodedata.combining(parts[1][0]) and parts[1][0] != "\U0001f3fd"


def test_random_markup_always_splits_into_valid_parts() -> None:
    rng = random.Random(7)
    words = ["Amt", "Kindergeld", "😀", "مرحبا", "&lt;tag&gt;", "&amp;", "Straße", "👨‍👩‍👧", "🇩🇪", "e\u0301"]
    for _ in range(100):
        html = _random_markup(rng, words, depth=0, size=rng.randint(5, 120))
        limit = rng.randint(12, 120)
        parts = split_paragraphs([html], limit)
        for part in parts:
            _telegram_accepts(part, limit)
        assert _visible("".join(parts)) == _visible(html), (html, limit, parts)


def _random_markup(rng: random.Random, words: list[str], depth: int, size: int) -> str:
    out = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.15 and depth < 3:
            tag = rng.choice(["b", "i", "u", "code", 'a href="https://example.org/a?b=1&amp;c=2"'])
            out.append(f"<{tag}>{_random_markup(rng, words, depth + 1, rng.randint(1, 15))}</{tag.split()[0]}>")
        else:
            out.append(rng.choice(words) + rng.choice([" ", " ", " ", "\n", ""]))
    return "".join(out)


def test_rtl_mark_constant() -> None:
    assert RLM == "\u200f"


def test_a_machine_translated_interface_marks_every_message_and_explains_the_mark() -> None:
    from bot.telegram.callbacks import CallbackSigner
    from bot.telegram.render import MACHINE_MARK, Renderer
    from bot.telegram.render.base import NOTE_MACHINE_INTERFACE
    from knowledge import KnowledgeBase
    from translations.catalog import register_machine_catalog

    register_machine_catalog(
        "so", {NOTE_MACHINE_INTERFACE: "Qoraalladan waa tarjumaad mashiin.", "start again": "mar kale bilow"}
    )
    signer = CallbackSigner(b"secret")
    somali = Renderer(KnowledgeBase({}, {}), signer, 1, "so")
    welcome = somali.welcome()[0].html
    assert welcome.startswith(MACHINE_MARK) and "Qoraalladan waa tarjumaad mashiin." in welcome
    help_text = somali.help()[0].html
    assert help_text.startswith(MACHINE_MARK) and "mar kale bilow" in help_text

    for curated in ("de", "ar", "en"):
        for reply in (
            Renderer(KnowledgeBase({}, {}), signer, 1, curated).welcome()
            + Renderer(KnowledgeBase({}, {}), signer, 1, curated).help()
        ):
            assert MACHINE_MARK.strip() not in reply.html  # curated catalogs carry no machine mark
