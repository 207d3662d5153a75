"""Greetings, thanks, goodbyes and "what can you do?": friendly replies, not knowledge-base answers."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from intents.normalize import STOP_WORDS, normalize
from intents.stopwords import RAW_SMALL_TALK

SmallTalk = Literal["greeting", "thanks", "bye", "capabilities"]

_CAPABILITY_QUESTIONS = """
was kannst du | was kannst du machen | wer bist du | was bist du | wobei hilfst du | wie funktioniert das
what can you do | who are you | what are you | what do you do | how does this work | what is this bot
ماذا تستطيع ان تفعل | شو بتعمل | شو بتقدر تعمل | من انت | مين انت | كيف تساعدني | ماذا تفعل
چه کاری میتونی بکنی | تو کی هستی | چه کمکی میتونی بکنی | چکار میکنی
що ти вмієш | хто ти | чим ти можеш допомогти | як це працює
что ты умеешь | кто ты | чем ты можешь помочь | как это работает
ne yapabilirsin | sen kimsin | bana nasil yardim edebilirsin | bu bot ne yapar
"""


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, SmallTalk]:
    words: dict[str, SmallTalk] = {}
    for kind in ("greeting", "bye", "thanks"):  # later kinds win: "thanks, bye" is thanks
        for word in normalize(RAW_SMALL_TALK[kind]).split():
            words[word] = kind
    return words


@lru_cache(maxsize=1)
def _fillers() -> frozenset[str]:
    return frozenset(normalize(RAW_SMALL_TALK["filler"]).split())


@lru_cache(maxsize=1)
def _capability_questions() -> tuple[str, ...]:
    return tuple(normalize(q) for q in _CAPABILITY_QUESTIONS.replace("\n", "|").split("|") if q.strip())


def classify_small_talk(text: str) -> SmallTalk | None:
    """The kind of small talk `text` is, or None when it carries a real question."""
    folded = normalize(text)
    if not folded or len(folded) > 80:
        return None
    best = process.extractOne(folded, _capability_questions(), scorer=fuzz.ratio, score_cutoff=85)
    if best is not None:
        return "capabilities"
    lexicon = _lexicon()
    kinds: list[SmallTalk] = []
    for word in folded.split():
        if word in lexicon:
            kinds.append(lexicon[word])
        elif word not in STOP_WORDS and word not in _fillers() and word not in ("bot", "lotse"):
            return None  # a content word: this is a question, not small talk
    if not kinds:
        return None
    for kind in ("thanks", "bye", "greeting"):
        if kind in kinds:
            return kind
    return None
