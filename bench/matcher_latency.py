"""Matcher latency: p50/p99 per query, on one core, for the shipped knowledge base and for a synthetic
knowledge base of 1,000 entries x 7 languages, next to a naive `rapidfuzz.process.extractOne` over all
example phrases. Target: p99 <= 5 ms per query for the 1,000-entry knowledge base.

    python bench/matcher_latency.py [--queries N] [--entries N]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz, process

from intents import Document, Matcher
from intents.normalize import normalize
from knowledge import LANGUAGES, load_knowledge_base, matcher_documents

_SCRIPTS = {
    "de": "abcdefghijklmnopqrstuvwxyzäöü",
    "en": "abcdefghijklmnopqrstuvwxyz",
    "tr": "abcçdefgğhıijklmnoöprsştuüvyz",
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "fa": "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


def synthetic_documents(base: Sequence[Document], entries: int, seed: int = 7) -> list[Document]:
    """`entries` entries per language: the shipped texts plus invented words, so the vocabulary grows like
    a real, larger knowledge base's would (each entry gets words of its own)."""
    rng = random.Random(seed)
    by_language: dict[str, list[Document]] = {}
    for doc in base:
        by_language.setdefault(doc.language, []).append(doc)
    out: list[Document] = []
    for language, docs in by_language.items():
        letters = _SCRIPTS[language]

        def word(letters: str = letters) -> str:
            return "".join(rng.choice(letters) for _ in range(rng.randint(4, 10)))

        for index in range(entries):
            template = docs[index % len(docs)]
            own = [word() for _ in range(12)]
            questions = [f"{q} {rng.choice(own)} {rng.choice(own)}" for q in template.questions]
            keywords = [*template.keywords[: len(template.keywords) // 2], *own]
            out.append(
                Document(
                    entry_id=f"{template.entry_id}-{index}",
                    language=language,
                    title=f"{template.title} {own[0]}",
                    questions=questions,
                    keywords=keywords,
                )
            )
    return out


def queries_for(documents: Sequence[Document], count: int, seed: int = 11) -> list[tuple[str, str]]:
    """Questions people might send: example phrasings with a typo and extra words, plus out-of-scope ones."""
    rng = random.Random(seed)
    pool = [(q, d.language) for d in documents for q in d.questions]
    out_of_scope = [
        "what is the weather tomorrow",
        "tell me a joke",
        "wie spielt Hannover 96 heute",
        "كم سعر الذهب اليوم",
        "як приготувати борщ",
        "bugün maç var mı",
    ]
    queries = []
    for index in range(count):
        if index % 10 == 0:
            queries.append((rng.choice(out_of_scope), rng.choice(LANGUAGES)))
            continue
        text, language = rng.choice(pool)
        chars = list(text)
        if len(chars) > 6:
            position = rng.randrange(len(chars))
            chars[position] = chars[position - 1]  # a typo
        queries.append(("".join(chars) + rng.choice(["", " bitte", " please", " ?"]), language))
    return queries


def timed(function: Callable[[str, str], object], queries: Sequence[tuple[str, str]]) -> list[float]:
    for text, language in queries[:50]:  # warm caches and lazy imports
        function(text, language)
    samples = []
    for text, language in queries:
        start = time.perf_counter_ns()
        function(text, language)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def naive(documents: Sequence[Document]) -> Callable[[str, str], object]:
    """The baseline: one extractOne over every example phrase of every language."""
    phrases = [normalize(p) for d in documents for p in (d.title, *d.questions, *d.keywords)]

    def run(text: str, language: str) -> object:
        return process.extractOne(normalize(text), phrases, scorer=fuzz.WRatio)

    return run


def report(name: str, samples: list[float]) -> str:
    quantiles = statistics.quantiles(samples, n=100)
    median = statistics.median(samples)
    return f"{name:48s} p50 {median:7.2f} ms   p99 {quantiles[98]:7.2f} ms   max {max(samples):7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=1000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    print(f"python {platform.python_version()} on {platform.machine()}, one core; {args.queries} queries per row\n")

    shipped = matcher_documents(load_knowledge_base())
    started = time.perf_counter()
    matcher = Matcher(shipped)
    build_shipped = time.perf_counter() - started
    queries = queries_for(shipped, args.queries)
    print(
        f"shipped knowledge base: {len({d.entry_id for d in shipped})} entries x {len(LANGUAGES)} languages, "
        f"index built in {build_shipped:.2f} s"
    )
    print(report("  Lotse matcher (match)", timed(matcher.match, queries)))
    print(report("  naive extractOne over all phrases (WRatio)", timed(naive(shipped), queries)))

    synthetic = synthetic_documents(shipped, args.entries)
    started = time.perf_counter()
    big = Matcher(synthetic)
    build_big = time.perf_counter() - started
    big_queries = queries_for(synthetic, args.queries)
    phrases = sum(1 + len(d.questions) + len(d.keywords) for d in synthetic)
    print(
        f"\nsynthetic knowledge base: {args.entries} entries x {len(LANGUAGES)} languages ({phrases} phrases), "
        f"index built in {build_big:.2f} s"
    )
    print(report("  Lotse matcher (match)", timed(big.match, big_queries)))
    print(
        report(
            "  naive extractOne over all phrases (WRatio)",
            timed(naive(synthetic), big_queries[: max(200, args.queries // 10)]),
        )
    )


if __name__ == "__main__":
    main()
