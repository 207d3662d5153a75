"""`lotse ask` and `lotse eval`: what the bot would answer, and matching quality on a set of questions.
Neither needs the database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.cli.common import print_error, settings
from intents import Matcher, classify_small_talk
from intents.evaluation import EvalFileError, EvalReport, evaluate, read_cases
from knowledge import KnowledgeBase, load_knowledge_base


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evaluate_ = sub.add_parser("eval", help="measure matching on a JSON-lines file of {text, lang, expect}")
    evaluate_.add_argument("file", type=Path)
    evaluate_.add_argument("--json", action="store_true", help="one JSON line per case (the summary on stderr)")
    evaluate_.set_defaults(handler=_eval)

    ask = sub.add_parser("ask", help="show what the bot would answer")
    ask.add_argument("--lang", default=None, help="language code (default: detected from the text)")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--explain", action="store_true", help="show which words matched which entries")
    ask.add_argument("text", nargs="+")
    ask.set_defaults(handler=_ask)


def _matcher() -> tuple[KnowledgeBase, Matcher]:
    from bot.runtime import build_matcher

    kb = load_knowledge_base()
    return kb, build_matcher(kb, settings())


def _eval(args: argparse.Namespace) -> int:
    try:
        cases = read_cases(args.file)
    except (OSError, EvalFileError) as exc:
        print_error(exc)
        return 1
    _, matcher = _matcher()
    report = evaluate(matcher, cases)
    if args.json:
        for r in report.results:
            line = {
                "text": r.case.text,
                "lang": r.case.lang,
                "expect": r.case.expect,
                "entry": r.entry,
                "score": r.score,
                "decision": r.decision,
            }
            if r.case.card is not None:
                line["card"] = r.case.card
            print(json.dumps(line, ensure_ascii=False))
        _print_summary(report, sys.stderr)
        return 0
    _print_summary(report, sys.stdout)
    return 0


def _print_summary(report: EvalReport, out: TextIO) -> None:
    def say(text: str = "") -> None:
        print(text, file=out)

    say(f"cases: {len(report.results)} ({len(report.in_scope)} in scope, {len(report.out_of_scope)} out of scope)")
    say(f"top-1 accuracy:          {report.top1_accuracy:6.1%}")
    say(f"answered directly:       {report.answered_directly:6.1%}")
    say(f"out-of-scope rejection:  {report.rejection_rate:6.1%}")
    say(f"wrong direct answers:    {len(report.wrong_direct)}")
    if report.cries or report.everyday:
        say(f"emergency card on cries for help:  {report.cries_with_card}/{len(report.cries)}")
        say(f"emergency card on everyday text:   {report.false_alarms}/{len(report.everyday)} (false alarms)")
    say("\nper language:   top-1   direct   rejection   (cases)")
    for language, part in report.by_language().items():
        top1 = f"{part.top1_accuracy:6.1%}" if part.in_scope else "   n/a"
        direct = f"{part.answered_directly:6.1%}" if part.in_scope else "   n/a"
        rejection = f"{part.rejection_rate:6.1%}" if part.out_of_scope else "   n/a"
        say(f"  {language:6s}      {top1}  {direct}   {rejection}     ({len(part.results)})")
    confusions = report.confusions()
    if confusions:
        say("\nconfusions (expected -> got: count):")
        for (expected, got), count in confusions.most_common():
            say(f"  {expected} -> {got}: {count}")


def _ask(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    kb, matcher = _matcher()
    result = matcher.match_question(text, args.lang)
    small_talk = classify_small_talk(text) if result.decision != "emergency" else None
    top = result.top if small_talk is None else None
    language = args.lang or result.language
    entry = kb.get(top.entry_id) if top else None
    entry_text = entry.text(language) if entry else None
    alternatives = [{"entry": c.entry_id, "score": c.score} for c in (result.candidates[1:] if top else ())]
    data: dict[str, Any] = {
        "entry": top.entry_id if top else None,
        "score": top.score if top else None,
        "lang": language,
        "decision": "small-talk" if small_talk else result.decision,
        "answer": entry_text.answer if entry_text and result.decision == "answer" else None,
        "alternatives": alternatives,
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    if small_talk:
        print(f"[{language}] small talk ({small_talk}): the bot replies with a greeting, not an entry")
    elif top is None:
        print(f"[{language}] no entry fits: the bot says it does not know and offers a person")
    else:
        print(f"[{language}] {result.decision}: {top.entry_id} (score {top.score})")
        if entry_text and result.decision == "answer":
            print(f"\n{entry_text.title}\n\n{entry_text.answer}\n")
        for alt in alternatives:
            print(f"  alternative: {alt['entry']} ({alt['score']})")
    if args.explain:
        print("\nwords (weight): matches")
        for token, weight, detail in matcher.explain(text, result.language):
            print(f"  {token} ({weight}): " + (", ".join(f"{k} {v}" for k, v in detail.items()) or "unknown word"))
    return 0
