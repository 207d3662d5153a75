"""Machine translation throughput and latency with the tiny test model: cold, warm and cached.

Builds tiny Argos packages (tests/fakes/tiny_model.py), installs them in a temporary directory and
measures, on this machine:
- cold: the first translation (loads the CTranslate2 model),
- machine: new sentences translated by Argos (direct and through English),
- cached: the same sentences again, served from the database cache (no call into Argos).
The tiny model decodes one token per sentence, so the figures show the overhead around a model
(thread hand-off, tokenisation, sentence splitting, cache) rather than a real model's speed.

    python bench/translation_bench.py [--sentences N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.db import Database, SqlTranslationStore  # noqa: E402
from tests.fakes.tiny_model import build_package  # noqa: E402
from translations.machine import ArgosEngine, MachineTranslator  # noqa: E402
from translations.service import TranslationService  # noqa: E402


def figures(name: str, samples: list[float]) -> str:
    p99 = statistics.quantiles(samples, n=100)[98] if len(samples) >= 2 else samples[0]
    total = sum(samples) / 1000
    median = statistics.median(samples)
    return f"{name:34s} p50 {median:7.2f} ms   p99 {p99:7.2f} ms   {len(samples) / total:8.0f} translations/s"


async def main(sentences: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="lotse-mt-bench-"))
    engine = ArgosEngine(work / "argos", max_models=4)
    for index, (source, target) in enumerate([("de", "en"), ("en", "uk")]):
        engine.install(build_package(work / "models", source, target, seed=index))
    machine = MachineTranslator(engine, timeout=60, max_pending=1000)
    db = Database(f"sqlite+aiosqlite:///{work / 'bench.sqlite3'}")
    await db.upgrade()
    service = TranslationService(SqlTranslationStore(db), machine)
    texts = [f"Bitte bringen Sie am {day}. Tag Ihren Pass und {day} Kopien mit." for day in range(sentences)]

    started = time.perf_counter()
    await service.translate("Erster Satz.", "de", "en")
    print(f"cold start (first translation, model load): {(time.perf_counter() - started) * 1000:.0f} ms\n")

    for source, target, label in [("de", "en", "direct de->en"), ("de", "uk", "pivot de->en->uk")]:
        machine_samples, cached_samples = [], []
        for text in texts:
            start = time.perf_counter()
            await service.translate(text, source, target)
            machine_samples.append((time.perf_counter() - start) * 1000)
        calls = engine.calls
        for text in texts:
            start = time.perf_counter()
            await service.translate(text, source, target)
            cached_samples.append((time.perf_counter() - start) * 1000)
        assert engine.calls == calls, "cached translations must not reach Argos"
        print(figures(f"machine, {label}", machine_samples))
        print(figures(f"cached,  {label}", cached_samples))
    machine.close()
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=300)
    asyncio.run(main(parser.parse_args().sentences))
