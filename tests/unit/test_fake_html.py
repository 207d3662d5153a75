"""The fake Bot API parses Telegram HTML as Telegram's Bot API server does (tdlib's parse_html): what it
accepts, what it makes of it, and what it refuses with which words."""

from html import escape

import pytest

from fake_telegram.entities import fix_entities, trim
from fake_telegram.html import EntityParseError, parse_html, utf16_len
from fake_telegram.links import checked_link, link_user_id


def test_entities_and_utf16_offsets() -> None:
    text, entities = parse_html('😀 <b>fett</b> &amp; <a href="https://example.org/?a=1&amp;b=2">link</a>')
    assert text == "😀 fett & link"
    bold, link = entities
    assert bold == {"type": "bold", "offset": 3, "length": 4}  # the emoji is two UTF-16 units
    assert link == {"type": "text_link", "offset": 10, "length": 4, "url": "https://example.org/?a=1&b=2"}


@pytest.mark.parametrize(
    ("markup", "entity"),
    [
        ("<b>x</b>", {"type": "bold"}),
        ("<strong>x</strong>", {"type": "bold"}),
        ("<i>x</i>", {"type": "italic"}),
        ("<em>x</em>", {"type": "italic"}),
        ("<u>x</u>", {"type": "underline"}),
        ("<ins>x</ins>", {"type": "underline"}),
        ("<s>x</s>", {"type": "strikethrough"}),
        ("<strike>x</strike>", {"type": "strikethrough"}),
        ("<del>x</del>", {"type": "strikethrough"}),
        ('<span class="tg-spoiler">x</span>', {"type": "spoiler"}),
        ("<tg-spoiler>x</tg-spoiler>", {"type": "spoiler"}),
        ("<B>x</B>", {"type": "bold"}),  # tag names are case-insensitive
        ("<code>x</code>", {"type": "code"}),
        ("<pre>x</pre>", {"type": "pre"}),
        ('<pre><code class="language-python">x</code></pre>', {"type": "pre", "language": "python"}),
        ("<blockquote>x</blockquote>", {"type": "blockquote"}),
        ("<blockquote expandable>x</blockquote>", {"type": "expandable_blockquote"}),
        ('<tg-emoji emoji-id="5368324170671202286">x</tg-emoji>', {"type": "custom_emoji"}),
        ('<a href="tg://resolve?domain=lotse">x</a>', {"type": "text_link", "url": "tg://resolve?domain=lotse"}),
        ('<a href="https://example.org">x</a>', {"type": "text_link", "url": "https://example.org/"}),
        ("<a href=example.org>x</a>", {"type": "text_link", "url": "http://example.org/"}),
        ('<tg-time unix="1767225600" format="wDT">x</tg-time>', {"type": "date_time", "unix_time": 1767225600}),
    ],
)
def test_every_supported_tag(markup: str, entity: dict) -> None:
    text, entities = parse_html(markup)
    assert text == "x"
    assert len(entities) == 1 and entity.items() <= entities[0].items(), entities
    assert entities[0]["offset"] == 0 and entities[0]["length"] == 1


def test_a_tg_user_link_is_a_mention_of_that_user() -> None:
    _, entities = parse_html('<a href="tg://user?id=4242">Amira</a>')
    assert entities == [
        {
            "type": "text_mention",
            "offset": 0,
            "length": 5,
            "user": {"id": 4242, "is_bot": False, "first_name": "User 4242"},
        }
    ]
    _, unknown = parse_html('<a href="tg://user?id=4242">Amira</a>', user=lambda user_id: None)
    assert unknown == []  # a user the bot cannot see: the text stays, the mention goes


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("&lt;&gt;&amp;&quot;", '<>&"'),
        ("&#228;&#xE4;&#x1F600;", "ää😀"),
        ("&lt &amp", "< &"),  # the semicolon is optional
        ("Tom & Jerry", "Tom & Jerry"),  # an & that starts no entity stays as it is
        ("&nbsp;&apos;&euro;", "&nbsp;&apos;&euro;"),  # unsupported named entities too
        ("&#0; &#X41; &#1114111;", "&#0; &#X41; &#1114111;"),  # not valid numeric references either
        ("a > b", "a > b"),  # > needs no escaping
    ],
)
def test_entities_and_characters(markup: str, text: str) -> None:
    assert parse_html(markup) == (text, [])


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("ä <p>", 'Unsupported start tag "p" at byte offset 3'),  # offsets count UTF-8 bytes
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</i>", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a </b>", "Unexpected end tag at byte offset 2"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x', "Unclosed start tag at byte offset 0"),
        ("<a href=", 'Unclosed start tag "a" at byte offset 0'),
        ("<b/>x", 'Unsupported start tag "b/" at byte offset 0'),  # no self-closing tags
        ("<i =x>", 'Empty attribute name in the tag "i" at byte offset 0'),
        ("<a href=x/y>z</a>", "Unexpected end of name token at byte offset 8"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<span class="big">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
        ('<tg-time unix="1767225600" format="x">x</tg-time>', "Invalid date format used"),
        ("&#xD83D;&#xDE00;", "Text contains invalid Unicode characters after decoding HTML entities"),
    ],
)
def test_invalid_markup_is_rejected_with_telegrams_words(markup: str, message: str) -> None:
    with pytest.raises(EntityParseError) as info:
        parse_html(markup)
    assert str(info.value).startswith("Bad Request: can't parse entities: " + message)


