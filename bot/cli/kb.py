"""`lotse kb check`: validate the knowledge base; errors name file and line."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import print_error
from knowledge import LANGUAGES, KnowledgeBase, check_knowledge_base
from knowledge.hygiene import keyword_warnings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kb = sub.add_parser("kb", help="knowledge-base commands")
    actions = kb.add_subparsers(metavar="ACTION")
    check = actions.add_parser("check", help="validate the knowledge base (schema, languages, references, duplicates)")
    check.add_argument("--data", type=Path, default=None, help="knowledge data directory (default: the shipped one)")
    check.add_argument(
        "--before-going-live",
        action="store_true",
        help="also list what a county must re-check before going live (unsettled facts, sample contact data)",
    )
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    kb, problems = check_knowledge_base(args.data)
    for problem in problems:
        print_error(problem)
    if problems or kb is None:
        print_error(f"knowledge base: {len(problems)} problem(s)")
        return 1
    for warning in keyword_warnings(kb):
        print(f"warning: {warning}")
    if args.before_going_live:
        _print_recheck(kb)
    questions = sum(len(t.questions) for e in kb.entries.values() for t in e.texts.values())
    print(
        f"knowledge base OK: {len(kb.entries)} entries in {len(LANGUAGES)} languages ({', '.join(LANGUAGES)}), "
        f"{len(kb.organisations)} organisations, {questions} example questions"
    )
    return 0


def _print_recheck(kb: KnowledgeBase) -> None:
    """What rests on facts that may have changed, and the sample contacts a county replaces."""
    entries = [entry for entry in kb.entries.values() if entry.recheck]
    print(f"before going live, re-check these {len(entries)} entries against the live official sources:")
    for entry in sorted(entries, key=lambda e: e.id):
        print(
            f"  {entry.id} (reviewed {entry.reviewed.isoformat()}; sources: {', '.join(s.url for s in entry.sources)})"
        )
        for item in entry.recheck:
            print(f"    - {item}")
    samples = sorted(org.id for org in kb.organisations.values() if org.sample)
    print(f"and replace the sample contact data of {len(samples)} organisations in organisations.yaml:")
    print("  " + ", ".join(samples))
