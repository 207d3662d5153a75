"""Offline machine translation with Argos Translate, run off the event loop.

Argos reads its configuration from the environment when it is first imported, so `configure_argos`
runs before that: packages, data, config and cache live under Lotse's own directory (nothing in the
user's home), the package index points nowhere (nothing is ever downloaded), and sentences are split by
spaCy's rule-based sentencizer on a blank pipeline kept in that directory. Argos's default splitter
(MiniSBD) and its spaCy fallback would otherwise fetch models from the internet on first use.

`ArgosEngine` is synchronous and runs in worker threads; `MachineTranslator` is what async code calls:
bounded queue, timeout, lazily loaded models, at most `max_models` CTranslate2 models in memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import threading
import time
import zipfile
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PIVOT_LANGUAGE = "en"


class MachineTranslationError(Exception):
    """Base class: machine translation did not produce a text."""


class MachineTranslationUnavailable(MachineTranslationError):
    """Argos Translate is not installed, or no installed model covers the language pair."""


class MachineTranslationBusy(MachineTranslationError):
    """Too many translations are waiting; try again later or fall back."""


class MachineTranslationTimeout(MachineTranslationError):
    """The translation took longer than the configured timeout."""


class MachineTranslationFailed(MachineTranslationError):
    """The model itself failed (a broken or incompatible package): Argos raised while translating."""


class InvalidModelPackage(ValueError):
    """A file that is not an Argos Translate package (.argosmodel)."""


@dataclass(frozen=True)
class InstalledModel:
    source: str
    target: str
    version: str
    path: Path
    size_bytes: int

    @property
    def key(self) -> str:
        return f"{self.source}_{self.target}-{self.version}"


_configured_home: Path | None = None
_configure_lock = threading.Lock()


def argos_available() -> bool:
    """Whether the optional `lotse-bot[mt]` dependencies are installed."""
    try:
        import importlib.util

        return importlib.util.find_spec("argostranslate") is not None and importlib.util.find_spec("spacy") is not None
    except (ImportError, ValueError):
        return False


def configure_argos(home: Path) -> None:
    """Point Argos Translate at `home` and keep it offline. Must run before argostranslate is imported;
    calling it again with the same home is harmless, with another home an error."""
    global _configured_home
    home = home.resolve()
    with _configure_lock:
        if _configured_home is not None:
            if _configured_home != home:
                raise RuntimeError(f"Argos Translate is already configured for {_configured_home}, not {home}")
            return
        if "argostranslate" in sys.modules:
            raise RuntimeError(
                "argostranslate was imported before configure_argos(); its directories are already fixed"
            )
        environment = {
            "XDG_DATA_HOME": home / "data",
            "XDG_CONFIG_HOME": home / "config",
            "XDG_CACHE_HOME": home / "cache",
            "ARGOS_PACKAGES_DIR": home / "packages",
        }
        for key, path in environment.items():
            path.mkdir(parents=True, exist_ok=True)
            os.environ[key] = str(path)
        os.environ["ARGOS_PACKAGE_INDEX"] = "file:///nonexistent/"  # never download an index
        os.environ["ARGOS_CHUNK_TYPE"] = "SPACY"  # the only sentence splitter that works offline
        os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("SPACY_WARNING_IGNORE", "W095")
        _ensure_blank_spacy(home / "cache" / "argos-translate" / "spacy")
        _configured_home = home


def _ensure_blank_spacy(path: Path) -> None:
    """A blank multilingual spaCy pipeline where Argos looks for its cached sentence model; with it in
    place Argos never tries `spacy download`."""
    if (path / "senter" / "model").exists():
        return
    import spacy

    path.parent.mkdir(parents=True, exist_ok=True)
    spacy.blank("xx").to_disk(path)
    (path / "senter" / "model").mkdir(parents=True, exist_ok=True)


def read_package_metadata(path: Path) -> dict[str, Any]:
    """The metadata.json of an .argosmodel file (raises InvalidModelPackage)."""
    if not zipfile.is_zipfile(path):
        raise InvalidModelPackage(f"{path} is not an Argos Translate package (not a zip archive)")
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith("/metadata.json")]
        if len(names) != 1:
            raise InvalidModelPackage(f"{path} has no metadata.json in a top-level folder")
        try:
            metadata = json.loads(archive.read(names[0]))
        except json.JSONDecodeError as exc:
            raise InvalidModelPackage(f"{path}: metadata.json is not valid JSON") from exc
        if not isinstance(metadata, dict):
            raise InvalidModelPackage(f"{path}: metadata.json is not a JSON object")
        folder = names[0].split("/")[0]
        if not any(n.startswith(f"{folder}/model/") for n in archive.namelist()):
            raise InvalidModelPackage(f"{path} has no CTranslate2 model/ folder")
    if metadata.get("type", "translate") != "translate" or not metadata.get("from_code") or not metadata.get("to_code"):
        raise InvalidModelPackage(f"{path} is not a translation package (type, from_code and to_code are required)")
    return metadata


class ArgosEngine:
    """Synchronous access to Argos Translate; call from worker threads (it holds a lock)."""

    def __init__(self, home: Path, *, max_models: int = 2) -> None:
        configure_argos(home)
        self.home = home
        self.max_models = max(1, max_models)
        self._lock = threading.Lock()
        self._loaded: OrderedDict[str, Any] = OrderedDict()  # package key -> PackageTranslation, LRU order
        self._installed: list[InstalledModel] | None = None  # read from disk once, again after install()
        self.calls = 0  # translations that reached Argos (for tests and statistics)

    # --- models ----------------------------------------------------------------------------

    def installed(self) -> list[InstalledModel]:
        """Installed translation packages (cached: asked on every message to know the offered languages)."""
        if self._installed is None:
            self._installed = self._read_installed()
        return self._installed

    def _read_installed(self) -> list[InstalledModel]:
        from argostranslate import package

        models = []
        for pkg in package.get_installed_packages():
            if getattr(pkg, "type", "translate") != "translate":
                continue
            size = sum(p.stat().st_size for p in Path(pkg.package_path).rglob("*") if p.is_file())
            models.append(
                InstalledModel(pkg.from_code, pkg.to_code, pkg.package_version or "?", Path(pkg.package_path), size)
            )
        return sorted(models, key=lambda m: (m.source, m.target))

    def install(self, path: Path) -> InstalledModel:
        """Install a local .argosmodel file (replacing an installed package of the same pair)."""
        from argostranslate import package

        metadata = read_package_metadata(path)
        with self._lock:
            for existing in package.get_installed_packages():
                if existing.from_code == metadata["from_code"] and existing.to_code == metadata["to_code"]:
                    self._forget_loaded()
                    package.uninstall(existing)
            package.install_from_path(path)
            self._forget_loaded()
            self._installed = None
        for model in self.installed():
            if model.source == metadata["from_code"] and model.target == metadata["to_code"]:
                return model
        raise InvalidModelPackage(f"{path} was extracted but Argos does not list it as installed")

    def uninstall(self, source: str, target: str) -> bool:
        """Remove the installed package of a language pair; False when there is none."""
        from argostranslate import package

        with self._lock:
            found = [p for p in package.get_installed_packages() if (p.from_code, p.to_code) == (source, target)]
            for existing in found:
                self._forget_loaded()
                package.uninstall(existing)
            self._installed = None
        return bool(found)

    def route(self, source: str, target: str) -> list[InstalledModel] | None:
        """The models a translation would use: one (direct) or two (through English), or None."""
        by_pair = {(m.source, m.target): m for m in self.installed()}
        if (source, target) in by_pair:
            return [by_pair[(source, target)]]
        first, second = by_pair.get((source, PIVOT_LANGUAGE)), by_pair.get((PIVOT_LANGUAGE, target))
        if first and second:
            return [first, second]
        return None

    def model_version(self, source: str, target: str) -> str | None:
        route = self.route(source, target)
        return "+".join(m.key for m in route) if route else None

    # --- translation -------------------------------------------------------------------------

    def translate(self, text: str, source: str, target: str) -> str:
        from argostranslate import translate as argos_translate

        if self.route(source, target) is None:
            raise MachineTranslationUnavailable(f"no installed model translates {source} to {target}")
        with self._lock:
            translation = argos_translate.get_translation_from_codes(source, target)
            if translation is None:
                raise MachineTranslationUnavailable(f"Argos has no translation {source} to {target}")
            self.calls += 1
            try:
                result = str(translation.translate(text))
            except Exception as exc:  # Argos and CTranslate2 raise anything on a broken model: it is a failure
                raise MachineTranslationFailed(f"the {source}->{target} model failed: {exc!r}") from exc
            self._track(translation)
            return result

    def _track(self, translation: Any) -> None:
        """Remember which models were just used; unload the least recently used beyond `max_models`."""
        for package_translation in _package_translations(translation):
            key = f"{package_translation.pkg.from_code}_{package_translation.pkg.to_code}"
            self._loaded[key] = package_translation
            self._loaded.move_to_end(key)
        while len([p for p in self._loaded.values() if getattr(p, "translator", None) is not None]) > self.max_models:
            key, oldest = next(iter(self._loaded.items()))
            self._loaded.pop(key)
            if getattr(oldest, "translator", None) is not None:
                log.info("unloading translation model %s to stay within %d models", key, self.max_models)
                oldest.translator = None  # Argos reloads it lazily when the pair is needed again

    def loaded_models(self) -> list[str]:
        return [key for key, p in self._loaded.items() if getattr(p, "translator", None) is not None]

    def _forget_loaded(self) -> None:
        self._loaded.clear()
        from argostranslate import translate as argos_translate

        argos_translate.installed_translates.clear()
        argos_translate.get_installed_languages.cache_clear()


def _package_translations(translation: Any) -> list[Any]:
    """The PackageTranslations inside Argos's cached/composite translation objects."""
    found = []
    stack = [translation]
    while stack:
        item = stack.pop()
        if hasattr(item, "pkg") and hasattr(item, "translator"):
            found.append(item)
        for attribute in ("underlying", "t1", "t2"):
            child = getattr(item, attribute, None)
            if child is not None:
                stack.append(child)
    return found


