"""`lotse translate ...`: offline machine translation (optional extra lotse-bot[mt]): install models from
files, list them, translate a text, and let staff review and correct what the machine wrote."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.cli.common import print_error, settings, with_context
from bot.services import ServiceContext
from knowledge import LANGUAGES
from translations import catalog_languages
from translations.languages import STAFF_LANGUAGE
from translations.machine import ArgosEngine, InvalidModelPackage, argos_available
from translations.service import (
    CachedTranslation,
    InvalidCorrection,
    Translated,
    TranslationUnavailable,
    UnknownCachedTranslation,
)

MISSING_EXTRA = (
    "Machine translation needs the optional extra: pip install 'lotse-bot[mt]' "
    "(CPU-only: install torch from the CPU index first; see the README)."
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    translate = sub.add_parser("translate", help="offline machine translation (optional extra lotse-bot[mt])")
    actions = translate.add_subparsers(metavar="ACTION")
    install = actions.add_parser("install", help="install a local .argosmodel file (no download)")
    install.add_argument("path", type=Path)
    install.set_defaults(handler=_install)
    listing = actions.add_parser(
        "list", help="installed models and which languages have curated text or machine translation"
    )
    listing.set_defaults(handler=_list)
    text = actions.add_parser("text", help="translate a text (curated text and the cache first)")
    text.add_argument("--from", dest="source", required=True)
    text.add_argument("--to", dest="target", required=True)
    text.add_argument("--json", action="store_true")
    text.add_argument("text", nargs="+")
    text.set_defaults(handler=_text)
    review = actions.add_parser("review", help="machine translations in the cache that no person has corrected yet")
    review.add_argument("--to", dest="target", default=None, help="only translations into this language")
    review.add_argument("--limit", type=int, default=50)
    review.add_argument("--json", action="store_true")
    review.set_defaults(handler=_review)
    correct = actions.add_parser(
        "correct", help="correct a cached translation (id from 'review'); it is curated from then on"
    )
    correct.add_argument("cache_id", type=int)
    correct.add_argument("text", nargs="+")
    correct.set_defaults(handler=_correct)


def _engine() -> ArgosEngine | None:
    if not argos_available():
        print_error(MISSING_EXTRA)
        return None
    return ArgosEngine(settings().mt_home, max_models=settings().translation.max_models)


def _install(args: argparse.Namespace) -> int:
    engine = _engine()
    if engine is None:
        return 1
    if not args.path.is_file():
        print_error(f"no such file: {args.path}")
        return 1
    try:
        model = engine.install(args.path)
    except InvalidModelPackage as exc:
        print_error(exc)
        return 1
    print(
        f"installed {model.source} -> {model.target} (version {model.version}, {model.size_bytes / 1e6:.1f} MB) "
        f"in {settings().mt_home}"
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    engine = _engine()
    models = engine.installed() if engine is not None else []
    if models:
        print("installed translation models:")
        for model in models:
            size = f"{model.size_bytes / 1e6:7.1f} MB"
            print(f"  {model.source} -> {model.target}  version {model.version}  {size}  {model.path}")
    else:
        print("no translation models installed" + ("" if engine is not None else " (the [mt] extra is missing)"))
    ui = set(catalog_languages())
    machine_languages = sorted({m.source for m in models} | {m.target for m in models})
    print("\nlanguage  interface  knowledge base  machine translation (from/to German)")
    for language in [*LANGUAGES, *(code for code in machine_languages if code not in LANGUAGES)]:
        to_user = engine is not None and engine.route(STAFF_LANGUAGE, language) is not None
        from_user = engine is not None and engine.route(language, STAFF_LANGUAGE) is not None
        interface = "curated" if language in ui else "machine" if to_user else "no"
        knowledge = "curated" if language in LANGUAGES else "machine" if to_user else "no"
        print(f"  {language:6s}  {interface:9s}  {knowledge:14s}  {_staff_chat(language, to_user, from_user)}")
    return 0


def _staff_chat(language: str, to_user: bool, from_user: bool) -> str:
    if language == STAFF_LANGUAGE:
        return "staff language"
    if to_user and from_user:
        return "yes"
    return "to user only" if to_user else "from user only" if from_user else "no"


def _text(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    if not argos_available():
        print_error(MISSING_EXTRA)  # curated text and the cache still answer

    async def run(ctx: ServiceContext) -> Translated:
        return await ctx.translator.translate(text, args.source, args.target)

    try:
        result = with_context(run, machine_translation=True)
    except TranslationUnavailable as exc:
        print_error(exc)
        return 1
    if args.json:
        data = {
            "text": result.text,
            "from": result.source,
            "to": result.target,
            "origin": result.origin,
            "cached": result.cached,
            "model": result.model_version,
        }
        print(json.dumps(data, ensure_ascii=False))
    else:
        label = {"identity": "same language", "curated": "curated", "machine": "machine translation"}[result.origin]
        print(f"{result.text}\n[{label}{', from the cache' if result.cached else ''}]")
    return 0


def _review(args: argparse.Namespace) -> int:
    async def run(ctx: ServiceContext) -> list[CachedTranslation]:
        return await ctx.translator.awaiting_review(args.target, args.limit)

    rows = with_context(run)
    if args.json:
        data = [
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
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
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


def _correct(args: argparse.Namespace) -> int:
    corrected = " ".join(args.text)

    async def run(ctx: ServiceContext) -> Translated:
        return await ctx.translator.correct_cached(args.cache_id, corrected)

    try:
        result = with_context(run)
    except UnknownCachedTranslation:
        print_error(f"no cached translation #{args.cache_id} (see: lotse translate review)")
        return 1
    except InvalidCorrection as exc:
        print_error(exc)
        return 1
    print(f"corrected {result.source} -> {result.target}: served as curated text from now on")
    return 0
