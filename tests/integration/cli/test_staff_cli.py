"""`lotse staff ...` and `lotse admin` as an operator uses them, each in a process of its own (SQLite, and
PostgreSQL when LOTSE_TEST_POSTGRES_URL is set). Passwords go in on standard input, piped or typed."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from bot import services
from bot.cli.staff import ADMIN_STOPPED
from bot.runtime import build_context
from bot.settings import Settings
from knowledge import KnowledgeBase
from tests.helpers import lotse

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse battery staple"


def environment(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {"LOTSE_DATABASE_URL": database_url, "LOTSE_DATA_DIR": str(data_dir), **extra}


async def run(*args: str, env: dict[str, str], input: str | None = "") -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(lotse, *args, env_extra=env, input=input)


async def check_login(database_url: str, tmp_path: Path, kb: KnowledgeBase, username: str, password: str) -> bool:
    settings = Settings(_env_file=None, data_dir=tmp_path, database={"url": database_url})
    ctx = build_context(settings, kb=kb, with_machine_translation=False)
    try:
        await services.login(ctx, username, password)
        return True
    except services.LoginFailed:
        return False
    finally:
        await ctx.db.dispose()


async def test_staff_accounts_from_the_command_line(process_database_url: str, tmp_path: Path, kb) -> None:
    env = environment(process_database_url, tmp_path)
    assert (await run("db", "upgrade", env=env)).returncode == 0
    empty = await run("staff", "list", env=env)
    assert empty.returncode == 0 and "no staff accounts yet" in empty.stdout

    added = await run("staff", "add", "root", "--role", "admin", env=env, input=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added admin root (shown to newcomers as 'root')"
    assert PASSWORD not in added.stdout + added.stderr
    maria = await run(
        "staff", "add", "Maria", "--role", "coordinator", "--display-name", "Maria K.", "--language", "en",
        env=env, input=PASSWORD + "\r\n",
    )  # fmt: skip
    assert maria.returncode == 0, maria.stderr
    assert await check_login(process_database_url, tmp_path, kb, "maria", PASSWORD)  # the line ending is not in it

    listed = await run("staff", "list", "--json", env=env)
    accounts = {a["username"]: a for a in json.loads(listed.stdout)}
    assert accounts["maria"]["display_name"] == "Maria K." and accounts["maria"]["role"] == "coordinator"
    assert accounts["maria"]["interface_language"] == "en" and accounts["root"]["role"] == "admin"
    assert all(a["active"] for a in accounts.values())

    new = "a brand new passphrase"
    changed = await run("staff", "passwd", "maria", env=env, input=new + "\n")
    assert changed.returncode == 0 and "logins have ended" in changed.stdout
    assert await check_login(process_database_url, tmp_path, kb, "maria", new)
    assert not await check_login(process_database_url, tmp_path, kb, "maria", PASSWORD)

    gone = await run("staff", "deactivate", "maria", env=env)
    assert gone.returncode == 0 and "cases are back in the queue" in gone.stdout
    assert "maria" in (text := (await run("staff", "list", env=env)).stdout) and "deactivated" in text
    assert not await check_login(process_database_url, tmp_path, kb, "maria", new)

    for args, message in [
        (("staff", "deactivate", "root"), "root is the last active admin"),
        (("staff", "passwd", "nobody"), "no account 'nobody'"),
        (("staff", "add", "ROOT", "--role", "admin"), "there is an account 'root' already"),
        (("staff", "add", "x", "--role", "admin"), "invalid username 'x'"),
    ]:
        refused = await run(*args, env=env, input=PASSWORD + "\n")
        assert refused.returncode == 1 and message in refused.stderr, (args, refused.stderr)
        assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_password_comes_from_standard_input_and_is_long_enough(tmp_path: Path, backend: str) -> None:
    env = environment("", tmp_path)
    assert (await run("db", "upgrade", env=env)).returncode == 0
    short = await run("staff", "add", "root", "--role", "admin", env=env, input="short\n")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    nothing = await run("staff", "add", "root", "--role", "admin", env=env, input="")
    assert nothing.returncode == 1 and "no password on standard input" in nothing.stderr
    on_the_command_line = await run("staff", "add", "root", "--role", "admin", "--password", PASSWORD, env=env)
    assert on_the_command_line.returncode == 2  # there is no such option: `ps` would show the password
    unknown_role = await run("staff", "add", "root", "--role", "boss", env=env, input=PASSWORD + "\n")
    assert unknown_role.returncode == 2
    assert "no staff accounts yet" in (await run("staff", "list", env=env)).stdout


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_at_a_terminal_the_password_is_asked_twice_without_echo(tmp_path: Path, kb, backend: str) -> None:
    env = {**os.environ, **environment("", tmp_path)}
    assert (await run("db", "upgrade", env=environment("", tmp_path))).returncode == 0
    code, output = await asyncio.to_thread(
        at_terminal, ["staff", "add", "root", "--role", "admin"], env, PASSWORD, "typo"
    )
    assert code == 1 and "the two passwords differ" in output and PASSWORD not in output
    code, output = await asyncio.to_thread(
        at_terminal, ["staff", "add", "root", "--role", "admin"], env, PASSWORD, PASSWORD
    )
    assert code == 0 and "added admin root" in output and PASSWORD not in output  # never echoed
    assert await check_login("", tmp_path, kb, "root", PASSWORD)


def at_terminal(args: list[str], env: dict[str, str], first: str, second: str) -> tuple[int, str]:
    """Run `lotse ARGS` with a pseudo-terminal as its controlling terminal; type `first` and `second` at the
    two password prompts. Returns the exit code and everything the terminal showed."""
    import fcntl
    import termios

    leader, follower = pty.openpty()

    def make_controlling_terminal() -> None:  # in the child, after setsid (start_new_session)
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
        preexec_fn=make_controlling_terminal,
    )
    os.close(follower)
    shown = ""

    def read_until(needle: str | None, timeout: float = 60) -> None:
        nonlocal shown
        while needle is None or needle not in shown:
            ready, _, _ = select.select([leader], [], [], timeout)
            if not ready:
                raise AssertionError(f"no {needle!r} in time; the terminal showed {shown!r}")
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            shown += chunk.decode(errors="replace")

    try:
        read_until("Password: ")
        os.write(leader, (first + "\n").encode())
        read_until("Password again: ")
        os.write(leader, (second + "\n").encode())
        read_until(None)
        return process.wait(timeout=60), shown
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)


async def test_commands_do_not_migrate_and_say_what_to_do(tmp_path: Path) -> None:
    env = environment("", tmp_path)
    for command in (("staff", "list"), ("admin",)):
        result = await run(*command, env=env)
        assert result.returncode == 1 and "run `lotse db upgrade` first" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
async def test_lotse_admin_serves_the_web_app_and_stops_cleanly(
    process_database_url: str, tmp_path: Path, stop: signal.Signals
) -> None:
    env = environment(process_database_url, tmp_path, LOTSE_ADMIN_HOST="127.0.0.1", LOTSE_ADMIN_PORT="0")
    assert (await run("db", "upgrade", env=env)).returncode == 0
    process = launch_admin(env)
    try:
        line = await asyncio.to_thread(first_line_with, process, "is running at")
        url = line.split("is running at ", 1)[1].split()[0]
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            login = await client.get("/login")
            assert login.status_code == 200 and "Anmelden" in login.text
            assert (await client.get("/", headers={"accept": "text/html"})).headers["location"] == "/login"
        os.killpg(process.pid, stop)
        output, errors = await asyncio.to_thread(process.communicate, timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, errors
    assert output.strip().splitlines()[-1] == ADMIN_STOPPED
    assert "Traceback" not in errors, errors


def launch_admin(env: dict[str, str]) -> subprocess.Popen[str]:
    """`lotse admin` in a process group of its own, as a terminal's Ctrl+C reaches it."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "admin"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def first_line_with(process: subprocess.Popen[str], needle: str, timeout: float = 90) -> str:
    found: list[str] = []
    seen: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if needle in line:
                found.append(line)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not found:
        process.kill()
        raise AssertionError(f"no {needle!r}; stdout: {''.join(seen)}; stderr: {process.communicate()[1]}")
    return found[0]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_taken_port_is_one_clear_line_naming_the_setting(tmp_path: Path, backend: str) -> None:
    env = environment("", tmp_path, LOTSE_ADMIN_HOST="127.0.0.1")
    assert (await run("db", "upgrade", env=env)).returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = await run("admin", env={**env, "LOTSE_ADMIN_PORT": str(port)})
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert f"port {port} on 127.0.0.1 is already in use" in line and "LOTSE_ADMIN_PORT" in line
    assert "Traceback" not in result.stdout + result.stderr
