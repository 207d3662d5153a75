"""The held-out sets of issue 14 as a regression guard (the figures themselves are in the README).

Emergency sets: every cry for help gets the card, no everyday sentence of any
set does. Misroute sets: no question is answered directly with a wrong entry (a suggestion is fine: the
user chooses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents import Matcher
from intents.evaluation import evaluate, read_cases

EVAL = Path(__file__).resolve().parents[1] / "eval"


@pytest.mark.parametrize("name", ["emergency-dev", "emergency-blind", "emergency-blind2"])
def test_every_cry_of_the_sets_gets_the_card(matcher: Matcher, name: str) -> None:
    report = evaluate(matcher, read_cases(EVAL / f"{name}.jsonl"))
    missed = [r.case.text for r in report.cries if r.decision != "emergency"]
    assert missed == []


@pytest.mark.parametrize("name", ["emergency-dev", "emergency-blind", "emergency-blind2"])
def test_no_everyday_sentence_gets_the_card(matcher: Matcher, name: str) -> None:
    report = evaluate(matcher, read_cases(EVAL / f"{name}.jsonl"))
    assert len(report.everyday) >= 80
    assert [r.case.text for r in report.everyday if r.decision == "emergency"] == []


@pytest.mark.parametrize("name", ["misroute-dev", "misroute-blind"])
def test_no_tempting_misroute_is_answered_directly(matcher: Matcher, name: str) -> None:
    report = evaluate(matcher, read_cases(EVAL / f"{name}.jsonl"))
    assert [(r.case.text, r.entry) for r in report.wrong_direct] == []
