"""Load and validate the YAML knowledge base; every problem names its file and line."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from intents.emergency import EmergencyWords
from intents.normalize import normalize
from knowledge.model import (
    LANGUAGES,
    EntryText,
    KnowledgeBase,
    KnowledgeEntry,
    OpeningHours,
    Organisation,
    Source,
)
from knowledge.yamlsource import LineDict, YamlSyntaxError, line_of, load_yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_ANSWER_CHARS = 800
MAX_TITLE_CHARS = 80
MAX_LEAD_CHARS = 200  # the first two lines of an answer: what a phone shows without scrolling
MIN_QUESTIONS = 5
MIN_KEYWORDS = 5

_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Problem:
    """One content error at a place in a file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{_display(self.path)}:{self.line}: {self.message}"


class KnowledgeBaseError(Exception):
    """The knowledge base has content errors; `problems` lists each with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("knowledge base has errors:\n" + "\n".join(str(p) for p in problems))


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- Schema (pydantic) ---------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)


class _SourceModel(_Strict):
    url: str = Field(pattern=r"^https://[^\s]+\.[^\s]+$")
    title: str = Field(min_length=3)


class _EntryMetaModel(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    topics: list[str] = Field(min_length=1)
    organisations: list[str] = Field(min_length=1)
    sources: list[_SourceModel] = Field(min_length=1)
    reviewed: dt.date
    priority: Literal["normal", "sensitive", "emergency"] = "normal"
    recheck: list[str] = Field(default_factory=list)  # facts a county must re-check before going live

    @field_validator("topics")
    @classmethod
    def _topic_tags(cls, topics: list[str]) -> list[str]:
        for topic in topics:
            if not re.fullmatch(r"[a-z][a-z0-9-]*", topic):
                raise ValueError(f"topic {topic!r} must be a lowercase tag")
        return topics

    @field_validator("reviewed")
    @classmethod
    def _not_in_future(cls, reviewed: dt.date) -> dt.date:
        if reviewed > dt.date.today():
            raise ValueError(f"reviewed date {reviewed} is in the future")
        return reviewed


class _EntriesFileModel(_Strict):
    entries: list[_EntryMetaModel] = Field(min_length=1)


class _EntryTextModel(_Strict):
    title: str = Field(min_length=2, max_length=MAX_TITLE_CHARS)
    answer: str = Field(min_length=20, max_length=MAX_ANSWER_CHARS)

    @field_validator("answer")
    @classmethod
    def _short_lead(cls, answer: str) -> str:
        lead = len("\n".join(answer.split("\n")[:2]))
        if lead > MAX_LEAD_CHARS:
            raise ValueError(
                f"the first two lines have {lead} characters; at most {MAX_LEAD_CHARS} answer the question on a "
                "phone screen, details follow"
            )
        return answer

    questions: list[str] = Field(min_length=MIN_QUESTIONS)
    keywords: list[str] = Field(min_length=MIN_KEYWORDS)
    native_reviewed: bool

    @field_validator("questions", "keywords")
    @classmethod
    def _no_blank_items(cls, items: list[str]) -> list[str]:
        for item in items:
            if not item.strip():
                raise ValueError("empty item")
        return items


class _OrganisationLabelModel(_Strict):
    label: str = Field(min_length=2, max_length=120)


class _TextsFileModel(_Strict):
    language: str
    entries: dict[str, _EntryTextModel] = Field(default_factory=dict)
    organisations: dict[str, _OrganisationLabelModel] = Field(default_factory=dict)


class _HoursModel(_Strict):
    days: str
    opens: str = Field(alias="from", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    closes: str = Field(alias="to", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @field_validator("days")
    @classmethod
    def _days(cls, days: str) -> str:
        parse_days(days)
        return days


class _OrganisationModel(_Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    sample: bool
    kind: Literal["authority", "counselling", "hotline", "portal", "emergency"]
    name: str = Field(min_length=3)
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = Field(default=None, pattern=r"^https://")
    hours: list[_HoursModel] | Literal["24/7"] | None = None
    source: str | None = Field(default=None, pattern=r"^https://")


class _OrganisationsFileModel(_Strict):
    organisations: list[_OrganisationModel] = Field(min_length=1)


def parse_days(days: str) -> tuple[int, ...]:
    """'mon-fri' -> (0..4), 'mon,thu' -> (0, 3); raises ValueError on anything else."""
    result: list[int] = []
    for part in days.split(","):
        part = part.strip()
        if "-" in part:
            start, end = (p.strip() for p in part.split("-", 1))
            if start not in _DAY_NAMES or end not in _DAY_NAMES:
                raise ValueError(f"unknown day range {part!r}")
            first, last = _DAY_NAMES.index(start), _DAY_NAMES.index(end)
            if last < first:
                raise ValueError(f"day range {part!r} runs backwards")
            result.extend(range(first, last + 1))
        elif part in _DAY_NAMES:
            result.append(_DAY_NAMES.index(part))
        else:
            raise ValueError(f"unknown day {part!r} (use mon..sun)")
    return tuple(result)


# --- Loading ---------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def validate(self, model: type[BaseModel], raw: Any, path: Path) -> Any | None:
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                where = ".".join(str(p) for p in loc) or "(file)"
                self.add(path, line_of(raw, loc), f"{where}: {error['msg']}")
            return None

    def load(self, path: Path) -> Any | None:
        try:
            raw = load_yaml(path)
        except YamlSyntaxError as exc:
            self.add(exc.path, exc.line, f"YAML syntax error: {exc.message}")
            return None
        if not isinstance(raw, LineDict):
            self.add(path, 1, "expected a mapping at the top of the file")
            return None
        return raw


def check_knowledge_base(data_dir: Path | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validate everything under `data_dir`; return the knowledge base (None on errors) and problems."""
    data_dir = (data_dir or DATA_DIR).resolve()
    found = _Collector()

    organisations = _load_organisations(data_dir / "organisations.yaml", found)
    metas = _load_entry_metas(data_dir / "entries", organisations, found)
    texts, labels = _load_texts(data_dir / "texts", metas, organisations, found)
    emergency = _load_emergency_words(data_dir / "emergency.yaml", found)

    if found.problems:
        return None, found.problems

    orgs = {
        org_id: Organisation(**{**vars(org), "labels": labels.get(org_id, {})}) for org_id, org in organisations.items()
    }
    entries = {
        entry_id: KnowledgeEntry(
            id=entry_id,
            topics=tuple(meta.topics),
            organisations=tuple(meta.organisations),
            sources=tuple(Source(url=s.url, title=s.title) for s in meta.sources),
            reviewed=meta.reviewed,
            priority=meta.priority,
            recheck=tuple(meta.recheck),
            texts={lang: texts[lang][entry_id] for lang in LANGUAGES},
        )
        for entry_id, (meta, _, _) in metas.items()
    }
    return KnowledgeBase(entries=entries, organisations=orgs, emergency=emergency), []


