"""Telegram text mechanics: right-to-left marks and splitting HTML at Telegram's message limit."""

from __future__ import annotations

from collections.abc import Sequence

TELEGRAM_TEXT_LIMIT = 4096
RLM = "\u200f"


def right_to_left(html: str) -> str:
    """A right-to-left mark on every line, so that lines starting with a number or a German word still
    read right to left."""
    return "\n".join(RLM + line for line in html.split("\n"))


def split_paragraphs(paragraphs: Sequence[str], limit: int) -> list[str]:
    """Pack paragraphs into messages of at most `limit` characters; split an oversized paragraph at
    line breaks, then at spaces outside tags and entities."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        pieces.extend(_split_long(paragraph, limit))
    messages: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = piece
    if current:
        messages.append(current)
    return messages or [""]


def _split_long(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    lines = text.split("\n")
    if len(lines) > 1:
        out: list[str] = []
        current = ""
        for line in lines:
            for chunk in _split_long(line, limit):
                candidate = f"{current}\n{chunk}" if current else chunk
                if len(candidate) <= limit:
                    current = candidate
                else:
                    out.append(current)
                    current = chunk
        if current:
            out.append(current)
        return out
    cut = _safe_cut(text, limit)
    return [text[:cut].rstrip(), *_split_long(text[cut:].lstrip(), limit)]


def _safe_cut(text: str, limit: int) -> int:
    """The last position <= limit that is a space outside a tag or an entity (else outside either)."""
    best_space = best_any = 0
    in_tag = in_entity = False
    for index, char in enumerate(text[: limit + 1]):
        if not in_tag and not in_entity:
            best_any = index
            if char == " ":
                best_space = index
        if char == "<":
            in_tag = True
        elif char == ">":
            in_tag = False
        elif char == "&":
            in_entity = True
        elif char == ";":
            in_entity = False
    return best_space or best_any or limit
