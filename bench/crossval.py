"""Five-fold cross-validation of the matcher on the knowledge base's own example questions.

Each fold removes a fifth of the example questions from the index and asks them as if a user had typed
them: a large, varied set of unseen phrasings in all seven languages, complementary to the small
evaluation sets in tests/eval/. Used to compare matcher changes without touching the blind test set.

    python bench/crossval.py [--folds 5]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from dataclasses import replace

from intents import Matcher
from knowledge import load_knowledge_base, matcher_documents


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    documents = matcher_documents(load_knowledge_base())
    rng = random.Random(3)
    assignment = {(d.entry_id, d.language, q): rng.randrange(args.folds) for d in documents for q in d.questions}
    correct: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    total: Counter[str] = Counter()
    started = time.perf_counter()
    for fold in range(args.folds):
        kept = [
            replace(d, questions=[q for q in d.questions if assignment[(d.entry_id, d.language, q)] != fold])
            for d in documents
        ]
        matcher = Matcher(kept)
        for d in documents:
            for q in d.questions:
                if assignment[(d.entry_id, d.language, q)] != fold:
                    continue
                result = matcher.match(q, d.language)
                total[d.language] += 1
                if result.top and result.top.entry_id == d.entry_id:
                    shown[d.language] += 1
                    correct[d.language] += result.decision == "answer"
    print(
        f"{args.folds}-fold cross-validation on {sum(total.values())} example questions "
        f"({time.perf_counter() - started:.0f} s)"
    )
    print("language   top-1 shown   answered directly")
    for language in sorted(total):
        print(
            f"  {language}        {shown[language] / total[language]:6.1%}"
            f"        {correct[language] / total[language]:6.1%}"
        )
    print(
        f"  all       {sum(shown.values()) / sum(total.values()):6.1%}"
        f"        {sum(correct.values()) / sum(total.values()):6.1%}"
    )


if __name__ == "__main__":
    main()
