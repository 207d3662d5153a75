"""What Telegram does to a message's entities before it stores the message (after tdlib's fix_entities
and fix_formatted_text):

- entities are sorted: by offset, longer first, then by a fixed priority of their types;
- nothing may be nested in `code`, `pre` or `date_time` (nested entities are dropped, not an error);
- links, mentions, custom emoji, code and pre may not nest in each other (the inner one is dropped),
  blockquotes may not nest in blockquotes;
- bold, italic, underline, strikethrough and spoiler are merged where they touch and split where they
  cross another entity's boundary;
- leading and trailing spaces and newlines are trimmed from the text (entities follow).
"""

from __future__ import annotations

from typing import Any

Entity = dict[str, Any]

SPLITTABLE = ("bold", "italic", "underline", "strikethrough", "spoiler")
BLOCKQUOTES = frozenset({"blockquote", "expandable_blockquote"})
PRE = frozenset({"pre", "code", "date_time"})
CONTINUOUS = frozenset(
    {"mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number", "text_link", "text_mention"}
    | {"custom_emoji", "bank_card_number"}
)
# tdlib's type priorities (lower first among entities with the same offset and length), then its type order.
_PRIORITY = {
    "blockquote": (0, 16), "expandable_blockquote": (0, 21), "pre": (11, 8), "code": (20, 7), "date_time": (30, 22),
    "text_link": (49, 10), "text_mention": (49, 11), "mention": (50, 0), "hashtag": (50, 1), "bot_command": (50, 2),
    "url": (50, 3), "email": (50, 4), "cashtag": (50, 12), "phone_number": (50, 13), "bank_card_number": (50, 17),
    "bold": (90, 5), "italic": (91, 6), "underline": (92, 14), "strikethrough": (93, 15), "spoiler": (94, 19),
    "custom_emoji": (99, 20),
}  # fmt: skip


def sort_key(entity: Entity) -> tuple[int, int, int, int]:
    priority, order = _PRIORITY.get(entity["type"], (50, 99))
    return entity["offset"], -entity["length"], priority, order


def _end(entity: Entity) -> int:
    return int(entity["offset"] + entity["length"])


def fix_entities(entities: list[Entity]) -> list[Entity]:
    """Telegram's normal form of a set of entities (see the module docstring)."""
    entities = sorted((e for e in entities if e["length"] > 0), key=sort_key)
    if _valid(entities):
        return entities
    splittable = [e for e in entities if e["type"] in SPLITTABLE]
    blockquotes = _remove_intersecting([e for e in entities if e["type"] in BLOCKQUOTES])
    others = _remove_intersecting([e for e in entities if e["type"] not in SPLITTABLE and e["type"] not in BLOCKQUOTES])
    if blockquotes:
        others = sorted(_outside_blockquotes(others, blockquotes) + blockquotes, key=sort_key)
    if not splittable:
        return others
    return sorted(_split(splittable, others) + others, key=sort_key)


def _valid(entities: list[Entity]) -> bool:
    """Whether the sorted entities are already in normal form (tdlib's are_entities_valid)."""
    last_end = {kind: -1 for kind in SPLITTABLE}
    stack: list[Entity] = []
    for entity in entities:
        while stack and entity["offset"] >= _end(stack[-1]):
            stack.pop()
        if stack:
            kinds = {e["type"] for e in stack}
            parent = stack[-1]["type"]
            if (
                _end(entity) > _end(stack[-1])
                or entity["type"] in kinds
                or parent in PRE
                or (entity["type"] in PRE and kinds - BLOCKQUOTES)
                or ((entity["type"] in CONTINUOUS or entity["type"] in BLOCKQUOTES) and kinds & CONTINUOUS)
                or (entity["type"] in BLOCKQUOTES and kinds & BLOCKQUOTES)
                or kinds & set(SPLITTABLE)
            ):
                return False
        if entity["type"] in SPLITTABLE:
            if last_end[entity["type"]] >= entity["offset"]:
                return False  # touches or overlaps one of its kind: to be merged
            last_end[entity["type"]] = _end(entity)
        stack.append(entity)
    return True


def _remove_intersecting(entities: list[Entity]) -> list[Entity]:
    """Keep an entity only if it starts after the end of the last one kept (nested ones go too)."""
    kept: list[Entity] = []
    last_end = 0
    for entity in entities:
        if entity["offset"] >= last_end:
            kept.append(entity)
            last_end = _end(entity)
    return kept


def _outside_blockquotes(entities: list[Entity], blockquotes: list[Entity]) -> list[Entity]:
    """Drop entities that cross a blockquote's boundary (inside one is fine)."""
    kept = []
    index = 0
    for entity in entities:
        while index < len(blockquotes) and _end(blockquotes[index]) <= entity["offset"]:
            index += 1
        if index < len(blockquotes):
            quote = blockquotes[index]
            if _end(quote) < _end(entity) or entity["offset"] < quote["offset"] < _end(entity):
                continue
        kept.append(entity)
    return kept


def _split(splittable: list[Entity], others: list[Entity]) -> list[Entity]:
    """Merge touching bold/italic/... runs, cut them at the other entities' boundaries, and drop the
    pieces inside code and pre (tdlib's split_entities)."""
    begin = dict.fromkeys(SPLITTABLE, 0)
    end = dict.fromkeys(SPLITTABLE, 0)
    result: list[Entity] = []
    position = 0

    def flush(offset: int) -> None:
        for kind in SPLITTABLE:
            if end[kind] != 0 and begin[kind] < offset:
                if end[kind] <= offset:
                    result.append({"type": kind, "offset": begin[kind], "length": end[kind] - begin[kind]})
                    begin[kind] = end[kind] = 0
                else:
                    result.append({"type": kind, "offset": begin[kind], "length": offset - begin[kind]})
                    begin[kind] = offset

    def add_until(limit: int) -> None:
        nonlocal position
        while position < len(splittable) and splittable[position]["offset"] < limit:
            entity = splittable[position]
            kind = entity["type"]
            if end[kind] != 0 and entity["offset"] <= end[kind]:
                end[kind] = max(end[kind], _end(entity))
            else:
                flush(entity["offset"])
                begin[kind], end[kind] = entity["offset"], _end(entity)
            position += 1
        flush(limit)

    stack: list[Entity] = []

    def advance_to(offset: int) -> None:
        while stack and offset >= _end(stack[-1]):
            before = len(result)
            add_until(_end(stack[-1]))
            if stack[-1]["type"] in PRE:
                del result[before:]  # nothing survives inside code and pre
            stack.pop()
        add_until(offset)

    for other in others:
        advance_to(other["offset"])
        stack.append(other)
    advance_to(2**62)
    return result


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip leading and trailing spaces and newlines as Telegram does (entity offsets follow)."""
    stripped_end = text.rstrip(" \n")
    if len(stripped_end) < len(text):
        limit = _utf16(stripped_end)
        entities = [dict(e) for e in entities if e["offset"] < limit]
        for entity in entities:
            entity["length"] = min(entity["length"], limit - entity["offset"])
        entities = sorted(entities, key=sort_key)
        text = stripped_end
    first_entity = min((e["offset"] for e in entities), default=len(text))
    lead = 0
    while lead < min(first_entity, len(text)) and text[lead] in " \n":
        lead += 1
    if lead:
        text = text[lead:]
        entities = [{**e, "offset": e["offset"] - lead} for e in entities]
    return text, entities


def _utf16(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
