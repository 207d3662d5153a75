"""Build a tiny but real Argos Translate package offline, for tests and benchmarks.

The package is what argostranslate expects from its index: a zip with one folder holding
`metadata.json`, a CTranslate2 Transformer under `model/`, a `sentencepiece.model`, and a blank spaCy
pipeline under `spacy/` for sentence splitting. The sentencepiece model is trained on a few hundred
generated sentences; the Transformer has one layer of width 8 with hand-set weights, so its output is
deterministic: every sentence "translates" to the package's marker word (e.g. "[de>en]"). That says
nothing about translation quality and everything about the real path: install, languages, pivots,
tokenisation, CTranslate2 decoding, caching.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

_WORDS = (
    "hallo welt wohnung anmeldung kindergeld jobcenter termin schule arzt hilfe "
    "hello world flat registration money appointment school doctor help "
    "привіт світ квартира гроші школа лікар допомога مرحبا بيت مدرسة مساعدة"
).split()

D_MODEL = 8
D_FFN = 16


def marker(source: str, target: str) -> str:
    """The word a tiny package outputs for every sentence."""
    return f"[{source}>{target}]"


def build_package(directory: Path, source: str, target: str, *, version: str = "1.0", seed: int = 0) -> Path:
    """Write `translate-<source>_<target>-<version>.argosmodel` into `directory`; return its path."""
    import sentencepiece as spm
    from ctranslate2.specs import model_spec, transformer_spec

    work = Path(tempfile.mkdtemp(prefix="tiny-argos-"))
    try:
        rng = random.Random(seed)
        lines = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 9))) for _ in range(300)]
        (work / "corpus.txt").write_text("\n".join(lines), encoding="utf-8")
        word = marker(source, target)
        spm.SentencePieceTrainer.train(
            input=str(work / "corpus.txt"),
            model_prefix=str(work / "sp"),
            vocab_size=120,
            hard_vocab_limit=False,
            bos_id=-1,
            eos_id=-1,
            pad_id=-1,
            unk_id=0,
            character_coverage=1.0,
            user_defined_symbols=[word],
            minloglevel=2,
        )
        sp = spm.SentencePieceProcessor(model_file=str(work / "sp.model"))
        pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size()) if sp.id_to_piece(i) != "<unk>"]
        vocabulary = ["<unk>", "<s>", "</s>", "<blank>", *pieces]

        spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=2)
        _set_weights(spec, vocabulary, word, model_spec)
        spec.register_source_vocabulary(vocabulary)
        spec.register_target_vocabulary(vocabulary)
        spec.validate()

        name = f"translate-{source}_{target}-{version.replace('.', '_')}"
        package = work / name
        (package / "model").mkdir(parents=True)
        spec.save(str(package / "model"))
        shutil.copy(work / "sp.model", package / "sentencepiece.model")
        _blank_spacy(package / "spacy")
        metadata = {
            "type": "translate",
            "package_version": version,
            "argos_version": "1.9",
            "from_code": source,
            "from_name": source,
            "to_code": target,
            "to_name": target,
        }
        (package / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
        (package / "README.md").write_text(
            f"Tiny test package {source} -> {target}; output is always {word}.\n", encoding="utf-8"
        )
        directory.mkdir(parents=True, exist_ok=True)
        target_path = directory / f"{name}.argosmodel"
        with zipfile.ZipFile(target_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(package.rglob("*")):
                archive.write(path, path.relative_to(work))
        return target_path
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _blank_spacy(path: Path) -> None:
    import spacy

    spacy.blank("xx").to_disk(path)


def _set_weights(spec, vocabulary: list[str], word: str, model_spec) -> None:
    """Zero attention and feed-forward layers; embeddings and projection chosen so the decoder emits
    `word` after the start token and then the end token."""
    size = len(vocabulary)
    start, end, output = vocabulary.index("<s>"), vocabulary.index("</s>"), vocabulary.index(word)
    embeddings = np.zeros((size, D_MODEL), dtype=np.float32)
    embeddings[:, 1] = 10.0  # every token but the start token points one way ...
    embeddings[start] = 0.0
    embeddings[start, 0] = 10.0  # ... the start token another
    projection = np.zeros((size, D_MODEL), dtype=np.float32)
    projection[output, 0] = 5.0  # after <s>: the marker word
    projection[end, 1] = 5.0  # after anything else: </s>

    def shape(name: str) -> tuple[int, ...]:
        if name.endswith(("gamma", "beta")):
            return (D_MODEL,)
        if "self_attention.linear[0]" in name:
            return (3 * D_MODEL, D_MODEL)
        if ".attention.linear[1]" in name:
            return (2 * D_MODEL, D_MODEL)
        if "linear_0" in name:
            return (D_FFN, D_MODEL)
        if "linear_1" in name:
            return (D_MODEL, D_FFN)
        return (D_MODEL, D_MODEL)

    def fill(layer, prefix: str) -> None:
        for attribute, value in list(vars(layer).items()):
            name = prefix + attribute
            if isinstance(value, model_spec.LayerSpec):
                fill(value, name + ".")
            elif isinstance(value, list) and value and isinstance(value[0], model_spec.LayerSpec):
                for index, item in enumerate(value):
                    fill(item, f"{name}[{index}].")
            elif value is None:
                if name.endswith("embeddings[0].weight") or name == "decoder.embeddings.weight":
                    array = embeddings
                elif name == "decoder.projection.weight":
                    array = projection
                elif name.endswith("gamma"):
                    array = np.ones(shape(name), dtype=np.float32)
                else:
                    array = np.zeros(shape(name), dtype=np.float32)
                setattr(layer, attribute, array)

    fill(spec, "")
