"""Official German terms machine translation must keep (`glossary.txt`, which a county extends).

A translation model may translate "Ausländerbehörde" into "immigration office" or garble a rare word like
"Fiktionsbescheinigung". People meet these words on letters and at the counter, so every machine
translation that loses a term of its source text gets it back, unchanged, in brackets after the line it
belongs to: "… the immigration office (Ausländerbehörde)". A term the model kept stays where it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary.txt"


class Glossary:
    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True))
        alternatives = "|".join(re.escape(term) for term in self.terms)
        # A term as a word of its own, also inflected (Aufenthaltstitels, Duldungen) or in a compound's end.
        self._pattern = re.compile(rf"(?<![\w-])({alternatives})(?:e?s|e?n)?(?!\w)") if self.terms else None

    def terms_in(self, text: str) -> list[str]:
        """The glossary terms `text` uses, in order, each once."""
        if self._pattern is None:
            return []
        return list(dict.fromkeys(match.group(1) for match in self._pattern.finditer(text)))

    def keep_terms(self, source: str, translated: str) -> str:
        """`translated` with every term of `source` it lost added back in brackets, line by line where the
        lines correspond, else at the end."""
        if not self.terms_in(source):
            return translated
        source_lines, target_lines = source.split("\n"), translated.split("\n")
        if len(source_lines) != len(target_lines):
            source_lines, target_lines = [source], [translated]
        kept = []
        for original, line in zip(source_lines, target_lines, strict=True):
            missing = [term for term in self.terms_in(original) if term not in line]
            kept.append(f"{line.rstrip()} ({', '.join(missing)})" if missing and line.strip() else line)
        return "\n".join(kept)


def read_glossary(path: Path = GLOSSARY_FILE) -> Glossary:
    lines = path.read_text(encoding="utf-8").splitlines()
    return Glossary(line for line in lines if line.strip() and not line.lstrip().startswith("#"))


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return read_glossary()
