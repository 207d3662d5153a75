"""The fake Bot API parses Telegram HTML as strictly as Telegram."""

import pytest

from fake_telegram.html import EntityParseError, parse_html


def test_entities_and_utf16_offsets() -> None:
    text, entities = parse_html('😀 <b>fett</b> &amp; <a href="https://example.org/?a=1&amp;b=2">link</a>')
    assert text == "😀 fett & link"
    bold, link = entities
    assert bold == {"type": "bold", "offset": 3, "length": 4}  # the emoji is two UTF-16 units
    assert link["type"] == "text_link" and link["url"] == "https://example.org/?a=1&b=2"


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a </b>", "Unexpected end tag"),
        ("<b><i>x</b></i>", "Unexpected end tag"),
        ("1 < 2", "Unsupported start tag"),
        ("Tom & Jerry", "Unsupported HTML entity"),
        ("<a>x</a>", "href"),
    ],
)
def test_invalid_markup_is_rejected_like_telegram(markup: str, message: str) -> None:
    with pytest.raises(EntityParseError, match="can't parse entities") as info:
        parse_html(markup)
    assert message in str(info.value)


def test_escaped_user_text_passes() -> None:
    from html import escape

    raw = '<img src=x onerror="alert(1)"> & <b>'
    text, entities = parse_html(escape(raw))
    assert text == raw and entities == []
