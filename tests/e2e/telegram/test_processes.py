"""Lotse as a county runs it: separate processes (the bot, outbox workers) against the fake Bot API and one
database, started, stopped with SIGTERM and killed with SIGKILL. SQLite, and PostgreSQL in CI. And the local
demo as a developer runs it (`python3 dev.py start`): stopped with Ctrl+C, or refused a port in use."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot import services
from bot.db import Database, OutboxMessage, utcnow
from bot.services import OutboxStatus, ServiceContext
from bot.settings import async_database_url
from fake_telegram import BotObserver, FakeTelegramServer, TelegramUser
from tests.helpers import TEST_SECRET, eventually

APOLOGY = "Entschuldigung"


class Processes:
    """Starts `lotse` commands as processes of their own, configured for the fake Telegram and the database."""

    def __init__(self, server: FakeTelegramServer, token: str, database_url: str, data_dir: Path) -> None:
        self.env = {
            **os.environ,
            "LOTSE_TELEGRAM_TOKEN": token,
            "LOTSE_TELEGRAM_API_BASE_URL": server.base_url,
            "LOTSE_TELEGRAM_API_FILE_URL": server.base_file_url,
            "LOTSE_DATABASE_URL": database_url,
            "LOTSE_DATA_DIR": str(data_dir),
            "LOTSE_SECRET_KEY": TEST_SECRET.decode(),
        }
        self.running: list[subprocess.Popen[str]] = []

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            env={**self.env, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.running.append(process)
        return process

    def run(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


@pytest_asyncio.fixture
async def processes(
    telegram_server: FakeTelegramServer, token: str, process_database_url: str, tmp_path: Path
) -> AsyncIterator[Processes]:
    running = Processes(telegram_server, token, process_database_url, tmp_path)
    running.run("db", "upgrade")
    try:
        yield running
    finally:
        running.stop_all()


@pytest_asyncio.fixture
async def shared(processes: Processes, ctx: ServiceContext) -> AsyncIterator[ServiceContext]:
    """The services on the processes' database (this test's own connections)."""
    db = Database(async_database_url(processes.env["LOTSE_DATABASE_URL"]))
    try:
        yield ServiceContext(
            ctx.settings, db, ctx.kb, ctx.matcher, ctx.translator, utcnow
        )  # the processes run on real time
    finally:
        await db.dispose()


def _users(server: FakeTelegramServer, token: str, count: int, first_id: int) -> list[TelegramUser]:
    return [TelegramUser(server.url, token, first_id + n, language_code="de") for n in range(count)]


async def test_sigterm_lets_the_bot_finish_every_update_it_has_fetched(
    processes: Processes, telegram_server: FakeTelegramServer, token: str
) -> None:
    users = _users(telegram_server, token, 12, 71_000)
    bot = processes.start("start")
    await eventually(lambda: _polling(telegram_server, token), timeout=60)
    await asyncio.gather(*(user.send("Wo melde ich meine Wohnung an?") for user in users))
    await users[0].reply(timeout=30)  # the bot is at work on the batch it fetched: stop it now
    bot.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(bot.wait, 60) == 0
    for user in users[1:]:
        (reply,) = await user.replies(1, timeout=5)
        assert "Anmeld" in reply.text and APOLOGY not in reply.text
    processes.start("start")  # a restart does not answer anything twice
    await eventually(lambda: _polling(telegram_server, token, at_least=2), timeout=60)
    for user in users:
        await user.no_reply(within=0.5)
        await user.aclose()


def _polling(server: FakeTelegramServer, token: str, at_least: int = 1) -> bool:
    assert server.api is not None
    state = server.api.bot(token)
    return sum(call["method"] == "getMe" for call in state.calls) >= at_least and any(
        call["method"] == "getUpdates" for call in state.calls
    )


async def test_two_workers_deliver_every_reply_exactly_once(
    processes: Processes, telegram_server: FakeTelegramServer, token: str, shared: ServiceContext
) -> None:
    users = _users(telegram_server, token, 10, 72_000)
    texts: dict[int, list[str]] = {}
    for user in users:
        await user.send("Hallo")  # the chat exists at Telegram; no bot reads it
        profile = await services.register_contact(shared, user.user_id, user.user_id, "de")
        case = await services.request_person(shared, profile)
        texts[user.user_id] = [f"Antwort {n} an {user.user_id}" for n in range(3)]
        for text in texts[user.user_id]:
            await services.reply_to_case(shared, case.id, text)
    workers = [processes.start("worker", "--interval", "0.2") for _ in range(2)]
    await eventually(lambda: _all_sent(shared, 30), timeout=90)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    assert [await asyncio.to_thread(worker.wait, 30) for worker in workers] == [0, 0]
    for user in users:
        received = [message.text for message in await user.replies(3, timeout=10)]
        for text in texts[user.user_id]:
            assert sum(text in message for message in received) == 1, received
        await user.no_reply(within=0.3)
        await user.aclose()


async def _all_sent(ctx: ServiceContext, count: int) -> bool:
    async with ctx.db.session() as session:
        sent = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT)
        )
    return sent == count


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


async def test_a_worker_killed_mid_delivery_is_taken_over_once_its_lease_ends(
    processes: Processes, telegram_server: FakeTelegramServer, token: str, shared: ServiceContext
) -> None:
    """SIGKILL while Telegram has taken a message but not yet answered: another worker takes every row over
    after the lease; only that one message, whose outcome nobody knew, may arrive twice."""
    users = _users(telegram_server, token, 5, 73_000)
    texts: list[str] = []
    for user in users:
        await user.send("Hallo")
        profile = await services.register_contact(shared, user.user_id, user.user_id, "de")
        case = await services.request_person(shared, profile)
        for n in range(2):
            texts.append(f"Antwort {n} an {user.user_id}")
            await services.reply_to_case(shared, case.id, texts[-1])
    observer = BotObserver(telegram_server.url, token)
    await observer.fail("sendMessage", "late", delay=30)  # recorded at once, answered in 30 s
    lease = {"LOTSE_OUTBOX_LEASE_SECONDS": "3"}
    first = processes.start("worker", "--interval", "0.2", **lease)
    await eventually(lambda: _bot_messages(telegram_server, token, users) >= 1, timeout=60)
    first.kill()  # SIGKILL: it holds every row it claimed, one of them sent but unconfirmed
    assert await asyncio.to_thread(first.wait, 10) == -signal.SIGKILL
    processes.start("worker", "--interval", "0.2", **lease)
    await eventually(lambda: _all_sent(shared, len(texts)), timeout=90)
    received = [text for user in users for text in _texts(telegram_server, token, user.user_id)]
    counts = [sum(expected in text for text in received) for expected in texts]
    assert all(count >= 1 for count in counts), counts  # nothing lost
    assert sum(count - 1 for count in counts) <= 1, counts  # at most the one unconfirmed send twice
    await observer.aclose()
    for user in users:
        await user.aclose()


def _texts(server: FakeTelegramServer, token: str, chat_id: int) -> list[str]:
    assert server.api is not None
    return [
        item["message"].get("text", "")
        for item in server.api.messages(token, chat_id)
        if item["message"].get("from", {}).get("is_bot")
    ]


def _bot_messages(server: FakeTelegramServer, token: str, users: list[TelegramUser]) -> int:
    return sum(len(_texts(server, token, user.user_id)) for user in users)


# --- the local demo as a developer starts and stops it: `python3 dev.py start` / `lotse demo`, Ctrl+C ------

ROOT = Path(__file__).resolve().parents[3]
DEMO_STOPPED = "Lotse demo stopped."


def _dev_py_ready() -> bool:
    """dev.py would start at once (its .venv is installed and current), without installing anything."""
    spec = importlib.util.spec_from_file_location("lotse_dev_py", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    return bool(dev.installed(""))


needs_dev_py = pytest.mark.skipif(not _dev_py_ready(), reason="run `python3 dev.py test` once: .venv is not installed")


def _demo_env(tmp_path: Path, port: int) -> dict[str, str]:
    """No token, so `start` runs the demo; its own data directory; this checkout's code first."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {
        **os.environ,
        "LOTSE_TELEGRAM_TOKEN": "",  # also over a developer's .env in the project directory
        "LOTSE_DATABASE_URL": "",
        "LOTSE_DATA_DIR": str(tmp_path / "demo-data"),
        "LOTSE_DEMO_HOST": "127.0.0.1",
        "LOTSE_DEMO_PORT": str(port),
        "LOTSE_ADMIN_HOST": "127.0.0.1",
        "LOTSE_ADMIN_PORT": "0",  # the demo's staff web app on a free port
        "PYTHONPATH": path,
    }