def load_knowledge_base(data_dir: Path | None = None) -> KnowledgeBase:
    """The validated knowledge base; raises KnowledgeBaseError listing every problem."""
    kb, problems = check_knowledge_base(data_dir)
    if problems or kb is None:
        raise KnowledgeBaseError(problems)
    return kb


class _EmergencyWordsModel(_Strict):
    cries: list[str] = Field(min_length=1)
    fillers: list[str] = Field(default_factory=list)
    danger: list[str] = Field(default_factory=list)
    alarm: list[str] = Field(default_factory=list)
    now: list[str] = Field(default_factory=list)

    @field_validator("cries", "fillers", "danger", "alarm", "now")
    @classmethod
    def _words(cls, items: list[str]) -> list[str]:
        for item in items:
            if not normalize(item.removesuffix("*")):
                raise ValueError(f"{item!r} has no letters or digits")
        return items


class _EmergencyFileModel(_Strict):
    languages: dict[str, _EmergencyWordsModel]


def _load_emergency_words(path: Path, found: _Collector) -> dict[str, EmergencyWords]:
    """The emergency words of every language (`emergency.yaml`); the curated languages need all three lists."""
    raw = found.load(path)
    if raw is None:
        return {}
    model = found.validate(_EmergencyFileModel, raw, path)
    if model is None:
        return {}
    for lang in LANGUAGES:
        words = model.languages.get(lang)
        if words is None or not words.danger or not words.fillers:
            found.add(path, line_of(raw, ("languages",)), f"{lang} needs cries, fillers and danger phrases")
    for lang in model.languages:
        if lang not in LANGUAGES and lang != "other":
            found.add(path, line_of(raw, ("languages", lang)), f"unknown language {lang!r} (use `other`)")
    return {
        lang: EmergencyWords(
            tuple(words.cries), tuple(words.fillers), tuple(words.danger), tuple(words.alarm), tuple(words.now)
        )
        for lang, words in model.languages.items()
    }


def _load_organisations(path: Path, found: _Collector) -> dict[str, Organisation]:
    if not path.exists():
        found.add(path, 1, "organisations file is missing")
        return {}
    raw = found.load(path)
    model = found.validate(_OrganisationsFileModel, raw, path) if raw is not None else None
    if model is None:
        return {}
    result: dict[str, Organisation] = {}
    for index, org in enumerate(model.organisations):
        line = line_of(raw, ("organisations", index))
        if org.id in result:
            found.add(path, line, f"organisation id {org.id!r} appears twice")
            continue
        if not org.sample and not org.source:
            found.add(path, line, f"organisation {org.id!r}: real (non-sample) data needs a `source` link")
        hours = org.hours if isinstance(org.hours, list) else []
        result[org.id] = Organisation(
            id=org.id,
            name=org.name,
            kind=org.kind,
            sample=org.sample,
            address=org.address,
            phone=org.phone,
            email=org.email,
            website=org.website,
            hours=tuple(
                OpeningHours(
                    weekdays=parse_days(h.days),
                    opens=dt.time.fromisoformat(h.opens),
                    closes=dt.time.fromisoformat(h.closes),
                )
                for h in hours
            ),
            always_open=org.hours == "24/7",
            source=org.source,
        )
    return result


