"""Telegram's `parse_mode=HTML`: turn marked-up text into plain text plus message entities.

Strict like Telegram: an unsupported tag, an unclosed or mismatched tag, or a bare `<`/`&` is a
"can't parse entities" error, which is how a bot that forgets to escape user text is caught in tests.
Entity offsets and lengths are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))*)\s*>")
_ATTR_RE = re.compile(r"([a-zA-Z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")
_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is what Telegram would say."""


@dataclass
class _Open:
    tag: str
    start: int
    attrs: dict[str, str]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(markup: str) -> tuple[str, list[dict]]:
    """Plain text and entities for Telegram-HTML `markup` (raises EntityParseError)."""
    out: list[str] = []
    length = 0  # UTF-16 length of the text produced so far
    stack: list[_Open] = []
    entities: list[dict] = []
    i = 0
    while i < len(markup):
        char = markup[i]
        if char == "<":
            match = _TAG_RE.match(markup, i)
            byte_offset = len(markup[:i].encode("utf-8"))
            if not match:
                raise EntityParseError(
                    f"Bad Request: can't parse entities: Unsupported start tag at byte offset {byte_offset}"
                )
            closing, tag, attr_text = match.group(1), match.group(2).lower(), match.group(3)
            if tag not in _TAGS:
                raise EntityParseError(
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}" at byte offset {byte_offset}'
                )
            if closing:
                if not stack or stack[-1].tag != tag:
                    raise EntityParseError(
                        f"Bad Request: can't parse entities: Unexpected end tag at byte offset {byte_offset}"
                    )
                opened = stack.pop()
                entity = _entity(opened, length)
                if entity is not None:
                    entities.append(entity)
            else:
                attrs = {
                    m.group(1).lower(): _unescape(next(g for g in m.groups()[1:] if g is not None))
                    for m in _ATTR_RE.finditer(attr_text)
                }
                if tag == "a" and "href" not in attrs:
                    raise EntityParseError("Bad Request: can't parse entities: Can't find href attribute in <a> tag")
                if tag == "span" and attrs.get("class") != "tg-spoiler":
                    raise EntityParseError(
                        f'Bad Request: can\'t parse entities: Unsupported start tag "span" at byte offset {byte_offset}'
                    )
                stack.append(_Open(tag, length, attrs))
            i = match.end()
        elif char == "&":
            match = _ENTITY_RE.match(markup, i)
            if not match:
                raise EntityParseError(
                    "Bad Request: can't parse entities: Unsupported HTML entity at byte offset "
                    f"{len(markup[:i].encode('utf-8'))}"
                )
            decoded = _decode_entity(match.group(1))
            out.append(decoded)
            length += utf16_len(decoded)
            i = match.end()
        elif char == ">":
            raise EntityParseError(
                "Bad Request: can't parse entities: Unexpected character '>' at byte offset "
                f"{len(markup[:i].encode('utf-8'))}"
            )
        else:
            out.append(char)
            length += utf16_len(char)
            i += 1
    if stack:
        raise EntityParseError(
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1].tag}\""
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _entity(opened: _Open, end: int) -> dict | None:
    if end == opened.start:
        return None  # Telegram drops empty entities
    entity: dict = {"type": _TAGS[opened.tag], "offset": opened.start, "length": end - opened.start}
    if opened.tag == "a":
        entity["url"] = opened.attrs["href"]
    if opened.tag == "pre" and "language" in opened.attrs:
        entity["language"] = opened.attrs["language"]
    return entity


def _decode_entity(name: str) -> str:
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    if name in _ENTITIES:
        return _ENTITIES[name]
    raise EntityParseError(f'Bad Request: can\'t parse entities: Unsupported HTML entity "&{name};"')


def _unescape(value: str) -> str:
    return _ENTITY_RE.sub(lambda m: _decode_entity(m.group(1)), value)
