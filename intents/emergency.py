"""Emergency detection: cries for help and descriptions of acute danger, before any matching.

Two kinds of evidence, each with its own rule, so that everyday sentences do not raise a false alarm:

- a **cry for help** is a message that consists of nothing but cries ("Hilfe!", "help me please",
  "помогите", "112") and filler words ("please", "now", "I need"). Cries of every language count, in
  whatever language the user chose: an Arabic user who writes "Hilfe!" gets the card. A number counts only
  as a cry on its own ("112!", "call 110"), never inside a sentence ("I only got 110 Euro"), and "help with
  my form" is a question about the form;
- **acute danger** ("er atmet nicht", "the flat is on fire", "he is hitting me") is a phrase anywhere in a
  message, but only in the language the message is written in (the user's language, or the language the
  text is detected to be in): English "fire" inside a Turkish sentence ("fire vermek") is not a fire;
- **violence** that may be habitual ("my husband hits me", which the domestic-violence entry answers) and
  alarm words that are harmless on their own ("knife", "gas", "thief") are acute only with a word for now
  ("right now", "сейчас") or a cry for help in the same message ("помогите, роды начались").

The word lists are content (`knowledge/data/emergency.yaml`); this module only applies them. Matching is
on `normalize`d text: case, diacritics and letter variants folded. A danger phrase ending in `*` matches
any word starting with it; a letter typed twice or more counts once ("hilfeee", "schnelll"), and a
word of a cry of four or more letters may have one typo ("hlife", "yardm edn").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Levenshtein

from intents.normalize import normalize

MAX_CRY_WORDS = 12  # a longer message is not a bare cry (danger phrases still count in it)
_REPEATED_LETTER = re.compile(r"([^\W\d_])\1+")


@dataclass(frozen=True)
class EmergencyWords:
    """The emergency words of one language."""

    cries: tuple[str, ...]
    fillers: tuple[str, ...] = ()
    danger: tuple[str, ...] = ()
    alarm: tuple[str, ...] = ()  # acute only together with a `now` word or a cry
    now: tuple[str, ...] = ()


@dataclass(frozen=True)
class EmergencyHit:
    kind: Literal["cry", "danger", "alarm"]
    language: str  # whose word list it came from
    phrase: str


def _fold(text: str) -> str:
    return _REPEATED_LETTER.sub(r"\1", normalize(text))


class EmergencyDetector:
    """Applies the word lists of every language (pure and in-memory)."""

    def __init__(self, words: Mapping[str, EmergencyWords]) -> None:
        self.languages = tuple(words)
        self._cries: list[tuple[tuple[str, ...], str]] = []  # (folded words, language), longest first
        fillers: set[str] = set()
        self._danger: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._alarm: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._now: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for language, lists in words.items():
            for cry in lists.cries:
                folded = tuple(_fold(cry).split())
                if folded:
                    self._cries.append((folded, language))
            for filler in lists.fillers:
                fillers.update(_fold(filler).split())
            self._danger[language] = _phrases(lists.danger)
            self._alarm[language] = _phrases(lists.alarm)
            self._now[language] = _phrases(lists.now)
        self._cries.sort(key=lambda item: -len(item[0]))
        alarm_words = {phrase for language in words for phrase, _ in _phrases(words[language].alarm)}
        self._calls = [cry for cry, _ in self._cries if not cry[0].isdigit() and cry not in alarm_words]
        self._fillers = frozenset(fillers)

    def detect(self, text: str, languages: Iterable[str]) -> EmergencyHit | None:
        """A cry for help (any language) or acute danger in one of `languages` (the message's languages)."""
        words = _fold(text).split()
        if not words:
            return None
        cry = self._cry(words)
        if cry is not None:
            return cry
        for language in dict.fromkeys(languages):
            phrase = _find(words, self._danger.get(language, ()))
            if phrase is not None:
                return EmergencyHit("danger", language, phrase)
            phrase = _find(words, self._alarm.get(language, ()))
            if phrase is not None and (_find(words, self._now.get(language, ())) or self._cry_inside(words)):
                return EmergencyHit("alarm", language, phrase)
        return None

    def _cry_inside(self, words: list[str]) -> bool:
        """A call for help somewhere in the message ("help", "помогите"): not a number, and not a word that is
        also an alarm word ("fire", "نار": "the rents here are fire" is no cry)."""
        return any(
            tuple(words[start : start + len(cry)]) == cry  # exactly: "пологи" is no typo of "помоги"
            for cry in self._calls
            for start in range(len(words) - len(cry) + 1)
        )

    def _cry(self, words: list[str]) -> EmergencyHit | None:
        """The message read left to right as cries (longest first: "hilf mir", "call the police") and
        fillers only; None at the first word that is neither (a sentence, not a cry)."""
        if len(words) > MAX_CRY_WORDS:
            return None
        found: EmergencyHit | None = None
        index = 0
        while index < len(words):
            for cry, language in self._cries:
                if _same_words(words[index : index + len(cry)], cry):
                    found = found or EmergencyHit("cry", language, " ".join(cry))
                    index += len(cry)
                    break
            else:
                if words[index] not in self._fillers:
                    return None
                index += 1
        return found


def _phrases(phrases: Iterable[str]) -> list[tuple[tuple[str, ...], str]]:
    """Each phrase folded into words, with the phrase as written (a trailing * stays on the original)."""
    return [(tuple(_fold(p.removesuffix("*")).split()), p) for p in phrases if _fold(p.removesuffix("*"))]


def _find(words: list[str], phrases: Iterable[tuple[tuple[str, ...], str]]) -> str | None:
    """The first phrase whose words occur in `words` in order, with at most two other words between two of
    them ("riecht ganz stark nach gas"); a phrase ending in * matches a word starting with it."""
    for phrase, original in phrases:
        prefix = original.endswith("*")
        for start, word in enumerate(words):
            if _word_matches(word, phrase[0], prefix and len(phrase) == 1) and _rest_follows(
                words, start + 1, phrase[1:], prefix
            ):
                return original
    return None


def _rest_follows(words: list[str], index: int, rest: tuple[str, ...], prefix: bool) -> bool:
    if not rest:
        return True
    for position in (index, index + 1, index + 2):  # the next word, or one after one or two words between
        if position < len(words) and _word_matches(words[position], rest[0], prefix and len(rest) == 1):
            if _rest_follows(words, position + 1, rest[1:], prefix):
                return True
    return False


def _word_matches(word: str, expected: str, prefix: bool) -> bool:
    return word.startswith(expected) if prefix else word == expected


def _same_words(words: list[str], cry: tuple[str, ...]) -> bool:
    """The words are the cry, allowing one typo in a word of four or more letters ("hlife", "yardm edn")."""
    if len(words) != len(cry):
        return False
    for word, expected in zip(words, cry, strict=True):
        if word == expected:
            continue
        if len(expected) < 4 or expected.isdigit() or Levenshtein.distance(word, expected, score_cutoff=1) > 1:
            return False
    return True
