"""Match a question to knowledge-base entries: ranked candidates with 0-100 confidence scores.

How a score comes about (per language, with German and English as secondary pools because people mix
them in):

1. The question is folded into content tokens (`intents.normalize.tokens`).
2. Each token is looked up in the pool's vocabulary: exactly, by shared prefix (inflection, Turkish and
   German suffixes, compounds) and, for tokens the vocabulary lacks, by rapidfuzz edit similarity
   (typos). Each way of matching has a similarity in [0, 1].
3. *Coverage*: how much of the question (weighted by how rare each token is across entries, IDF) an
   entry's title, keywords and example questions account for. Unknown words lower the coverage, which
   is what rejects out-of-scope questions.
4. The best candidates are re-ranked with rapidfuzz's token-set similarity between the question and the
   entry's own phrasings.

The confidence mixes coverage, the amount of specific evidence (saturating) and the phrase similarity
with the weights in `MatcherParams`. At or above `answer_threshold` the
bot answers; between `suggest_threshold` and it the bot offers the top 2-3 as buttons; below it says it
does not know; an entry that does not lead the next one by `answer_margin` is offered, not answered
(two entries that fit about equally well: the user chooses). Before any of this, a cry for help or a
description of acute danger (`intents.emergency`) is decided as "emergency": the bot shows the emergency
card first, whatever else the message says.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from intents.emergency import EmergencyDetector, EmergencyHit
from intents.language import detect_language
from intents.normalize import tokens

SECONDARY_LANGUAGES: tuple[str, ...] = ("de", "en")


@dataclass(frozen=True)
class MatcherParams:
    """Weights of the scoring; chosen on the development set with `bench/tune_matcher.py`."""

    question_weight: float = 0.6  # a word only seen in example questions is weaker evidence than a keyword
    secondary_factor: float = 0.85  # German and English pools count a little less than the user's language
    coverage_share: float = 0.1  # how much of the question the entry explains
    evidence_share: float = 0.6  # how much specific evidence there is at all (saturating)
    evidence_k: float = 2.0  # evidence = matched / (matched + k * idf of an unseen word)
    unknown_factor: float = 1.0  # weight of a word the knowledge base never uses, relative to the rarest word

    @property
    def phrase_share(self) -> float:
        return 1.0 - self.coverage_share - self.evidence_share


_RERANK_CANDIDATES = 8
_LOOKUP_CACHE_SIZE = 50_000
_PREFIX_LEN = 4
_MIN_COMMON_PREFIX = 5  # letters two words must share at the start to count as the same stem


@dataclass(frozen=True)
class Document:
    """One knowledge-base entry in one language, as the matcher sees it."""

    entry_id: str
    language: str
    title: str
    questions: Sequence[str]
    keywords: Sequence[str]


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """Ranked candidates for one question and what the bot should do with them."""

    language: str
    candidates: tuple[Candidate, ...]
    decision: Literal["answer", "suggest", "none", "emergency"]
    emergency: bool = False  # a cry for help or acute danger: the emergency card comes first

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass
class _Pool:
    """The searchable index for one primary language (plus the secondary languages)."""

    vocabulary: dict[str, dict[str, float]] = field(default_factory=dict)  # token -> entry -> weight
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # token -> (entry rows, weights)
    entry_ids: list[str] = field(default_factory=list)  # row -> entry id
    idf: dict[str, float] = field(default_factory=dict)
    by_length_first: dict[tuple[int, str], list[str]] = field(default_factory=dict)  # typo candidates
    by_length_last: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    by_prefix: dict[str, list[str]] = field(default_factory=dict)
    by_suffix: dict[str, list[str]] = field(default_factory=dict)
    phrases: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # entry -> (primary, secondary)
    lookups: dict[str, dict[str, float]] = field(default_factory=dict)  # cache of _lookup results
    unknown_idf: float = 1.0


@dataclass(frozen=True)
class _TokenizedDocument:
    """A document folded once into tokens (pools of several languages share it)."""

    entry_id: str
    fields: tuple[tuple[frozenset[str], float], ...]  # (tokens of a title/keyword/question, field weight)
    phrases: tuple[str, ...]  # title and example questions as token strings, for phrase similarity

    @classmethod
    def of(cls, doc: Document, params: MatcherParams) -> _TokenizedDocument:
        def fold(text: str) -> tuple[str, ...]:
            return tokens(text, doc.language)

        weighted = [
            (doc.title, 1.0),
            *((k, 1.0) for k in doc.keywords),
            *((q, params.question_weight) for q in doc.questions),
        ]
        fields = tuple((frozenset(fold(text)), weight) for text, weight in weighted)
        phrases = tuple(p for p in (" ".join(fold(text)) for text in (doc.title, *doc.questions)) if p)
        return cls(doc.entry_id, fields, phrases)


class Matcher:
    """Ranks knowledge-base entries for a question; pure and in-memory (no I/O after construction)."""

    def __init__(
        self,
        documents: Iterable[Document],
        *,
        answer_threshold: float = 55.0,
        suggest_threshold: float = 43.0,
        max_suggestions: int = 3,
        answer_margin: float = 0.0,
        params: MatcherParams | None = None,
        emergency: EmergencyDetector | None = None,
        emergency_entry: str | None = None,
    ) -> None:
        self.params = params or MatcherParams()
        self.emergency = emergency if emergency_entry is not None else None
        self.emergency_entry = emergency_entry
        self.answer_threshold = answer_threshold
        self.suggest_threshold = suggest_threshold
        self.max_suggestions = max_suggestions
        self.answer_margin = answer_margin  # the best entry must lead the next by this much to be answered
        by_language: dict[str, list[Document]] = defaultdict(list)
        for doc in documents:
            by_language[doc.language].append(doc)
        self.languages: tuple[str, ...] = tuple(by_language)
        tokenized = {
            lang: [_TokenizedDocument.of(doc, self.params) for doc in docs] for lang, docs in by_language.items()
        }
        self._pools = {lang: self._build_pool(lang, tokenized, self.params) for lang in by_language}

    # --- building -------------------------------------------------------------------------

    @staticmethod
    def _build_pool(primary: str, by_language: dict[str, list[_TokenizedDocument]], params: MatcherParams) -> _Pool:
        pool = _Pool()
        pool_languages = [primary] + [lang for lang in SECONDARY_LANGUAGES if lang != primary and lang in by_language]
        entries: set[str] = set()
        for lang in pool_languages:
            factor = 1.0 if lang == primary else params.secondary_factor
            for doc in by_language[lang]:
                entries.add(doc.entry_id)
                for phrase_tokens, weight in doc.fields:
                    for token in phrase_tokens:
                        postings = pool.vocabulary.setdefault(token, {})
                        if weight * factor > postings.get(doc.entry_id, 0.0):
                            postings[doc.entry_id] = weight * factor
                primary_phrases, secondary_phrases = pool.phrases.setdefault(doc.entry_id, ([], []))
                (primary_phrases if lang == primary else secondary_phrases).extend(doc.phrases)
        pool.entry_ids = sorted(entries)
        row_of = {entry_id: row for row, entry_id in enumerate(pool.entry_ids)}
        pool.postings = {
            token: (
                np.fromiter((row_of[e] for e in posting), dtype=np.int32, count=len(posting)),
                np.fromiter(posting.values(), dtype=np.float64, count=len(posting)),
            )
            for token, posting in pool.vocabulary.items()
        }
        count = max(len(entries), 1)
        pool.idf = {tok: math.log(1.0 + count / len(posting)) for tok, posting in pool.vocabulary.items()}
        pool.unknown_idf = math.log(1.0 + count)
        for token in pool.vocabulary:
            pool.by_length_first.setdefault((len(token), token[0]), []).append(token)
            pool.by_length_last.setdefault((len(token), token[-1]), []).append(token)
            if len(token) >= _PREFIX_LEN:
                pool.by_prefix.setdefault(token[:_PREFIX_LEN], []).append(token)
                pool.by_suffix.setdefault(token[-_PREFIX_LEN:], []).append(token)
        return pool

    # --- matching ---------------------------------------------------------------------------

    def match(self, text: str, language: str) -> MatchResult:
        """Rank entries for `text` written in `language` (falls back to English's pool if unknown)."""
        if not self._pools:  # nothing indexed: nothing fits
            return MatchResult(language, (), "none")
        pool_language = language if language in self._pools else ("en" if "en" in self._pools else self.languages[0])
        pool = self._pools[pool_language]
        query = tokens(without_amounts(text), pool_language)
        scores = self._score(pool, query)

        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        candidates = [Candidate(entry_id, round(score, 1)) for entry_id, score in ranked]
        shown = [c for c in candidates if c.score >= self.suggest_threshold][: self.max_suggestions]
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        if shown and shown[0].score >= self.answer_threshold and shown[0].score - runner_up >= self.answer_margin:
            decision: Literal["answer", "suggest", "none", "emergency"] = "answer"
        elif shown:
            decision = "suggest"
        else:
            decision = "none"
        return MatchResult(pool_language, tuple(shown), decision)

    def emergency_hit(self, text: str, language: str | None, detected: str | None = None) -> EmergencyHit | None:
        """A cry for help (in any language) or acute danger in the user's language or the language the text
        is written in; fast and pure, so the bot can check it before anything slow."""
        if self.emergency is None:
            return None
        if detected is None:
            detected = detect_language(text, self.languages)  # as match_question does: served from its cache
        return self.emergency.detect(text, [lang for lang in (language, detected) if lang])

    def emergency_result(self, language: str) -> MatchResult:
        assert self.emergency_entry is not None, "only with an emergency detector"
        return MatchResult(language, (Candidate(self.emergency_entry, 100.0),), "emergency", emergency=True)

    def match_question(self, text: str, language: str | None) -> MatchResult:
        """Match in `language` (detected when None); if nothing fits and the text is clearly written in
        another of the indexed languages (a German speaker writing Arabic, say), match in that one too and
        keep the better result. A cry for help or acute danger comes first, as "emergency". This is what the
        bot and `lotse eval` use."""
        detected = detect_language(text, self.languages) if language is None or self.emergency else None
        primary = language or detected or ("de" if "de" in self._pools or not self.languages else self.languages[0])
        if self.emergency_hit(text, language, detected) is not None:
            return self.emergency_result(primary)
        result = self.match(text, primary)
        if result.decision == "answer":
            return result
        if detected is None:
            detected = detect_language(text, self.languages)
        if detected is None or detected == primary:
            return result
        other = self.match(text, detected)
        rank = {"answer": 2, "suggest": 1, "none": 0}
        return other if rank[other.decision] > rank[result.decision] else result

    def explain(self, text: str, language: str) -> list[tuple[str, float, dict[str, float]]]:
        """For each content word of `text`: its weight and the vocabulary words it matched (for
        `lotse ask --explain`, to see why a question lands where it does)."""
        if not self._pools:
            return []
        pool = self._pools.get(language) or self._pools[self.languages[0]]
        rows = []
        for token in dict.fromkeys(tokens(text, language)):
            matches = self._lookup(pool, token)
            weight = _query_weight(pool, matches) if matches else self.params.unknown_factor * pool.unknown_idf
            detail = {
                f"{vocab}→{entry_id}": round(similarity * field_weight, 2)
                for vocab, similarity in matches.items()
                for entry_id, field_weight in pool.vocabulary[vocab].items()
            }
            rows.append((token, round(weight, 2), dict(sorted(detail.items(), key=lambda kv: -kv[1])[:6])))
        return rows

    def _score(self, pool: _Pool, query: tuple[str, ...]) -> dict[str, float]:
        """Confidence 0-100 for the entries that share words with the query."""
        params = self.params
        unique = list(dict.fromkeys(query))
        if not unique:
            return {}
        total_weight = 0.0
        matched = np.zeros(len(pool.entry_ids))
        best = np.zeros(len(pool.entry_ids))
        for token in unique:
            matches = self._lookup(pool, token)
            if not matches:
                if not token.isdigit():  # unknown numbers (dates, phone numbers, amounts) say nothing either way
                    total_weight += params.unknown_factor * pool.unknown_idf
                continue
            weight = _query_weight(pool, matches)
            total_weight += weight
            best.fill(0.0)
            for vocab_token, similarity in matches.items():
                rows, field_weights = pool.postings[vocab_token]
                np.maximum.at(best, rows, similarity * field_weights)
            matched += weight * best
        candidates = np.flatnonzero(matched)
        if candidates.size == 0:
            return {}
        if candidates.size > _RERANK_CANDIDATES:
            candidates = candidates[np.argpartition(-matched[candidates], _RERANK_CANDIDATES)[:_RERANK_CANDIDATES]]
        top = [(pool.entry_ids[row], float(matched[row])) for row in candidates]
        query_phrase = " ".join(unique)
        evidence_scale = params.evidence_k * pool.unknown_idf
        scores: dict[str, float] = {}
        for entry_id, evidence in top:
            coverage = evidence / total_weight
            saturation = evidence / (evidence + evidence_scale)
            phrase_similarity = self._phrase_similarity(pool, entry_id, query_phrase)
            scores[entry_id] = (
                100.0 * (params.coverage_share * coverage + params.evidence_share * saturation)
                + params.phrase_share * phrase_similarity
            )
        return scores

    def _phrase_similarity(self, pool: _Pool, entry_id: str, query_phrase: str) -> float:
        """Best rapidfuzz token-set similarity (0-100) of the query to one of the entry's phrasings."""
        primary, secondary = pool.phrases.get(entry_id, ((), ()))
        best = 0.0
        for phrases, factor in ((primary, 1.0), (secondary, self.params.secondary_factor)):
            if phrases:
                found = process.extractOne(
                    query_phrase, phrases, scorer=fuzz.token_set_ratio, score_cutoff=min(100.0, best / factor)
                )
                if found is not None:
                    best = max(best, found[1] * factor)
        return best

    @staticmethod
    def _lookup(pool: _Pool, token: str) -> dict[str, float]:
        """Vocabulary tokens similar to `token`, with a similarity in [0, 1] (cached per pool)."""
        cached = pool.lookups.get(token)
        if cached is not None:
            return cached
        matches = _find_similar(pool, token)
        if len(pool.lookups) >= _LOOKUP_CACHE_SIZE:
            pool.lookups.clear()
        pool.lookups[token] = matches
        return matches


# A number with a currency or unit is an amount, not a phone number: "110 Euro", "112 €", "€ 110", "50 %".
_UNITS = (
    r"€|\$|%|euro|eur|евро|євро|يورو|یورو|lira|tl|dollar|usd|prozent|percent|процент|відсот\w*|qm|m²|m2|km|kg"
    r"|seiten|pages|jahre|years|лет|років|yil|sene|tage|days|monate|months|minuten|minutes|stunden|hours"
)
_AMOUNT = re.compile(rf"(?i)(?:€|\$)\s*\d[\d.,]*|\b\d[\d.,]*\s*(?:{_UNITS})(?!\w)")


def without_amounts(text: str) -> str:
    """The text without amounts, so that "I only got 110 Euro" says nothing about the police's number."""
    return _AMOUNT.sub(" ", text)


def _find_similar(pool: _Pool, token: str) -> dict[str, float]:
    """Exact, same-stem (shared prefix), compound and typo (rapidfuzz) matches in the pool's vocabulary."""
    matches: dict[str, float] = {}
    if token in pool.vocabulary:
        matches[token] = 1.0
    if len(token) >= _PREFIX_LEN:
        for other in pool.by_prefix.get(token[:_PREFIX_LEN], ()):
            if other == token:
                continue
            common = _common_prefix(token, other)
            shorter = min(len(token), len(other))
            if common >= max(_MIN_COMMON_PREFIX, int(0.6 * shorter + 0.5)) or (
                common == shorter and shorter >= _PREFIX_LEN
            ):
                matches[other] = max(matches.get(other, 0.0), 0.7 + 0.25 * common / max(len(token), len(other)))
    if len(token) >= _PREFIX_LEN + 1:
        # Compounds: "busfahrkarte" ends with the known "fahrkarte" (and the other way round).
        for other in pool.by_suffix.get(token[-_PREFIX_LEN:], ()):
            short, long = sorted((token, other), key=len)
            if other != token and len(short) >= 5 and long.endswith(short) and len(short) >= 0.45 * len(long):
                matches[other] = max(matches.get(other, 0.0), 0.8)
    if token not in pool.vocabulary and len(token) >= 5:
        # Typos: one edit in a word of 5-7 letters, two in longer words. Shorter words are left to exact
        # and prefix matching: "snow" is one edit from "now", and that is not a typo.
        max_edits = 1 if len(token) <= 7 else 2
        # One typo rarely changes both the first and the last letter: look only at words of a similar
        # length that share one of them (a fraction of the vocabulary, which keeps large bases fast).
        choices: list[str] = []
        for length in range(len(token) - max_edits, len(token) + max_edits + 1):
            choices.extend(pool.by_length_first.get((length, token[0]), ()))
            choices.extend(pool.by_length_last.get((length, token[-1]), ()))
        for other, edits, _ in process.extract(
            token, choices, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=4
        ):
            matches[other] = max(matches.get(other, 0.0), 0.9 * (1.0 - edits / max(len(token), len(other))))
    return matches


def _query_weight(pool: _Pool, matches: dict[str, float]) -> float:
    """How much a query word counts: the rarity (IDF) of its closest vocabulary match. Taking the rarest
    of all fuzzy matches instead would make common words look specific."""
    best = max(matches.values())
    return min(pool.idf[v] for v, similarity in matches.items() if similarity == best)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
