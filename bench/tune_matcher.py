"""Choose the matcher's weights and thresholds on the DEVELOPMENT sets (tests/eval/dev*.jsonl).

Prints the best settings found by a small grid search. The final blind set (tests/eval/final.jsonl) is
never used here: it measures the chosen settings afterwards (`lotse eval tests/eval/final.jsonl`).

    python bench/tune_matcher.py [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import replace
from pathlib import Path

from intents import Matcher
from intents.evaluation import read_cases
from intents.matcher import MatcherParams
from intents.smalltalk import classify_small_talk
from knowledge import load_knowledge_base, matcher_documents

ROOT = Path(__file__).resolve().parent.parent


def top_scores(matcher: Matcher, cases) -> list[tuple[str | None, str | None, float, bool]]:
    """(expected, top entry, top score, emergency) per case, with thresholds out of the way."""
    rows: list[tuple[str | None, str | None, float, bool]] = []
    for case in cases:
        if classify_small_talk(case.text) is not None:
            rows.append((case.expect, None, 0.0, False))
            continue
        result = matcher.match_question(case.text, case.lang)
        top = result.top
        rows.append((case.expect, top.entry_id if top else None, top.score if top else 0.0, result.emergency))
    return rows


def metrics(rows, suggest: float) -> tuple[float, float]:
    in_scope = [r for r in rows if r[0] is not None]
    out = [r for r in rows if r[0] is None]
    top1 = sum(r[1] == r[0] and (r[2] >= suggest or r[3]) for r in in_scope) / len(in_scope)
    rejected = sum(not (r[2] >= suggest or r[3]) for r in out) / len(out)
    return top1, rejected


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    cases = [case for path in sorted((ROOT / "tests" / "eval").glob("dev*.jsonl")) for case in read_cases(path)]
    documents = matcher_documents(load_knowledge_base())
    grid_index = list(itertools.product([0.5, 0.6, 0.8], [0.85]))
    grid_score = list(itertools.product([0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.5, 1.0, 2.0], [0.7, 1.0]))
    if args.quick:
        grid_index, grid_score = grid_index[1:2], grid_score[::4]
    results = []
    started = time.perf_counter()
    for question_weight, secondary in grid_index:
        base = MatcherParams(question_weight=question_weight, secondary_factor=secondary)
        matcher = Matcher(documents, suggest_threshold=0.0, answer_threshold=0.0, params=base)
        for coverage, evidence, k, unknown in grid_score:
            if coverage + evidence > 0.95:
                continue
            matcher.params = replace(
                base, coverage_share=coverage, evidence_share=evidence, evidence_k=k, unknown_factor=unknown
            )
            rows = top_scores(matcher, cases)
            for suggest in range(30, 71):
                top1, rejected = metrics(rows, suggest)
                results.append((min(top1 - 0.95, rejected - 0.90), top1, rejected, suggest, matcher.params))
    results.sort(key=lambda r: r[0], reverse=True)
    print(f"{len(results)} settings in {time.perf_counter() - started:.0f}s; best by min(top1-95%, rejection-90%):")
    for _margin, top1, rejected, suggest, params in results[:10]:
        print(f"  top1={top1:.1%} rejection={rejected:.1%} suggest>={suggest} {params}")


if __name__ == "__main__":
    main()
