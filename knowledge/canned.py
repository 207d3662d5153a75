"""The canned replies' starting set (`data/canned_replies.yaml`): prepared staff answers in German with curated
translations. Staff edit them in the web app; this file only fills an empty table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from knowledge.loader import DATA_DIR
from knowledge.model import LANGUAGES
from knowledge.yamlsource import load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _TextModel(_Strict):
    title: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=4000)


class _CannedModel(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    texts: dict[str, _TextModel]


class _FileModel(_Strict):
    canned_replies: list[_CannedModel]


@dataclass(frozen=True)
class CannedText:
    key: str
    language: str
    title: str
    text: str


def load_canned_replies(path: Path | None = None) -> list[CannedText]:
    """Every canned reply in every language it has; raises ValueError on a file that breaks the schema (a
    language Lotse does not know, a reply without German, a key used twice)."""
    raw = load_yaml(path or DATA_DIR / "canned_replies.yaml")
    model = _FileModel.model_validate(raw)
    seen: set[str] = set()
    result: list[CannedText] = []
    for canned in model.canned_replies:
        if canned.key in seen:
            raise ValueError(f"canned reply {canned.key!r} appears twice")
        seen.add(canned.key)
        if "de" not in canned.texts:
            raise ValueError(f"canned reply {canned.key!r} has no German text (staff write German)")
        for language, text in canned.texts.items():
            if language not in LANGUAGES:
                raise ValueError(f"canned reply {canned.key!r}: unknown language {language!r}")
            result.append(CannedText(canned.key, language, text.title.strip(), text.text.strip()))
    return result
