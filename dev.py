#!/usr/bin/env python3
"""The two commands of the quick start, needing nothing but Python 3.11+ and git.

    python3 dev.py start    # the bot with LOTSE_TELEGRAM_TOKEN set, else the local demo in your browser
    python3 dev.py test     # the whole test suite (extra arguments go to pytest)
    python3 dev.py check    # the static checks CI runs: ruff, ruff format, mypy, import-linter

Optional: `python3 dev.py install-mt` adds offline machine translation (Argos Translate) with a CPU-only
build of PyTorch (torch==2.13.0, which this project's CI machines provide locally).

Both create a virtual environment in .venv on first use and install the project into it (again only when
pyproject.toml changes).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3: say why it stops
        sys.exit(f"Lotse needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    stamp = VENV / f".installed-{extras or 'base'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    print(f"installing lotse-bot{f'[{extras}]' if extras else ''} into .venv ...", flush=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT, check=True)
    stamp.write_text(wanted)


# The static checks, configured in pyproject.toml; each runs even if an earlier one failed.
CHECKS = (
    ("ruff", "check", "."),
    ("ruff", "format", "--check", "."),
    ("mypy",),
    ("lint-imports",),
)


def check() -> int:
    failed = []
    for tool, *args in CHECKS:
        print(f"$ {tool} {' '.join(args)}", flush=True)
        if subprocess.call([str(BIN / tool), *args], cwd=ROOT) != 0:
            failed.append(tool if tool != "ruff" else f"ruff {args[0]}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "start":
        ensure_environment("")
        return subprocess.call([str(BIN / "lotse"), "start", *argv[1:]], cwd=ROOT)
    if command == "install-mt":
        ensure_environment("")
        python = str(BIN / "python")
        print("installing a CPU-only PyTorch and the [mt] extra into .venv ...", flush=True)
        torch = os.environ.get("LOTSE_TORCH_REQUIREMENT", "torch==2.13.0")
        subprocess.run([python, "-m", "pip", "install", "--quiet", torch], check=True)
        return subprocess.call([python, "-m", "pip", "install", "--quiet", "-e", ".[mt]"], cwd=ROOT)
    if command == "test":
        ensure_environment("test")
        return subprocess.call([str(BIN / "python"), "-m", "pytest", *argv[1:]], cwd=ROOT)
    if command == "check":
        ensure_environment("test")
        return check()
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