def _launch(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """In a session of its own, so that a SIGINT to its process group is what Ctrl+C in a terminal sends."""
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def _wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float = 90) -> tuple[str, list[str]]:
    """Read stdout until a line contains `needle`; that line and all lines read."""
    assert process.stdout is not None
    lines: list[str] = []
    result: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if needle in line:
                result.append(line)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not result:
        process.kill()
        raise AssertionError(f"no {needle!r} in time; stdout: {''.join(lines)}; stderr: {process.communicate()[1]}")
    return result[0], lines


def _ctrl_c(process: subprocess.Popen[str]) -> tuple[int, str, str, float]:
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    output, errors = process.communicate(timeout=30)
    return process.returncode, output, errors, time.monotonic() - started


@needs_dev_py
async def test_ctrl_c_stops_the_demo_cleanly_while_a_chat_page_is_open(tmp_path: Path) -> None:
    process = _launch([sys.executable, "dev.py", "start"], _demo_env(tmp_path, 0))
    try:
        line, before = await asyncio.to_thread(_wait_for_line, process, "Lotse demo is running")
        url = line.split("Open ", 1)[1].split()[0]
        token = (await asyncio.to_thread(_get_json, f"{url}config.json"))["token"]
        async with httpx.AsyncClient(base_url=url, timeout=40) as page:  # what the open chat page keeps asking
            assert (await page.get("static/chat.js")).status_code == 200  # and an idle kept-alive connection
            polls = [
                asyncio.ensure_future(page.get(f"client/{token}/messages", params={"chat_id": 4711, "wait": 25}))
                for _ in range(2)
            ]
            await asyncio.sleep(0.3)  # the polls are waiting at the server
            code, output, errors, took = await asyncio.to_thread(_ctrl_c, process)
            answers = await asyncio.gather(*polls, return_exceptions=True)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert code == 0, errors
    assert output.strip().splitlines()[-1] == DEMO_STOPPED
    assert "Traceback" not in errors and "ERROR" not in errors, errors
    assert took < 10, took  # measured: well under 2 s
    assert all(isinstance(a, httpx.Response) and a.json()["ok"] for a in answers), answers  # answered, not cut