class MachineTranslator:
    """Async front of the engine: one worker thread, a bounded queue and a timeout.

    A translation counts as pending until the worker has finished it, not merely until its caller gave
    up: a timed-out translation still occupies the worker, so requests behind it are refused at once
    (and fall back) instead of piling up in the executor's queue.
    """

    def __init__(self, engine: ArgosEngine, *, timeout: float = 20.0, max_pending: int = 8, workers: int = 1) -> None:
        self.engine = engine
        self.timeout = timeout
        self.max_pending = max_pending
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argos")
        self._pending = 0
        self._pending_lock = threading.Lock()

    def model_version(self, source: str, target: str) -> str | None:
        return self.engine.model_version(source, target)

    @property
    def pending(self) -> int:
        """Translations queued or running in the worker (timed-out ones included until they end)."""
        return self._pending

    def _release(self, _future: object) -> None:
        with self._pending_lock:
            self._pending -= 1

    async def translate(self, text: str, source: str, target: str) -> str:
        with self._pending_lock:
            if self._pending >= self.max_pending:
                raise MachineTranslationBusy(f"{self._pending} translations are already waiting")
            self._pending += 1
        started = time.monotonic()
        try:
            job = self._executor.submit(self.engine.translate, text, source, target)
        except RuntimeError:  # the executor was shut down
            self._release(None)
            raise MachineTranslationUnavailable("machine translation has been shut down") from None
        job.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(job), self.timeout)
        except TimeoutError as exc:
            job.cancel()  # drops it if it has not started; a running translation ends on its own
            raise MachineTranslationTimeout(f"no translation {source}->{target} within {self.timeout:.0f} s") from exc
        finally:
            log.debug("translation %s->%s took %.0f ms", source, target, (time.monotonic() - started) * 1000)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
