"""Settings: grouped in code, read from the documented flat LOTSE_* variables, checked at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings, environment_variables, legacy_data_dir

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_documented_variable_reaches_its_group(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    values = {
        "LOTSE_TELEGRAM_TOKEN": "123:ABC",
        "LOTSE_TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot{token}",
        "LOTSE_DATABASE_URL": "postgresql://lotse@db/lotse",
        "LOTSE_DATA_DIR": str(tmp_path),
        "LOTSE_SECRET_KEY": "s3cret",
        "LOTSE_DEFAULT_LANGUAGE": "uk",
        "LOTSE_TIMEZONE": "Europe/Vienna",
        "LOTSE_MATCH_ANSWER_THRESHOLD": "60",
        "LOTSE_MATCH_SUGGEST_THRESHOLD": "40",
        "LOTSE_MESSAGE_RETENTION_DAYS": "14",
        "LOTSE_MT_HOME": str(tmp_path / "models"),
        "LOTSE_MT_MAX_MODELS": "3",
        "LOTSE_MT_TIMEOUT_SECONDS": "7.5",
        "LOTSE_MT_MAX_PENDING": "4",
        "LOTSE_DEMO_HOST": "0.0.0.0",
        "LOTSE_DEMO_PORT": "9090",
        "LOTSE_ADMIN_HOST": "0.0.0.0",
        "LOTSE_ADMIN_PORT": "9443",
        "LOTSE_ADMIN_IDLE_MINUTES": "15",
        "LOTSE_ADMIN_TRUSTED_PROXY": "true",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    assert settings.telegram.token == "123:ABC" and settings.telegram.api_base_url.startswith("http://127.0.0.1")
    assert settings.database_url == "postgresql+asyncpg://lotse@db/lotse"
    assert settings.data_dir == tmp_path and settings.secret_key == "s3cret"
    assert (settings.default_language, settings.timezone) == ("uk", "Europe/Vienna")
    assert (settings.matching.answer_threshold, settings.matching.suggest_threshold) == (60, 40)
    assert settings.retention.message_retention_days == 14
    assert settings.mt_home == tmp_path / "models"
    assert (settings.translation.max_models, settings.translation.timeout_seconds) == (3, 7.5)
    assert settings.translation.max_pending == 4
    assert (settings.demo.host, settings.demo.port) == ("0.0.0.0", 9090)
    assert (settings.admin.host, settings.admin.port, settings.admin.idle_minutes) == ("0.0.0.0", 9443, 15)
    assert settings.admin.trusted_proxy is True


def test_a_dotenv_file_works_like_the_environment(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LOTSE_MT_MAX_MODELS=5\nLOTSE_TELEGRAM_TOKEN=9:XYZ\n", encoding="utf-8")
    settings = Settings(_env_file=env_file)
    assert settings.translation.max_models == 5 and settings.telegram.token == "9:XYZ"


def test_the_readme_documents_every_variable() -> None:
    readme = README.read_text(encoding="utf-8")
    assert [name for name in environment_variables() if f"`{name}`" not in readme] == []


def test_the_data_directory_does_not_depend_on_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("LOTSE_DATA_DIR", raising=False)
    here = Settings(_env_file=None).data_dir
    monkeypatch.chdir(tmp_path)
    assert Settings(_env_file=None).data_dir == here and here.is_absolute()
    assert Settings(_env_file=None).database_url.endswith(f"{here}/lotse.sqlite3")


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("LOTSE_TIMEZONE", "Europe/Hanover", "unknown timezone"),
        ("LOTSE_DEFAULT_LANGUAGE", "xx", "must be one of"),
        ("LOTSE_MT_MAX_MODELS", "0", "greater than or equal to 1"),
        ("LOTSE_MATCH_SUGGEST_THRESHOLD", "80", "SUGGEST_THRESHOLD <="),
    ],
)
def test_invalid_values_are_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=problem):
        Settings(_env_file=None)


def test_data_left_in_the_old_relative_default_is_pointed_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LOTSE_DATA_DIR", raising=False)
    monkeypatch.delenv("LOTSE_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert legacy_data_dir(Settings(_env_file=None)) is None  # nothing there
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "lotse.sqlite3").write_bytes(b"")
    assert legacy_data_dir(Settings(_env_file=None)) == tmp_path / "var"
    assert legacy_data_dir(Settings(_env_file=None, data_dir=tmp_path / "elsewhere")) is None  # chosen explicitly


def test_a_keyword_that_is_not_a_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown settings database_url"):
        Settings(_env_file=None, database_url="postgresql://x/y")


@pytest.mark.parametrize(
    ("value", "trusted", "honoured_from", "ignored_from"),
    [
        ("", False, [], ["127.0.0.1", "10.0.0.5", None]),
        ("false", False, [], ["127.0.0.1"]),
        ("true", True, ["127.0.0.1", "10.0.0.5", None], []),
        ("10.0.0.5, 10.0.0.6", ("10.0.0.5", "10.0.0.6"), ["10.0.0.5", "10.0.0.6"], ["127.0.0.1", None]),
    ],
)
def test_the_trusted_proxy_is_a_switch_or_a_list_of_addresses(
    monkeypatch: pytest.MonkeyPatch, value: str, trusted: object, honoured_from: list, ignored_from: list
) -> None:
    monkeypatch.setenv("LOTSE_ADMIN_TRUSTED_PROXY", value)
    admin = Settings(_env_file=None).admin
    assert admin.trusted_proxy == trusted
    assert all(admin.honours_forwarded_proto(peer) for peer in honoured_from)
    assert not any(admin.honours_forwarded_proto(peer) for peer in ignored_from)