async def test_the_demo_prints_a_staff_login_that_opens_the_staff_web_app(tmp_path: Path) -> None:
    process = _launch([sys.executable, "-m", "bot.cli", "start"], _demo_env(tmp_path, 0))
    try:
        line, _ = await asyncio.to_thread(_wait_for_line, process, "Staff web app:")
        words = line.split()
        url, user = words[words.index("app:") + 1], words[words.index("login:") + 1]
        password = words[words.index("password:") + 1]
        async with httpx.AsyncClient(base_url=url, timeout=20) as browser:
            form = await browser.get("login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert form.status_code == 200 and csrf is not None
            wrong = await browser.post("login", data={"username": user, "password": "nope", "csrf_token": csrf[1]})
            assert wrong.status_code == 401
            signed_in = await browser.post(
                "login", data={"username": user, "password": password, "csrf_token": csrf[1]}
            )
            assert signed_in.status_code == 303, signed_in.text
            queue = await browser.get("/")
            assert queue.status_code == 200 and 'action="/logout"' in queue.text  # signed in: the queue
        code, output, errors, _ = await asyncio.to_thread(_ctrl_c, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert code == 0, errors
    assert "Traceback" not in errors, errors


async def test_ctrl_c_while_the_demo_is_starting_stops_it_cleanly_too(tmp_path: Path) -> None:
    process = _launch([sys.executable, "-m", "bot.cli", "start"], _demo_env(tmp_path, 0))
    try:
        await asyncio.to_thread(_wait_for_line, process, "starting the local demo")
        code, output, errors, _ = await asyncio.to_thread(_ctrl_c, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert code == 0, errors
    assert output.strip().splitlines()[-1] == DEMO_STOPPED
    assert "Traceback" not in errors, errors


@pytest.mark.parametrize(
    "command", [["-m", "bot.cli", "demo"], pytest.param(["dev.py", "start"], marks=needs_dev_py)], ids=["lotse", "dev"]
)
def test_a_taken_port_is_one_clear_line_naming_the_setting(tmp_path: Path, command: list[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, *command],
            env=_demo_env(tmp_path, port),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "LOTSE_DEMO_PORT" in line
    assert "Traceback" not in result.stdout + result.stderr


def _get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local http:// address
        data: dict[str, object] = json.load(response)
        return data
