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


def _wanted() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def installed(extras: str) -> bool:
    """Whether .venv holds the project with `extras`, installed from pyproject.toml as it is now (the test
    extra brings everything `start` needs too)."""
    names = [extras or "base", *(["test"] if not extras else [])]
    stamps = [VENV / f".installed-{name}" for name in names]
    return any(stamp.is_file() and stamp.read_text() == _wanted() for stamp in stamps)


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3: say why it stops
        sys.exit(f"Lotse needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if installed(extras):
        return
    if not (BIN / "python").exists():
        print("creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    print(f"installing lotse-bot{f'[{extras}]' if extras else ''} into .venv ...", flush=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT, check=True)
    (VENV / f".installed-{extras or 'base'}").write_text(_wanted())


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


def run(program: Path, *args: str) -> int:
    """Run a long-lived program of the environment in the project directory and return its exit code.

    On POSIX dev.py becomes that program (exec): Ctrl+C reaches it alone, it stops as it does on Ctrl+C, and
    its exit code is dev.py's. Elsewhere dev.py waits for it; Ctrl+C reaches both, so dev.py keeps waiting
    (it neither kills the program mid-shutdown nor prints a traceback of its own)."""
    command = [str(program), *args]
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.chdir(ROOT)
        os.execv(command[0], command)
    process = subprocess.Popen(command, cwd=ROOT)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    if command == "start":
        ensure_environment("")
        return run(BIN / "lotse", "start", *argv[1:])
    if command == "install-mt":
        ensure_environment("")
        python = str(BIN / "python")
        print("installing a CPU-only PyTorch and the [mt] extra into .venv ...", flush=True)
        torch = os.environ.get("LOTSE_TORCH_REQUIREMENT", "torch==2.13.0")
        subprocess.run([python, "-m", "pip", "install", "--quiet", torch], check=True)
        return subprocess.call([python, "-m", "pip", "install", "--quiet", "-e", ".[mt]"], cwd=ROOT)
    if command == "test":
        ensure_environment("test")
        return run(BIN / "python", "-m", "pytest", *argv[1:])
    if command == "check":
        ensure_environment("test")
        return check()
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
