"""`lotse kb check`: validate the knowledge base; errors name file and line."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import print_error
from knowledge import LANGUAGES, check_knowledge_base


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kb = sub.add_parser("kb", help="knowledge-base commands")
    actions = kb.add_subparsers(metavar="ACTION")
    check = actions.add_parser("check", help="validate the knowledge base (schema, languages, references, duplicates)")
    check.add_argument("--data", type=Path, default=None, help="knowledge data directory (default: the shipped one)")
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    kb, problems = check_knowledge_base(args.data)
    for problem in problems:
        print_error(problem)
    if problems or kb is None:
        print_error(f"knowledge base: {len(problems)} problem(s)")
        return 1
    questions = sum(len(t.questions) for e in kb.entries.values() for t in e.texts.values())
    print(
        f"knowledge base OK: {len(kb.entries)} entries in {len(LANGUAGES)} languages ({', '.join(LANGUAGES)}), "
        f"{len(kb.organisations)} organisations, {questions} example questions"
    )
    return 0
