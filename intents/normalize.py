"""Text normalisation that fits each script the bot meets.

One function, `normalize`, turns what people type on a phone into comparable tokens:
case and compatibility forms folded, diacritics and Arabic vowel marks dropped, Arabic/Persian letter
variants unified (alef forms, yeh/kaf variants, teh marbuta, tatweel, zero-width joiners), Eastern
Arabic digits mapped to ASCII, Turkish dotless i and Ukrainian ґ folded, punctuation removed.
`tokens` additionally drops stop words and applies a light stemmer for Arabic and Persian clitics.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from intents.stopwords import RAW_SMALL_TALK, RAW_STOP_WORDS

_LETTER_MAP = str.maketrans(
    {
        # Arabic / Persian letter variants people type interchangeably
        "ى": "ي",  # alef maksura -> yeh
        "ی": "ي",  # Persian yeh -> Arabic yeh
        "ې": "ي",
        "ۍ": "ي",
        "ک": "ك",  # Persian keheh -> Arabic kaf
        "ة": "ه",  # teh marbuta -> heh
        "ۀ": "ه",
        "ە": "ه",
        "ٱ": "ا",  # alef wasla
        "ـ": None,  # tatweel
        "ء": None,  # a lone hamza is spelt inconsistently (طوارئ / طوارىء)
        "\u200c": None,  # zero-width non-joiner (Persian half-space)
        "\u200d": None,  # zero-width joiner
        "\u200e": None,  # LRM
        "\u200f": None,  # RLM
        "\u061c": None,  # Arabic letter mark
        "\ufeff": None,
        # apostrophes inside words: Ukrainian б'є, сім'ї (typed as ' ’ ʼ), English don't, Turkish Ankara'da
        "'": None,
        "’": None,
        "ʼ": None,
        "`": None,
        # digits
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        # Turkish dotless i, Ukrainian ghe with upturn
        "ı": "i",
        "ґ": "г",
        "ё": "е",
    }
)

_SPACE_RE = re.compile(r"\s+")
_MARKUP_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>")


def _is_kept(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in ("L", "N")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Fold `text` into a lowercase, mark-free, punctuation-free string of space-separated words."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTER_MAP)
    decomposed = unicodedata.normalize("NFD", text)
    out: list[str] = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category.startswith("M"):
            continue  # diacritics, Arabic harakat, hamza above/below, shadda
        out.append(char if _is_kept(char) else " ")
    folded = unicodedata.normalize("NFC", "".join(out)).translate(_LETTER_MAP)
    return _SPACE_RE.sub(" ", folded).strip()


def script_of(token: str) -> str:
    """A coarse script name for a token: 'arabic', 'cyrillic', 'latin' or 'other'."""
    for char in token:
        code = ord(char)
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
            return "arabic"
        if 0x0400 <= code <= 0x052F:
            return "cyrillic"
        if char.isascii() and char.isalpha():
            return "latin"
    return "other"


_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("هما", "كما", "ها", "ان", "ات", "ون", "ين", "يه", "كم", "نا", "ه", "ي")
_FA_PREFIXES: tuple[str, ...] = ()  # verb prefixes (می/نمی) are kept: stripping them merges میخونه with خونه
_FA_SUFFIXES = ("هاي", "ها", "ترين", "تر", "ام", "ات", "اش", "مان", "تان", "شان", "اي", "ي")


def stem(token: str, language: str | None = None) -> str:
    """Strip common clitics from Arabic-script words: the article and prepositions and plural and
    possessive endings for Arabic; plural and possessive endings for Persian. A stem keeps at least
    three letters (four when a longer ending goes) so that short words are not merged with others."""
    if len(token) < 4 or script_of(token) != "arabic":
        return token
    prefixes, suffixes = (_FA_PREFIXES, _FA_SUFFIXES) if language == "fa" else (_AR_PREFIXES, _AR_SUFFIXES)
    for prefix in prefixes:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            token = token[len(prefix) :]
            break
    for suffix in suffixes:
        if token.endswith(suffix) and len(token) - len(suffix) >= (3 if len(suffix) == 1 else 4):
            return token[: -len(suffix)]
    return token


STOP_WORDS: frozenset[str] = frozenset(
    word for raw in (*RAW_STOP_WORDS.values(), *RAW_SMALL_TALK.values()) for word in normalize(raw).split()
)

# Words that are stop words in one language but content in another: Turkish "iş" (work) folds to "is".
_CONTENT_IN: dict[str, frozenset[str]] = {"tr": frozenset({"is"})}


@lru_cache(maxsize=65536)
def tokens(text: str, language: str | None = None) -> tuple[str, ...]:
    """Normalised, stemmed content words of `text`: stop words of all languages, single letters and
    markup tags dropped. People mix languages in one message, so every language's stop words go, except
    the few that are content words in `language` (the language the text is read as)."""
    keep = _CONTENT_IN.get(language or "", frozenset())
    text = _MARKUP_RE.sub(" ", text)  # pasted HTML tags are not words
    return tuple(
        stem(word, language)
        for word in normalize(text).split()
        if len(word) > 1 and (word not in STOP_WORDS or word in keep)
    )
