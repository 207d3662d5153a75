"""`lotse`: start the bot or the demo, migrate the database, check content, measure matching."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from bot.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lotse", description="Lotse: multilingual Telegram assistant of a migration coordination office"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the bot does")
    sub = parser.add_subparsers(metavar="COMMAND")

    start = sub.add_parser("start", help="run the bot (LOTSE_TELEGRAM_TOKEN set) or the local demo (no token)")
    start.set_defaults(handler=_start)
    demo = sub.add_parser("demo", help="run the local demo: the bot, a fake Telegram and a browser chat")
    demo.set_defaults(handler=_demo)

    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", help="apply all migrations")
    upgrade.set_defaults(handler=_db_upgrade)

    kb = sub.add_parser("kb", help="knowledge-base commands")
    kb_sub = kb.add_subparsers(metavar="ACTION")
    check = kb_sub.add_parser("check", help="validate the knowledge base (schema, languages, references, duplicates)")
    check.add_argument("--data", type=Path, default=None, help="knowledge data directory (default: the shipped one)")
    check.set_defaults(handler=_kb_check)

    evaluate = sub.add_parser("eval", help="measure matching on a JSON-lines file of {text, lang, expect}")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--json", action="store_true", help="one JSON line per case")
    evaluate.set_defaults(handler=_eval)

    ask = sub.add_parser("ask", help="show what the bot would answer")
    ask.add_argument("--lang", default=None, help="language code (default: detected from the text)")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--explain", action="store_true", help="show which words matched which entries")
    ask.add_argument("text", nargs="+")
    ask.set_defaults(handler=_ask)

    translate = sub.add_parser("translate", help="offline machine translation (optional extra lotse-bot[mt])")
    translate_sub = translate.add_subparsers(metavar="ACTION")
    install = translate_sub.add_parser("install", help="install a local .argosmodel file (no download)")
    install.add_argument("path", type=Path)
    install.set_defaults(handler=_translate_install)
    listing = translate_sub.add_parser(
        "list", help="installed models and which languages have curated text or machine translation"
    )
    listing.set_defaults(handler=_translate_list)
    text = translate_sub.add_parser("text", help="translate a text (curated text and the cache first)")
    text.add_argument("--from", dest="source", required=True)
    text.add_argument("--to", dest="target", required=True)
    text.add_argument("--json", action="store_true")
    text.add_argument("text", nargs="+")
    text.set_defaults(handler=_translate_text)
    review = translate_sub.add_parser(
        "review", help="machine translations in the cache that no person has corrected yet"
    )
    review.add_argument("--to", dest="target", default=None, help="only translations into this language")
    review.add_argument("--limit", type=int, default=50)
    review.add_argument("--json", action="store_true")
    review.set_defaults(handler=_translate_review)
    correct = translate_sub.add_parser(
        "correct", help="correct a cached translation (id from 'review'); it is curated from then on"
    )
    correct.add_argument("cache_id", type=int)
    correct.add_argument("text", nargs="+")
    correct.set_defaults(handler=_translate_correct)

    questions = sub.add_parser("questions", help="the anonymous question log")
    questions_sub = questions.add_subparsers(metavar="ACTION")
    unanswered = questions_sub.add_parser(
        "unanswered", help="recent questions the bot could not answer (to improve the knowledge base)"
    )
    unanswered.add_argument("--limit", type=int, default=50)
    unanswered.set_defaults(handler=_questions_unanswered)

    cases = sub.add_parser("cases", help="hand-overs to staff")
    cases_sub = cases.add_subparsers(metavar="ACTION")
    cases_list = cases_sub.add_parser("list", help="list open cases with their conversation")
    cases_list.add_argument("--all", action="store_true", help="closed cases too")
    cases_list.add_argument("--json", action="store_true")
    cases_list.set_defaults(handler=_cases_list)
    cases_reply = cases_sub.add_parser("reply", help="reply to a case in German; the bot translates and sends it")
    cases_reply.add_argument("case_id", type=int)
    cases_reply.add_argument("text", nargs="+")
    cases_reply.set_defaults(handler=_cases_reply)
    return parser


def _start(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.telegram_token:
        from bot.runtime import run_bot

        run_bot(settings)
        return 0
    print("No LOTSE_TELEGRAM_TOKEN configured: starting the local demo.")
    return _demo(args)


def _demo(args: argparse.Namespace) -> int:
    from bot.runtime import run_demo

    asyncio.run(run_demo(Settings()))
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    async def nothing(ctx) -> None:
        return None

    _with_database(nothing)
    print(f"database is up to date: {Settings().effective_database_url}")
    return 0


def _kb_check(args: argparse.Namespace) -> int:
    from knowledge import LANGUAGES, check_knowledge_base

    kb, problems = check_knowledge_base(args.data)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems or kb is None:
        print(f"knowledge base: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    questions = sum(len(t.questions) for e in kb.entries.values() for t in e.texts.values())
    print(
        f"knowledge base OK: {len(kb.entries)} entries in {len(LANGUAGES)} languages ({', '.join(LANGUAGES)}), {len(kb.organisations)} organisations, {questions} example questions"
    )
    return 0


def _matcher():
    from bot.services import build_matcher
    from knowledge import load_knowledge_base

    settings = Settings()
    kb = load_knowledge_base()
    return kb, build_matcher(kb, settings)


def _eval(args: argparse.Namespace) -> int:
    from intents.evaluation import EvalFileError, evaluate, read_cases

    try:
        cases = read_cases(args.file)
    except (OSError, EvalFileError) as exc:
        print(exc, file=sys.stderr)
        return 1
    _, matcher = _matcher()
    report = evaluate(matcher, cases)
    if args.json:
        for r in report.results:
            print(
                json.dumps(
                    {
                        "text": r.case.text,
                        "lang": r.case.lang,
                        "expect": r.case.expect,
                        "entry": r.entry,
                        "score": r.score,
                    },
                    ensure_ascii=False,
                )
            )
        return 0
    print(f"cases: {len(report.results)} ({len(report.in_scope)} in scope, {len(report.out_of_scope)} out of scope)")
    print(f"top-1 accuracy:          {report.top1_accuracy:6.1%}")
    print(f"answered directly:       {report.answered_directly:6.1%}")
    print(f"out-of-scope rejection:  {report.rejection_rate:6.1%}")
    print("\nper language:   top-1   direct   rejection   (cases)")
    for language, part in report.by_language().items():
        top1 = f"{part.top1_accuracy:6.1%}" if part.in_scope else "   n/a"
        direct = f"{part.answered_directly:6.1%}" if part.in_scope else "   n/a"
        rejection = f"{part.rejection_rate:6.1%}" if part.out_of_scope else "   n/a"
        print(f"  {language:6s}      {top1}  {direct}   {rejection}     ({len(part.results)})")
    confusions = report.confusions()
    if confusions:
        print("\nconfusions (expected -> got: count):")
        for (expected, got), count in confusions.most_common():
            print(f"  {expected} -> {got}: {count}")
    return 0


def _ask(args: argparse.Namespace) -> int:
    from intents import classify_small_talk

    text = " ".join(args.text)
    kb, matcher = _matcher()
    small_talk = classify_small_talk(text)
    result = matcher.match_question(text, args.lang)
    top = result.top if small_talk is None else None
    language = args.lang or result.language
    entry = kb.get(top.entry_id) if top else None
    entry_text = entry.text(language) if entry else None
    data = {
        "entry": top.entry_id if top else None,
        "score": top.score if top else None,
        "lang": language,
        "decision": "small-talk" if small_talk else result.decision,
        "answer": entry_text.answer if entry_text and result.decision == "answer" else None,
        "alternatives": [{"entry": c.entry_id, "score": c.score} for c in (result.candidates[1:] if top else ())],
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
        for alt in data["alternatives"]:
            print(f"  alternative: {alt['entry']} ({alt['score']})")
    if args.explain:
        print("\nwords (weight): matches")
        for token, weight, detail in matcher.explain(text, result.language):
            print(f"  {token} ({weight}): " + (", ".join(f"{k} {v}" for k, v in detail.items()) or "unknown word"))
    return 0


def _with_database(run):
    """Run `run(ctx)` against the configured database (migrated first), without loading the knowledge base."""
    from bot.db import Database
    from bot.services.context import ServiceContext
    from intents import Matcher
    from knowledge import KnowledgeBase

    settings = Settings()

    async def main():
        db = Database(settings.effective_database_url)
        try:
            await db.upgrade()
            return await run(ServiceContext(settings, db, KnowledgeBase({}, {}), Matcher([])))
        finally:
            await db.dispose()

    return asyncio.run(main())


def _engine(settings: Settings):
    from translations.machine import ArgosEngine, argos_available

    if not argos_available():
        print(
            "Machine translation needs the optional extra: pip install 'lotse-bot[mt]' "
            "(CPU-only: install torch from the CPU index first; see the README).",
            file=sys.stderr,
        )
        return None
    return ArgosEngine(settings.effective_mt_home, max_models=settings.mt_max_models)


def _translate_install(args: argparse.Namespace) -> int:
    from translations.machine import InvalidModelPackage

    settings = Settings()
    engine = _engine(settings)
    if engine is None:
        return 1
    if not args.path.is_file():
        print(f"no such file: {args.path}", file=sys.stderr)
        return 1
    try:
        model = engine.install(args.path)
    except InvalidModelPackage as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"installed {model.source} -> {model.target} (version {model.version}, {model.size_bytes / 1e6:.1f} MB) in {settings.effective_mt_home}"
    )
    return 0


def _translate_list(args: argparse.Namespace) -> int:
    from knowledge import LANGUAGES
    from translations import catalog_languages

    settings = Settings()
    engine = _engine(settings)
    models = engine.installed() if engine is not None else []
    if models:
        print("installed translation models:")
        for model in models:
            print(
                f"  {model.source} -> {model.target}  version {model.version}  {model.size_bytes / 1e6:7.1f} MB  {model.path}"
            )
    else:
        print("no translation models installed" + ("" if engine is not None else " (the [mt] extra is missing)"))
    ui = set(catalog_languages())
    machine_languages = sorted({m.source for m in models} | {m.target for m in models})
    print("\nlanguage  interface  knowledge base  machine translation (from/to German)")
    for language in list(LANGUAGES) + [l for l in machine_languages if l not in LANGUAGES]:
        to_user = engine is not None and engine.route("de", language) is not None
        from_user = engine is not None and engine.route(language, "de") is not None
        machine = (
            "staff language"
            if language == "de"
            else "yes"
            if to_user and from_user
            else "to user only"
            if to_user
            else "from user only"
            if from_user
            else "no"
        )
        print(
            f"  {language:6s}  {'curated' if language in ui else 'machine' if to_user else 'no':9s}  {'curated' if language in LANGUAGES else 'machine' if to_user else 'no':14s}  {machine}"
        )
    return 0


def _translate_text(args: argparse.Namespace) -> int:
    from knowledge import load_knowledge_base
    from translations.machine import MachineTranslator
    from translations.service import CuratedTexts, TranslationService, TranslationUnavailable

    settings = Settings()
    engine = _engine(settings)
    machine = (
        MachineTranslator(engine, timeout=settings.mt_timeout_seconds, max_pending=settings.mt_max_pending)
        if engine
        else None
    )
    curated = CuratedTexts(load_knowledge_base())
    text = " ".join(args.text)

    async def run(ctx):
        return await TranslationService(ctx.db, machine, curated).translate(text, args.source, args.target)

    try:
        result = _with_database(run)
    except TranslationUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        if machine is not None:
            machine.close()
    if args.json:
        print(
            json.dumps(
                {
                    "text": result.text,
                    "from": result.source,
                    "to": result.target,
                    "origin": result.origin,
                    "cached": result.cached,
                    "model": result.model_version,
                },
                ensure_ascii=False,
            )
        )
    else:
        label = {"identity": "same language", "curated": "curated", "machine": "machine translation"}[result.origin]
        print(f"{result.text}\n[{label}{', from the cache' if result.cached else ''}]")
    return 0


def _translate_review(args: argparse.Namespace) -> int:
    from translations.service import TranslationService

    rows = _with_database(lambda ctx: TranslationService(ctx.db).awaiting_review(args.target, args.limit))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "from": r.source,
                        "to": r.target,
                        "text": r.source_text,
                        "translation": r.translated_text,
                        "model": r.model_version,
                        "created_at": r.created_at.isoformat(),
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not rows:
        print("no machine translations awaiting review")
    for row in rows:
        print(f"#{row.id}  {row.source} -> {row.target}  {row.created_at:%Y-%m-%d}  model {row.model_version}")
        print(f"    original:    {row.source_text[:300]}")
        print(f"    translation: {row.translated_text[:300]}")
    if rows:
        print('\ncorrect one with: lotse translate correct ID "corrected text"')
    return 0


def _translate_correct(args: argparse.Namespace) -> int:
    from translations.service import TranslationService

    corrected = " ".join(args.text)
    try:
        result = _with_database(lambda ctx: TranslationService(ctx.db).correct_cached(args.cache_id, corrected))
    except KeyError:
        print(f"no cached translation #{args.cache_id} (see: lotse translate review)", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"corrected {result.source} -> {result.target}: served as curated text from now on")
    return 0


def _questions_unanswered(args: argparse.Namespace) -> int:
    from bot.services import unanswered_questions

    rows = _with_database(lambda ctx: unanswered_questions(ctx, args.limit))
    if not rows:
        print("no unanswered questions")
    for row in rows:
        print(f"{row.asked_on}  [{row.language}]  {row.text}")
    return 0


def _cases_reply(args: argparse.Namespace) -> int:
    from bot.services import CaseNotFound, reply_to_case

    try:
        queued = _with_database(lambda ctx: reply_to_case(ctx, args.case_id, " ".join(args.text)))
    except CaseNotFound as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"reply queued for case {queued.case_id}; the running bot translates and sends it within seconds")
    return 0


def _cases_list(args: argparse.Namespace) -> int:
    from bot.services import list_cases

    cases = _with_database(lambda ctx: list_cases(ctx, None if args.all else "open"))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "status": c.status,
                        "reason": c.reason,
                        "person_requested": c.person_requested,
                        "language": c.language,
                        "created_at": c.created_at.isoformat(),
                        "messages": [
                            {
                                "sender": m.sender,
                                "text": m.text,
                                "language": m.language,
                                "translation": m.translated_text,
                                "translation_origin": m.translation_origin,
                                "at": m.created_at.isoformat(),
                            }
                            for m in c.messages
                        ],
                    }
                    for c in cases
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not cases:
        print("no open cases" if not args.all else "no cases")
    for case in cases:
        flag = "person requested" if case.person_requested else "unanswered question"
        print(f"case {case.id} [{case.status}] {case.created_at:%Y-%m-%d %H:%M} UTC  language={case.language}  {flag}")
        for line in case.messages:
            print(f"    {line.created_at:%H:%M} {line.sender:5s} [{line.language or '?'}] {line.text[:200]}")
            if line.translated_text and line.translated_text != line.text:
                print(f"                [{line.translation_origin} translation] {line.translated_text[:200]}")
            elif line.translation_origin == "pending":
                print("                [translation pending: the translator was busy; the running bot catches up]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