@pytest.mark.parametrize(
    ("markup", "text", "entities"),
    [
        ("<code><b>x</b></code>", "x", [{"type": "code", "offset": 0, "length": 1}]),
        ("<pre>a<i>b</i></pre>", "ab", [{"type": "pre", "offset": 0, "length": 2}]),
        (
            '<a href="https://a.de/">x<a href="https://b.de/">y</a></a>',
            "xy",
            [{"type": "text_link", "offset": 0, "length": 2, "url": "https://a.de/"}],
        ),
        ("<b>a</b><b>b</b>", "ab", [{"type": "bold", "offset": 0, "length": 2}]),  # touching runs merge
        (
            '<b>a<a href="https://a.de/">b</a>c</b>',
            "abc",
            [
                {"type": "bold", "offset": 0, "length": 1},
                {"type": "text_link", "offset": 1, "length": 1, "url": "https://a.de/"},
                {"type": "bold", "offset": 1, "length": 1},
                {"type": "bold", "offset": 2, "length": 1},
            ],
        ),
        (
            "<blockquote><blockquote>x</blockquote></blockquote>",
            "x",
            [{"type": "blockquote", "offset": 0, "length": 1}],
        ),
        ("<b></b>x", "x", []),  # empty elements make no entity
        ('<a href="javascript:alert(1)">x</a>', "x", []),  # a link Telegram cannot use is dropped, not an error
        (
            "<a>example.org</a>",
            "example.org",
            [{"type": "text_link", "offset": 0, "length": 11, "url": "http://example.org/"}],
        ),
        (
            "<b><i>x</i></b>",
            "x",
            [{"type": "bold", "offset": 0, "length": 1}, {"type": "italic", "offset": 0, "length": 1}],
        ),
        ("<code>&lt;b&gt;</code>", "<b>", [{"type": "code", "offset": 0, "length": 3}]),
    ],
)
def test_nesting_rules(markup: str, text: str, entities: list[dict]) -> None:
    assert parse_html(markup) == (text, entities)


def test_escaped_user_text_passes() -> None:
    raw = '<img src=x onerror="alert(1)"> & <b>'
    text, entities = parse_html(escape(raw))
    assert text == raw and entities == []


def test_links() -> None:
    assert checked_link("HTTPS://Example.ORG") == "https://example.org/"
    assert checked_link("https://example.org/a b") == "https://example.org/a%20b"
    assert checked_link("http://localhost/") == ""  # Telegram wants a dotted host
    assert checked_link("ftp://example.org/") == ""
    assert checked_link("https://example.org:0/") == ""
    assert checked_link("tg://resolve?domain=x") == "tg://resolve?domain=x"
    assert checked_link("tg://http://x") == ""
    assert link_user_id("tg://user?id=12") == 12 and link_user_id("tg://users?id=12") is None


def test_trim_follows_telegram() -> None:
    assert trim("  \nhi \n ", []) == ("hi", [])
    assert trim("x  ", [{"type": "bold", "offset": 0, "length": 3}]) == (
        "x",
        [{"type": "bold", "offset": 0, "length": 1}],
    )
    text, entities = trim("  x", [{"type": "bold", "offset": 1, "length": 2}])
    assert (text, entities) == (" x", [{"type": "bold", "offset": 0, "length": 2}])  # up to the first entity only


def test_fix_entities_sorts_like_telegram() -> None:
    entities = [{"type": "italic", "offset": 0, "length": 2}, {"type": "bold", "offset": 0, "length": 2}]
    assert [e["type"] for e in fix_entities(entities)] == ["bold", "italic"]


def test_utf16_len() -> None:
    assert utf16_len("a😀ä") == 4
