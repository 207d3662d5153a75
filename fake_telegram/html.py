"""Telegram's `parse_mode=HTML`: turn marked-up text into plain text plus message entities.

It follows the parser Telegram's Bot API server runs (tdlib's `parse_html`), errors worded the same:

- tags: `b strong i em u ins s strike del tg-spoiler span class="tg-spoiler" a href tg-emoji emoji-id
  tg-time unix format code pre blockquote [expandable]`, names case-insensitive; any other tag is
  `Unsupported start tag "div" at byte offset N` (N counts UTF-8 bytes of the markup);
- `<` always starts a tag, so an unescaped `<` is an error (`1 < 2`: `Unsupported start tag ""`);
  `>` needs no escaping;
- the named entities `&lt; &gt; &amp; &quot;` and numeric ones (`&#228;`, `&#xE4;`), the `;` optional;
  an `&` that starts none of them is kept as it is (`Tom & Jerry`, `&nbsp;`): Telegram accepts that;
- end tags must match (`</>` closes whatever is open); an element left open is `Can't find end tag
  corresponding to start tag "b"`.

What Telegram then does to the entities (drop what is nested in `code`/`pre`, merge and split bold and
friends, drop links it cannot use) is in `fake_telegram.entities`; `parse_html` returns its result.
Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from fake_telegram.entities import fix_entities
from fake_telegram.links import checked_link, link_user_id

SUPPORTED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "tg-time", "span"}
    | {"pre", "code", "blockquote"}
)
_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler",
    "span": "spoiler",
}  # fmt: skip
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\r\n\0\v"  # tdlib's is_space; "\0" also stands for the end of the markup
_HEX = "0123456789abcdefABCDEF"
_DIGITS = "0123456789"
_DATE_FORMAT_CHARS = frozenset("tTdDwW")
PREFIX = "Bad Request: can't parse entities: "


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is what Telegram would say."""


@dataclass
class _Open:
    tag: str
    argument: str
    date: int
    start: int  # UTF-16 offset in the text
    index: int  # position in the output characters


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def default_user(user_id: int) -> dict[str, Any] | None:
    return {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}


