"""Telegram text mechanics: bidirectional text and splitting HTML at Telegram's message limit.

Right-to-left messages (Arabic, Persian) carry a right-to-left mark at the start of every line, so
that a line starting with a number or a German word still reads right to left; within a line every run
of left-to-right text (phone numbers such as "116 016", German terms, URLs, e-mail addresses, paragraph
numbers) is wrapped in Unicode isolates (LRI ... PDI), so that the Unicode bidi algorithm, which
Telegram's apps apply, keeps its parts in their order. Without them "116 016" shows as "016 116".

Telegram counts a message's length after parsing its HTML, in UTF-16 code units: tags do not count,
an entity like `&lt;` is one character, and a character outside the Basic Multilingual Plane (most
emoji) counts twice. The splitter measures the same way. It cuts only between characters, never inside
a tag or an entity, between the halves of a surrogate pair or before a combining mark; an element open
at a cut (`<b>`, `<a href=...>`) is closed at the end of the part and opened again at the start of the
next one, so that every part is valid Telegram HTML on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

TELEGRAM_TEXT_LIMIT = 4096
RLM = "\u200f"
LRI = "\u2066"  # left-to-right isolate
FSI = "\u2068"  # first-strong isolate: the direction of whatever the isolated text starts with
PDI = "\u2069"  # pop directional isolate (ends LRI and FSI)

_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>|&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);|.", re.S)
_NAMED_ENTITIES = frozenset({"&lt;", "&gt;", "&amp;", "&quot;"})
_WHITESPACE = (" ", "\n")
# Variation selectors, emoji skin tones and tag characters belong to the character before them.
_JOINED_TO_PREVIOUS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x1F3FB, 0x1F3FF), (0xE0020, 0xE007F))


def right_to_left(html: str) -> str:
    """A right-to-left mark on every line, and every left-to-right run within it isolated."""
    return "\n".join(RLM + isolate_left_to_right(line) for line in html.split("\n"))


def isolate_free_text(text: str) -> str:
    """Text of unknown direction (a staff member's reply, a user's words) shown inside a right-to-left
    message: each line isolated with FSI, so a German line keeps its full stop on the right."""
    return "\n".join(FSI + line + PDI if line.strip() else line for line in text.split("\n"))


# Inside a left-to-right run: letters and digits, and these between them (spaces, punctuation of numbers,
# addresses, URLs, e-mail addresses, § references).
_RUN_JOINERS = frozenset(" .,:/-–_@&+()'’%#=?~\u00a0\u202f")
_RUN_STARTERS = frozenset("§+")


def _strong_ltr(char: str) -> bool:
    """A letter of a left-to-right script, or a digit (European or Arabic-Indic: a number group)."""
    return unicodedata.bidirectional(char) in ("L", "EN", "AN") and unicodedata.category(char)[0] in "LN"


def isolate_left_to_right(html: str) -> str:
    """Wrap every left-to-right run of the text of `html` (not its tags or entities) in LRI ... PDI."""
    units = _tokens(html)
    out: list[str] = []
    index = 0
    while index < len(units):
        unit = units[index]
        char = _unit_char(unit)
        if char and (_strong_ltr(char) or (char in _RUN_STARTERS and _run_follows(units, index + 1))):
            end = _run_end(units, index)
            out.append(LRI + "".join(u.raw for u in units[index:end]) + PDI)
            index = end
        else:
            out.append(unit.raw)
            index += 1
    return "".join(out)


def _unit_char(unit: _Token) -> str:
    """The character a text unit shows ('' for tags); entities stand for what they decode to."""
    if not unit.is_text:
        return ""
    if unit.raw.startswith("&") and len(unit.raw) > 1:
        return {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"'}.get(unit.raw, "?")
    return unit.raw


def _run_follows(units: list[_Token], index: int) -> bool:
    """Whether a left-to-right letter or digit follows, after joiners only ("§ 31", "+49 ...")."""
    while index < len(units):
        char = _unit_char(units[index])
        if char and _strong_ltr(char):
            return True
        if not char or char not in _RUN_JOINERS:
            return False
        index += 1
    return False


def _run_end(units: list[_Token], start: int) -> int:
    """The end of the run starting at `start`: after its last letter or digit (joiners count only between
    two of them), plus a closing bracket or per cent sign that belongs to it."""
    end = start + 1
    index = start + 1
    depth = 0  # brackets opened inside the run; a closing bracket of an outer pair ends it
    while index < len(units):
        char = _unit_char(units[index])
        if not char:
            break
        if _strong_ltr(char) or unicodedata.category(char) in ("Mn", "Mc"):
            end = index + 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
            end = index + 1
        elif char == "(":
            depth += 1
        elif char not in _RUN_JOINERS:
            break
        index += 1
    if end < len(units) and _unit_char(units[end]) == "%":
        end += 1
    elif end + 1 < len(units) and _unit_char(units[end]) == " " and _unit_char(units[end + 1]) == "%":
        end += 2
    return end


def telegram_length(html: str) -> int:
    """The length Telegram gives this HTML: its visible text in UTF-16 code units."""
    return sum(token.width for token in _tokens(html))


def split_paragraphs(paragraphs: Sequence[str], limit: int) -> list[str]:
    """Pack paragraphs into messages of at most `limit` (Telegram's length, see `telegram_length`); an
    oversized paragraph is cut at a line break, else at a space, else between two characters."""
    pieces = [piece for paragraph in paragraphs for piece in _split_long(paragraph, limit)]
    messages: list[str] = []
    current, width = "", 0
    for piece, piece_width in pieces:
        if current and width + 2 + piece_width <= limit:
            current, width = f"{current}\n\n{piece}", width + 2 + piece_width
        else:
            if current:
                messages.append(current)
            current, width = piece, piece_width
    if current:
        messages.append(current)
    return messages or [""]


@dataclass(frozen=True)
class _Token:
    raw: str
    width: int  # UTF-16 code units Telegram counts (0 for tags)
    tag: str = ""  # the element's name, for tags
    closing: bool = False

    @property
    def is_text(self) -> bool:
        return not self.tag


def _tokens(html: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(html):
        raw = match.group()
        if match.group(2):
            tokens.append(_Token(raw, 0, match.group(2).lower(), bool(match.group(1))))
        elif raw.startswith("&") and len(raw) > 1:
            tokens.append(_Token(raw, _entity_width(raw)))
        else:
            tokens.append(_Token(raw, 2 if ord(raw) > 0xFFFF else 1))
    return tokens


def _entity_width(raw: str) -> int:
    if raw in _NAMED_ENTITIES:
        return 1
    if raw.startswith("&#"):
        digits = raw[2:-1]
        code = int(digits[1:], 16) if digits.startswith("x") else int(digits)
        if 0 < code < 0x10FFFF:
            return 2 if code > 0xFFFF else 1
    return len(raw)  # an entity Telegram does not decode stays as it is written


def _split_long(html: str, limit: int) -> list[tuple[str, int]]:
    """`html` in parts of at most `limit`, each with its length."""
    tokens = _tokens(html)
    width = sum(token.width for token in tokens)
    if width <= limit:
        return [(html, width)]
    parts: list[tuple[str, int]] = []
    reopen: list[_Token] = []  # elements open at the last cut, opened again at the start of this part
    start = 0
    while start < len(tokens):
        cut = _cut(tokens, start, limit)
        body = tokens[start:cut]
        while body and body[-1].is_text and body[-1].raw in _WHITESPACE:
            body.pop()
        open_now = _still_open(reopen, tokens[start:cut])
        part = (
            "".join(t.raw for t in reopen)
            + "".join(t.raw for t in body)
            + "".join(f"</{t.tag}>" for t in reversed(open_now))
        )
        parts.append((part, sum(t.width for t in body)))
        reopen, start = open_now, cut
        while start < len(tokens):  # no part starts with the space cut at, or with an element's end
            token = tokens[start]
            if token.is_text and token.raw in _WHITESPACE:
                start += 1
            elif token.closing and reopen and reopen[-1].tag == token.tag:
                reopen.pop()
                start += 1
            else:
                break
    return [(part, width) for part, width in parts if width > 0]


def _cut(tokens: list[_Token], start: int, limit: int) -> int:
    """Where the part starting at `start` ends: the last line break that fits (if it is past the middle),
    else the last space, else the last place between two characters, never after an element's start."""
    width = 0
    newline = space = anywhere = 0
    newline_width = 0
    for index in range(start, len(tokens)):
        token = tokens[index]
        if not token.is_text:
            continue
        if width + token.width > limit:
            break
        if width > 0:
            if token.raw == "\n":
                newline, newline_width = index, width
            elif token.raw == " ":
                space = index
            elif _may_cut_before(tokens, index):
                anywhere = index
        width += token.width
    else:
        return len(tokens)
    if newline and (newline_width * 2 >= limit or not space):
        cut = newline
    else:
        cut = space or newline or anywhere or index
    while cut > start + 1 and not tokens[cut - 1].is_text and not tokens[cut - 1].closing:
        cut -= 1  # an element that starts right at the cut goes to the next part whole
    return max(cut, _first_text(tokens, start) + 1)


def _first_text(tokens: list[_Token], start: int) -> int:
    return next((i for i in range(start, len(tokens)) if tokens[i].is_text), len(tokens) - 1)


def _may_cut_before(tokens: list[_Token], index: int) -> bool:
    """False inside a grapheme: before a combining mark, joiner, variation selector or skin tone, after a
    zero-width joiner, or between the two halves of a flag."""
    char = tokens[index].raw
    previous = next((tokens[i].raw for i in range(index - 1, -1, -1) if tokens[i].is_text), "")
    if len(char) != 1 or len(previous) != 1:
        return True
    code, before = ord(char), ord(previous)
    if unicodedata.category(char) in ("Mn", "Mc", "Me") or code == 0x200D or before == 0x200D:
        return False
    if any(low <= code <= high for low, high in _JOINED_TO_PREVIOUS):
        return False
    return not (0x1F1E6 <= code <= 0x1F1FF and 0x1F1E6 <= before <= 0x1F1FF)


def _still_open(reopened: list[_Token], tokens: list[_Token]) -> list[_Token]:
    """The start tags still open after `tokens`, given the elements reopened before them."""
    stack = list(reopened)
    for token in tokens:
        if token.tag and not token.closing:
            stack.append(token)
        elif token.closing and stack and stack[-1].tag == token.tag:
            stack.pop()
    return stack
