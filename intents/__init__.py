"""Question matching: text and language in, ranked knowledge-base entry ids with scores out.

A pure library: no database, no network, no I/O beyond building the in-memory index.
"""

from intents.emergency import EmergencyDetector, EmergencyHit, EmergencyWords
from intents.language import detect_language, detect_language_confidently, normalize_language_code
from intents.matcher import Candidate, Document, Matcher, MatchResult
from intents.normalize import normalize, tokens
from intents.smalltalk import SmallTalk, classify_small_talk

__all__ = [
    "Candidate",
    "EmergencyDetector",
    "EmergencyHit",
    "EmergencyWords",
    "Document",
    "MatchResult",
    "Matcher",
    "SmallTalk",
    "classify_small_talk",
    "detect_language",
    "detect_language_confidently",
    "normalize",
    "normalize_language_code",
    "tokens",
]
