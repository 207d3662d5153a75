"""Keyword hygiene: words that pull questions to the wrong entry (`lotse kb check` warns, it does not fail).

A keyword shared by entries of different topics is evidence for both, so the matcher can answer one
entry's question with the other (Turkish "savaş" in the Ukraine entry sent a Syrian's "there is war, can I
stay" to § 24). An emergency word that is also an everyday entry's keyword makes the two compete.
"""

from __future__ import annotations

from collections import defaultdict

from intents.normalize import normalize
from knowledge.model import KnowledgeBase


def keyword_warnings(kb: KnowledgeBase) -> list[str]:
    warnings = []
    for language in kb.languages:
        owners: dict[str, set[str]] = defaultdict(set)
        for entry in kb.entries.values():
            for keyword in entry.texts[language].keywords:
                owners[normalize(keyword)].add(entry.id)
        for keyword, entry_ids in sorted(owners.items()):
            if len(entry_ids) < 2:
                continue
            topics = [set(kb.entries[e].topics) for e in sorted(entry_ids)]
            if not set.intersection(*topics):
                warnings.append(
                    f"{language}: keyword {keyword!r} is shared by entries of different topics: "
                    + ", ".join(sorted(entry_ids))
                )
        words = kb.emergency.get(language)
        if words is None:
            continue
        emergency_words = {normalize(w.removesuffix("*")) for w in (*words.cries, *words.danger)}
        emergency_topics = set(kb.emergency_entry.topics) if kb.emergency_entry else {"emergency"}
        for keyword, entry_ids in sorted(owners.items()):
            others = sorted(e for e in entry_ids if not emergency_topics & set(kb.entries[e].topics))
            if keyword in emergency_words and others:
                warnings.append(f"{language}: emergency word {keyword!r} is also a keyword of {', '.join(others)}")
    return warnings