def parse_html(
    markup: str, *, user: Callable[[int], dict[str, Any] | None] = default_user
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities for Telegram-HTML `markup` (raises EntityParseError).

    `user(id)` gives the User object for a `tg://user?id=` mention, or None: then the mention is dropped.
    """
    s = markup + "\0"
    end = len(markup)
    out: list[str] = []
    utf16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    bad_unicode = False
    i = 0
    while i < end:
        char = s[i]
        if char == "&":
            code, after = _decode_entity(s, i)
            if code:
                out.append(chr(code))
                utf16 += 2 if code > 0xFFFF else 1
                bad_unicode = bad_unicode or 0xD800 <= code <= 0xDFFF
                i = after
                continue
        if char != "<":
            out.append(char)
            utf16 += 2 if ord(char) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        i += 1
        if s[i] != "/":
            i, opened = _start_tag(s, i, begin, markup)
            stack.append(_Open(opened[0], opened[1], opened[2], utf16, len(out)))
        else:
            if not stack:
                _fail(f"Unexpected end tag at byte offset {_bytes(markup, begin)}")
            while s[i] not in _SPACE and s[i] != ">":
                i += 1
            end_tag = _lower(s[begin + 2 : i])
            while s[i] in _SPACE and s[i] != "\0":
                i += 1
            if s[i] != ">":
                _fail(f"Unclosed end tag at byte offset {_bytes(markup, begin)}")
            opened_tag = stack[-1]
            if end_tag and end_tag != opened_tag.tag:
                _fail(
                    f"Unmatched end tag at byte offset {_bytes(markup, begin)}, "
                    f'expected "</{opened_tag.tag}>", found "</{end_tag}>"'
                )
            if utf16 > opened_tag.start:
                _close(opened_tag, utf16, "".join(out[opened_tag.index :]), entities, user)
            stack.pop()
        i += 1  # past ">"
    if stack:
        _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    if bad_unicode:
        _fail(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return "".join(out), fix_entities(entities)


def _start_tag(s: str, i: int, begin: int, markup: str) -> tuple[int, tuple[str, str, int]]:
    """Read a start tag from after its `<`; returns the position of its `>` and (tag, argument, date)."""
    while s[i] not in _SPACE and s[i] != ">":
        i += 1
    if s[i] == "\0":
        _fail(f"Unclosed start tag at byte offset {_bytes(markup, begin)}")
    tag = _lower(s[begin + 1 : i])
    if tag not in SUPPORTED_TAGS:
        _fail(f'Unsupported start tag "{tag}" at byte offset {_bytes(markup, begin)}')
    argument = ""
    date = 0
    while s[i] != ">":
        while s[i] != "\0" and s[i] in _SPACE:
            i += 1
        if s[i] == ">":
            break
        name_start = i
        while s[i] not in _SPACE and s[i] not in "=>/\"'":
            i += 1
        name = s[name_start:i]
        if not name:
            _fail(f'Empty attribute name in the tag "{tag}" at byte offset {_bytes(markup, begin)}')
        while s[i] != "\0" and s[i] in _SPACE:
            i += 1
        if s[i] != "=":
            if s[i] == "\0":
                _fail(f'Unclosed start tag "{tag}" at byte offset {_bytes(markup, begin)}')
            if tag == "blockquote" and name == "expandable":
                argument = "1"
            continue
        i += 1
        while s[i] != "\0" and s[i] in _SPACE:
            i += 1
        if s[i] == "\0":
            _fail(f'Unclosed start tag "{tag}" at byte offset {_bytes(markup, begin)}')
        if s[i] not in "'\"":
            token_start = i
            while (s[i].isascii() and s[i].isalnum()) or s[i] in ".-":
                i += 1
            value = _lower(s[token_start:i])
            if s[i] not in _SPACE and s[i] != ">":
                _fail(f"Unexpected end of name token at byte offset {_bytes(markup, token_start)}")
        else:
            quote = s[i]
            i += 1
            chars: list[str] = []
            while s[i] != quote and s[i] != "\0":
                if s[i] == "&":
                    code, after = _decode_entity(s, i)
                    if code:
                        chars.append(chr(code))
                        i = after
                        continue
                chars.append(s[i])
                i += 1
            if s[i] == quote:
                i += 1
            value = "".join(chars)
        if s[i] == "\0":
            _fail(f"Unclosed start tag at byte offset {_bytes(markup, begin)}")
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
        elif tag == "blockquote" and name == "expandable":
            argument = "1"
        elif tag == "tg-time" and name == "unix":
            date = _leading_int(value)
        elif tag == "tg-time" and name == "format":
            argument = value
    if tag == "span" and argument != "spoiler":
        _fail(f'Tag "span" must have class "tg-spoiler" at byte offset {_bytes(markup, begin)}')
    return i, (tag, argument, date)


def _close(
    opened: _Open,
    end: int,
    inner_text: str,
    entities: list[dict[str, Any]],
    user: Callable[[int], dict[str, Any] | None],
) -> None:
    """The entity an element makes, as Telegram makes it when the element closes."""
    offset, length, tag = opened.start, end - opened.start, opened.tag
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    if tag in _SIMPLE:
        entities.append({"type": _SIMPLE[tag], "offset": offset, "length": length})
    elif tag == "tg-emoji":
        if not _is_int64(opened.argument) or int(opened.argument) == 0:
            _fail("Invalid custom emoji identifier specified")
        entities.append(
            {"type": "custom_emoji", "offset": offset, "length": length, "custom_emoji_id": opened.argument}
        )
    elif tag == "tg-time":
        if opened.argument not in ("r", "R") and not set(opened.argument) <= _DATE_FORMAT_CHARS:
            _fail("Invalid date format used")
        if opened.date > 0:
            entity: dict[str, Any] = {"type": "date_time", "offset": offset, "length": length}
            entity["unix_time"] = opened.date
            if opened.argument:
                entity["date_time_format"] = opened.argument
            entities.append(entity)
    elif tag == "a":
        url = opened.argument or inner_text
        user_id = link_user_id(url)
        if user_id is not None:
            mentioned = user(user_id)
            if mentioned is not None:
                entities.append({"type": "text_mention", "offset": offset, "length": length, "user": mentioned})
        elif url := checked_link(url):
            entities.append({"type": "text_link", "offset": offset, "length": length, "url": url})
    elif tag == "pre":
        if last is not None and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"  # <pre><code class="language-x">: one pre entity with a language
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        if last is not None and same_span and last["type"] == "pre" and opened.argument:
            last["language"] = opened.argument  # <code class="language-x"><pre>: the same, inside out
        else:
            entity = {"type": "code", "offset": offset, "length": length}
            if opened.argument:
                entity["language"] = opened.argument
            entities.append(entity)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if opened.argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})


def _decode_entity(s: str, pos: int) -> tuple[int, int]:
    """(code point, position after it) for an HTML entity at `pos`, or (0, pos) if none starts there."""
    after = pos + 1
    if s[pos + 1] == "#":
        after += 1
        code = 0
        if s[pos + 2] == "x":
            after += 1
            while s[after] in _HEX:
                code = code * 16 + int(s[after], 16)
                after += 1
        else:
            while s[after] in _DIGITS:
                code = code * 10 + int(s[after])
                after += 1
        if code == 0 or code >= 0x10FFFF or after - pos >= 10:
            return 0, pos
    else:
        while s[after].isascii() and s[after].isalpha():
            after += 1
        named = _NAMED.get(s[pos + 1 : after])
        if named is None:
            return 0, pos
        code = ord(named)
    if s[after] == ";":
        after += 1
    return code, after


def _lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def _leading_int(text: str) -> int:
    digits = text[1:] if text.startswith("-") else text
    count = len(digits) - len(digits.lstrip(_DIGITS))
    if count == 0:
        return 0
    value = int(digits[:count]) * (-1 if text.startswith("-") else 1)
    return value if -(2**31) <= value < 2**31 else 0


def _is_int64(text: str) -> bool:
    digits = text[1:] if text.startswith("-") else text
    return bool(digits) and digits.isascii() and digits.isdigit() and -(2**63) <= int(text) < 2**63


def _bytes(markup: str, index: int) -> int:
    return len(markup[:index].encode("utf-8", "surrogatepass"))


def _fail(message: str) -> NoReturn:
    raise EntityParseError(PREFIX + message)
