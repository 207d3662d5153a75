"""The `lotse` command as an operator uses it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from bot import services
from bot.runtime import build_context
from bot.settings import Settings
from knowledge import DATA_DIR, KnowledgeBase
from tests.helpers import lotse


def test_kb_check_passes_on_the_shipped_content() -> None:
    result = lotse("kb", "check")
    assert result.returncode == 0, result.stderr
    assert "33 entries in 7 languages" in result.stdout


def test_kb_check_points_at_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "entries" / "money.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("sources:", "sauces:", 1), encoding="utf-8")
    result = lotse("kb", "check", "--data", str(data))
    assert result.returncode == 1
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "sauces:" in text)
    assert f"money.yaml:{line}:" in result.stderr and "sauces" in result.stderr


def test_ask_json(tmp_path: Path) -> None:
    result = lotse("ask", "--json", "--lang", "ar", "كيف افتح حساب بنكي")
    data = json.loads(result.stdout)
    assert data["entry"] == "bank-account" and data["lang"] == "ar"
    assert set(data) >= {"entry", "score", "lang", "answer", "alternatives"}
    assert data["answer"] and "BaFin" in data["answer"]


def test_ask_detects_language_and_rejects_out_of_scope() -> None:
    data = json.loads(lotse("ask", "--json", "wie wird das Wetter morgen in Hannover").stdout)
    assert data["entry"] is None and data["answer"] is None
    data = json.loads(lotse("ask", "--json", "скільки кіндергельд на дитину").stdout)
    assert data["lang"] == "uk" and data["entry"] == "child-benefit"


def test_eval_prints_figures_and_json_lines(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(
            json.dumps(c, ensure_ascii=False)
            for c in [
                {"text": "Kindergeld beantragen", "lang": "de", "expect": "child-benefit"},
                {"text": "как открыть счёт в банке", "lang": None, "expect": "bank-account"},
                {"text": "tell me a joke", "lang": "en", "expect": None},
            ]
        ),
        encoding="utf-8",
    )
    result = lotse("eval", str(cases))
    assert result.returncode == 0, result.stderr
    assert re.search(r"top-1 accuracy:\s+100\.0%", result.stdout)
    assert re.search(r"out-of-scope rejection:\s+100\.0%", result.stdout)
    lines = [json.loads(line) for line in lotse("eval", str(cases), "--json").stdout.splitlines()]
    assert [line["entry"] for line in lines] == ["child-benefit", "bank-account", None]
    # the stable keys, plus the decision (answer, suggest, none, emergency, small-talk) since issue 14
    assert all(set(line) == {"text", "lang", "expect", "entry", "score", "decision"} for line in lines)
    assert [line["decision"] for line in lines] == ["answer", "answer", "none"]


def test_eval_reports_a_broken_file(tmp_path: Path) -> None:
    cases = tmp_path / "bad.jsonl"
    cases.write_text('{"text": "ok", "lang": "de", "expect": null}\nnot json\n', encoding="utf-8")
    result = lotse("eval", str(cases))
    assert result.returncode == 1 and "bad.jsonl:2" in result.stderr


@pytest.mark.parametrize("backend", ["sqlite"])
def test_db_upgrade_and_cases_list(tmp_path: Path, backend: str) -> None:
    env = {"LOTSE_DATA_DIR": str(tmp_path), "LOTSE_DATABASE_URL": ""}
    result = lotse("db", "upgrade", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "lotse.sqlite3").exists()
    listed = lotse("cases", "list", env_extra=env)
    assert listed.returncode == 0 and "no open cases" in listed.stdout


async def test_cases_and_unanswered_questions_are_listed(tmp_path: Path, kb: KnowledgeBase) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, database={"url": ""})
    ctx = build_context(settings, kb=kb, with_machine_translation=False)
    await ctx.db.upgrade()
    profile = await services.register_contact(ctx, 31, 31, "en")
    await services.handle_question(ctx, profile, "what is the capital of Peru, mail me at x@example.org")
    await services.request_person(ctx, profile)
    await ctx.db.dispose()

    env = {"LOTSE_DATA_DIR": str(tmp_path), "LOTSE_DATABASE_URL": ""}
    listed = lotse("cases", "list", env_extra=env)
    assert listed.returncode == 0 and "capital of Peru" in listed.stdout and "person requested" in listed.stdout
    as_json = json.loads(lotse("cases", "list", "--json", env_extra=env).stdout)
    assert as_json[0]["messages"][0]["sender"] == "user"
    report = lotse("questions", "unanswered", env_extra=env)
    assert "capital of Peru" in report.stdout and "[email]" in report.stdout and "example.org" not in report.stdout


def test_commands_do_not_migrate_and_say_what_to_do(tmp_path: Path) -> None:
    env = {"LOTSE_DATA_DIR": str(tmp_path), "LOTSE_DATABASE_URL": ""}
    for command in (("cases", "list"), ("questions", "unanswered"), ("cases", "reply", "1", "Hallo")):
        result = lotse(*command, env_extra=env)
        assert result.returncode == 1 and "run `lotse db upgrade` first" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert lotse("db", "upgrade", env_extra=env).returncode == 0
    unknown = lotse("cases", "reply", "4711", "Hallo", env_extra=env)
    assert unknown.returncode == 1 and "no open case 4711" in unknown.stderr and "Traceback" not in unknown.stderr


def test_invalid_settings_name_the_variable(tmp_path: Path) -> None:
    env = {"LOTSE_DATA_DIR": str(tmp_path), "LOTSE_TIMEZONE": "Europe/Hanover", "LOTSE_MT_MAX_MODELS": "0"}
    result = lotse("cases", "list", env_extra=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "LOTSE_TIMEZONE: " in result.stderr and "unknown timezone 'Europe/Hanover'" in result.stderr
    assert "LOTSE_MT_MAX_MODELS: " in result.stderr


def test_eval_json_keeps_stdout_for_the_cases_and_puts_the_summary_on_stderr(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"text": "Kindergeld beantragen", "lang": "de", "expect": "child-benefit"}) + "\n")
    result = lotse("eval", str(cases), "--json")
    assert [json.loads(line)["entry"] for line in result.stdout.splitlines()] == ["child-benefit"]
    assert re.search(r"top-1 accuracy:\s+100\.0%", result.stderr)


async def test_outbox_list_shows_delivery_states_and_retry_queues_a_failed_message_again(
    tmp_path: Path, kb: KnowledgeBase
) -> None:
    from bot.services import outbox as queue

    settings = Settings(_env_file=None, data_dir=tmp_path, database={"url": ""})
    ctx = build_context(settings, kb=kb, with_machine_translation=False)
    await ctx.db.upgrade()
    profile = await services.register_contact(ctx, 32, 32, "de")
    case = await services.request_person(ctx, profile)
    await services.reply_to_case(ctx, case.id, "Erste Antwort")
    await services.reply_to_case(ctx, case.id, "Zweite Antwort")
    await services.translate_waiting_messages(ctx)
    first, second = await services.claim_due(ctx, "test")
    await queue.failed(ctx, first, "400 Bad Request: chat not found")
    await queue.sent(ctx, second)
    await ctx.db.dispose()

    env = {"LOTSE_DATA_DIR": str(tmp_path), "LOTSE_DATABASE_URL": ""}
    listed = lotse("outbox", "list", env_extra=env)
    assert listed.returncode == 0, listed.stderr
    assert "failed" in listed.stdout and "chat not found" in listed.stdout and "sent" in listed.stdout
    failed = json.loads(lotse("outbox", "list", "--status", "failed", "--json", env_extra=env).stdout)
    assert [row["id"] for row in failed] == [first.id] and failed[0]["dedupe_key"].startswith("staff-reply:")
    retried = lotse("outbox", "retry", str(first.id), env_extra=env)
    assert retried.returncode == 0 and "1 message(s) queued again" in retried.stdout
    pending = json.loads(lotse("outbox", "list", "--status", "pending", "--json", env_extra=env).stdout)
    assert [row["id"] for row in pending] == [first.id]
    assert lotse("outbox", "retry", "999", env_extra=env).returncode == 1  # nothing to retry: says so
    (listed_case,) = json.loads(lotse("cases", "list", "--json", env_extra=env).stdout)
    staff = [(m["text"], m["delivery"]) for m in listed_case["messages"] if m["sender"] == "staff"]
    assert staff == [("Erste Antwort", "pending"), ("Zweite Antwort", "sent")]  # what the staff queue will show
