"""Measure the matcher on labelled questions: top-1 accuracy, out-of-scope rejection, confusions.

A case is `{"text": ..., "lang": "ar" | null, "expect": "<entry id>" | null}`. The bot's reaction to a
case is what a user would see first: the entry it answers with, or the first topic it offers when unsure
(`entry`), or nothing when it says it does not know (`entry` = null). Small talk ("hello", "thanks")
gets no entry.

- top-1 accuracy: in-scope cases whose `entry` is the expected one;
- answered directly: in-scope cases answered with the expected entry without a "did you mean" step;
- out-of-scope rejection: cases with `expect` null for which the bot shows no entry at all;
- wrong direct answers: cases answered directly (no "did you mean" step) with another entry than expected;
- emergency card: a case may say whether the bot must show the emergency card first (`"card": true`, a cry
  for help) or must not (`"card": false`, an everyday sentence with a number, "fire", "help with");
  reported as cries that got the card and false alarms.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from intents.matcher import Matcher
from intents.smalltalk import classify_small_talk

DIRECT = ("answer", "emergency")  # shown at once, without a "did you mean" step (the card is the emergency entry)


@dataclass(frozen=True)
class EvalCase:
    text: str
    lang: str | None
    expect: str | None
    card: bool | None = None  # must (True) or must not (False) get the emergency card; None: not a question


@dataclass(frozen=True)
class EvalResult:
    case: EvalCase
    entry: str | None
    score: float | None
    decision: str
    language: str


@dataclass
class EvalReport:
    results: list[EvalResult] = field(default_factory=list)

    @property
    def in_scope(self) -> list[EvalResult]:
        return [r for r in self.results if r.case.expect is not None]

    @property
    def out_of_scope(self) -> list[EvalResult]:
        return [r for r in self.results if r.case.expect is None]

    @property
    def top1_accuracy(self) -> float:
        cases = self.in_scope
        return sum(r.entry == r.case.expect for r in cases) / len(cases) if cases else 0.0

    @property
    def answered_directly(self) -> float:
        cases = self.in_scope
        return sum(r.entry == r.case.expect and r.decision in DIRECT for r in cases) / len(cases) if cases else 0.0

    @property
    def rejection_rate(self) -> float:
        cases = self.out_of_scope
        return sum(r.entry is None for r in cases) / len(cases) if cases else 0.0

    @property
    def wrong_direct(self) -> list[EvalResult]:
        """Cases answered directly with an entry that is not the expected one (the worst outcome)."""
        return [r for r in self.results if r.decision in DIRECT and r.entry != r.case.expect]

    @property
    def cries(self) -> list[EvalResult]:
        return [r for r in self.results if r.case.card is True]

    @property
    def everyday(self) -> list[EvalResult]:
        return [r for r in self.results if r.case.card is False]

    @property
    def cries_with_card(self) -> int:
        return sum(r.decision == "emergency" for r in self.cries)

    @property
    def false_alarms(self) -> int:
        return sum(r.decision == "emergency" for r in self.everyday)

    def confusions(self) -> Counter[tuple[str, str]]:
        """(expected, got) pairs for every mistake; 'none' stands for no entry."""
        return Counter((r.case.expect or "none", r.entry or "none") for r in self.results if r.entry != r.case.expect)

    def by_language(self) -> dict[str, EvalReport]:
        groups: dict[str, EvalReport] = {}
        for result in self.results:
            groups.setdefault(result.case.lang or "auto", EvalReport()).results.append(result)
        return dict(sorted(groups.items()))


class EvalFileError(ValueError):
    """A line of an evaluation file that is not a valid case."""


def read_cases(path: Path) -> list[EvalCase]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            card = data.get("card")
            if card is not None and not isinstance(card, bool):
                raise TypeError("card must be true, false or absent")
            cases.append(EvalCase(str(data["text"]), data.get("lang"), data.get("expect"), card))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalFileError(f"{path}:{number}: not a case ({exc})") from exc
    return cases


def evaluate(matcher: Matcher, cases: Iterable[EvalCase]) -> EvalReport:
    report = EvalReport()
    for case in cases:
        result = matcher.match_question(case.text, case.lang)
        if result.decision != "emergency" and classify_small_talk(case.text) is not None:
            report.results.append(EvalResult(case, None, None, "small-talk", case.lang or "?"))
            continue
        top = result.top
        report.results.append(
            EvalResult(
                case, top.entry_id if top else None, top.score if top else None, result.decision, result.language
            )
        )
    return report