def _load_entry_metas(
    directory: Path, organisations: dict[str, Organisation], found: _Collector
) -> dict[str, tuple[_EntryMetaModel, Path, int]]:
    metas: dict[str, tuple[_EntryMetaModel, Path, int]] = {}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        found.add(directory, 1, "no entry files (entries/*.yaml)")
    for path in files:
        raw = found.load(path)
        model = found.validate(_EntriesFileModel, raw, path) if raw is not None else None
        if model is None:
            continue
        for index, meta in enumerate(model.entries):
            line = line_of(raw, ("entries", index))
            if meta.id in metas:
                other_path, other_line = metas[meta.id][1:]
                found.add(path, line, f"entry id {meta.id!r} already defined at {_display(other_path)}:{other_line}")
                continue
            for org_index, org_id in enumerate(meta.organisations):
                if org_id not in organisations:
                    found.add(
                        path,
                        line_of(raw, ("entries", index, "organisations", org_index)),
                        f"entry {meta.id!r}: unknown organisation {org_id!r} (see organisations.yaml)",
                    )
            metas[meta.id] = (meta, path, line)
    return metas


def _load_texts(
    directory: Path,
    metas: dict[str, tuple[_EntryMetaModel, Path, int]],
    organisations: dict[str, Organisation],
    found: _Collector,
) -> tuple[dict[str, dict[str, EntryText]], dict[str, dict[str, str]]]:
    texts: dict[str, dict[str, EntryText]] = {lang: {} for lang in LANGUAGES}
    labels: dict[str, dict[str, str]] = {}
    where: dict[tuple[str, str], tuple[Path, int]] = {}

    if directory.is_dir():
        for extra in sorted(p for p in directory.iterdir() if p.is_dir() and p.name not in LANGUAGES):
            found.add(extra, 1, f"unknown language directory {extra.name!r} (supported: {', '.join(LANGUAGES)})")

    for lang in LANGUAGES:
        files = sorted((directory / lang).glob("*.yaml"))
        if not files:
            found.add(directory / lang, 1, f"no texts for language {lang!r}")
        for path in files:
            raw = found.load(path)
            if raw is None:
                continue
            model = found.validate(_TextsFileModel, raw, path)
            if model is None:
                continue
            if model.language != lang:
                found.add(
                    path, line_of(raw, ("language",)), f"language is {model.language!r} but the file is in {lang}/"
                )
            for org_id, label in model.organisations.items():
                if org_id not in organisations:
                    found.add(path, line_of(raw, ("organisations", org_id)), f"unknown organisation {org_id!r}")
                labels.setdefault(org_id, {})[lang] = label.label
            for entry_id, text in model.entries.items():
                line = line_of(raw, ("entries", entry_id))
                if entry_id not in metas:
                    found.add(path, line, f"text for unknown entry {entry_id!r} (not in entries/*.yaml)")
                    continue
                if entry_id in texts[lang]:
                    other_path, other_line = where[(lang, entry_id)]
                    found.add(
                        path, line, f"entry {entry_id!r} already has {lang} text at {_display(other_path)}:{other_line}"
                    )
                    continue
                texts[lang][entry_id] = EntryText(
                    language=lang,
                    title=text.title,
                    answer=text.answer,
                    questions=tuple(text.questions),
                    keywords=tuple(text.keywords),
                    native_reviewed=text.native_reviewed,
                )
                where[(lang, entry_id)] = (path, line)
            _check_duplicate_questions(raw, path, model, found)

    for entry_id, (_, meta_path, meta_line) in metas.items():
        missing = [lang for lang in LANGUAGES if entry_id not in texts[lang]]
        if missing:
            found.add(meta_path, meta_line, f"entry {entry_id!r} has no text in: {', '.join(missing)}")

    _check_duplicates_across_files(texts, where, found)
    return texts, labels


def _check_duplicate_questions(raw: LineDict, path: Path, model: _TextsFileModel, found: _Collector) -> None:
    seen: dict[str, str] = {}
    for entry_id, text in model.entries.items():
        for index, question in enumerate(text.questions):
            key = normalize(question)
            owner = seen.get(key)
            if owner is not None and owner != entry_id:
                found.add(
                    path,
                    line_of(raw, ("entries", entry_id, "questions", index)),
                    f"example question {question!r} of {entry_id!r} is also an example of {owner!r}",
                )
            seen.setdefault(key, entry_id)


def _check_duplicates_across_files(
    texts: dict[str, dict[str, EntryText]], where: dict[tuple[str, str], tuple[Path, int]], found: _Collector
) -> None:
    # Within one file the check above has exact lines; across files of one language report the entry.
    for lang, by_entry in texts.items():
        owner_of: dict[str, str] = {}
        for entry_id, text in by_entry.items():
            for question in text.questions:
                key = normalize(question)
                owner = owner_of.setdefault(key, entry_id)
                if owner != entry_id and where[(lang, owner)][0] != where[(lang, entry_id)][0]:
                    path, line = where[(lang, entry_id)]
                    found.add(
                        path, line, f"example question {question!r} of {entry_id!r} is also an example of {owner!r}"
                    )
