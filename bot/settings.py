"""One settings object for the whole product, read from `LOTSE_*` environment variables and `.env`.

The settings are grouped (`settings.telegram.token`, `settings.translation.timeout_seconds`, ...). Each
group reads the documented flat variables: a group's `env_prefix` plus the field name, upper-cased, after
`LOTSE_` (`LOTSE_MT_` + `timeout_seconds` = `LOTSE_MT_TIMEOUT_SECONDS`). Everything has a default that makes
the local demo run with no configuration at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from translations.languages import CURATED_LANGUAGES

ENV_PREFIX = "LOTSE_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    """`var/` in a source checkout (next to pyproject.toml); for an installed package the user's data
    directory (`$XDG_DATA_HOME/lotse`, else `~/.local/share/lotse`). Never relative to the working directory."""
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "var"
    import os

    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "lotse"


class Group(BaseModel):
    """A group of settings; its fields are read from `LOTSE_<env_prefix><FIELD>`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    env_prefix: ClassVar[str] = ""


class TelegramSettings(Group):
    env_prefix = "TELEGRAM_"

    token: str | None = Field(default=None, description="Bot token from @BotFather; without it `start` runs the demo")
    api_base_url: str = Field(
        default="https://api.telegram.org/bot{token}",
        description="Bot API base URL; '{token}' is replaced. Any self-hosted Bot API server works.",
    )
    api_file_url: str = "https://api.telegram.org/file/bot{token}"


class DatabaseSettings(Group):
    env_prefix = "DATABASE_"

    url: str = Field(default="", description="SQLAlchemy URL; empty: a SQLite file in the data directory")


class TranslationSettings(Group):
    """Offline machine translation (optional extra lotse-bot[mt])."""

    env_prefix = "MT_"

    home: Path | None = Field(default=None, description="Argos Translate packages and data; default <data_dir>/argos")
    max_models: int = Field(default=2, ge=1, description="translation models kept in memory at most")
    timeout_seconds: float = Field(default=20.0, gt=0)
    max_pending: int = Field(default=8, ge=1, description="translations that may wait before new ones fall back")


class MatchingSettings(Group):
    """Thresholds on the matcher's 0-100 confidence scale (see intents/matcher.py)."""

    env_prefix = "MATCH_"

    answer_threshold: float = 55.0
    suggest_threshold: float = 43.0
    answer_margin: float = Field(default=5.0, ge=0, le=100)  # how far the best entry must lead the next one

    @model_validator(mode="after")
    def _ordered(self) -> MatchingSettings:
        if not 0 <= self.suggest_threshold <= self.answer_threshold <= 100:
            raise ValueError("need 0 <= LOTSE_MATCH_SUGGEST_THRESHOLD <= LOTSE_MATCH_ANSWER_THRESHOLD <= 100")
        return self


class RetentionSettings(Group):
    """Privacy: how long personal data is kept before it is deleted."""

    message_retention_days: int = Field(default=30, ge=0, description="conversation messages")


class OutboxSettings(Group):
    """Delivery of what is sent later or in bulk (staff replies today; reminders and broadcasts later)."""

    env_prefix = "OUTBOX_"

    lease_seconds: float = Field(
        default=60.0, gt=0, description="how long a worker holds a claimed message before another may take it over"
    )
    give_up_hours: float = Field(default=24.0, gt=0, description="a message still failing after this is given up")


class HandoverSettings(Group):
    """Hand-overs to a person: reopening, and the files a newcomer may send to the team."""

    env_prefix = "HANDOVER_"

    reopen_hours: float = Field(
        default=72.0, ge=0, description="a closed case reopens when the user writes again within this time"
    )
    max_file_mb: float = Field(default=10.0, gt=0, le=20, description="largest photo or document kept with a case")


class DemoSettings(Group):
    """The local demo (no token): where the fake Bot API and the browser chat listen."""

    env_prefix = "DEMO_"

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)


class AdminSettings(Group):
    """The staff web app (`lotse admin`): where it listens, when an idle login ends, and whether a reverse
    proxy in front of it may say that the browser's connection was TLS."""

    env_prefix = "ADMIN_"

    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=0, le=65535)
    idle_minutes: float = Field(default=30.0, gt=0, description="a login unused for this long ends")
    trusted_proxy: bool | tuple[str, ...] = Field(
        default=False,
        description="true: honour X-Forwarded-Proto from any peer; a comma-separated list: only from these addresses",
    )

    @field_validator("trusted_proxy", mode="before")
    @classmethod
    def _addresses(cls, value: Any) -> Any:
        """`true`/`false`, or addresses separated by commas (as an environment variable holds them)."""
        if isinstance(value, str):
            text = value.strip()
            if text.lower() in {"", "0", "false", "no", "off"}:
                return False
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            return tuple(part.strip() for part in text.split(",") if part.strip())
        if isinstance(value, list):
            return tuple(value)
        return value

    def honours_forwarded_proto(self, peer: str | None) -> bool:
        """Whether X-Forwarded-Proto of a request from `peer` (the connecting address) is believed."""
        if isinstance(self.trusted_proxy, bool):
            return self.trusted_proxy
        return peer is not None and peer in self.trusted_proxy


GROUPS: dict[str, type[Group]] = {
    "telegram": TelegramSettings,
    "database": DatabaseSettings,
    "translation": TranslationSettings,
    "matching": MatchingSettings,
    "retention": RetentionSettings,
    "outbox": OutboxSettings,
    "handover": HandoverSettings,
    "demo": DemoSettings,
    "admin": AdminSettings,
}


class Settings(BaseSettings):
    """Configuration with defaults that make the local demo run with no configuration at all."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=default_data_dir)
    secret_key: str | None = Field(default=None, description="Signs button payloads; generated into data_dir if unset")
    default_language: str = "de"
    timezone: str = "Europe/Berlin"

    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    translation: TranslationSettings = TranslationSettings()
    matching: MatchingSettings = MatchingSettings()
    retention: RetentionSettings = RetentionSettings()
    outbox: OutboxSettings = OutboxSettings()
    handover: HandoverSettings = HandoverSettings()
    demo: DemoSettings = DemoSettings()
    admin: AdminSettings = AdminSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then the environment, then `.env`; each also read as the flat group variables."""
        environment = _GroupedVariables(settings_cls, getattr(env_settings, "env_vars", {}))
        dotenv = _GroupedVariables(settings_cls, getattr(dotenv_settings, "env_vars", {}))
        dotenv_fields = _KnownFieldsOnly(settings_cls, dotenv_settings)  # its flat group variables are read above
        return init_settings, environment, env_settings, dotenv, dotenv_fields, file_secret_settings

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_settings(cls, data: Any) -> Any:
        """A keyword argument that is not a setting is a mistake, not something to ignore (the environment
        and `.env` only ever bring known settings here)."""
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(cls.model_fields))
            if unknown:
                raise ValueError(f"unknown settings {', '.join(unknown)} (groups: {', '.join(GROUPS)})")
        return data

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in CURATED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(CURATED_LANGUAGES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (an IANA name such as Europe/Berlin)") from None
        return value

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def mt_home(self) -> Path:
        return self.translation.home or self.data_dir / "argos"

    @property
    def database_url(self) -> str:
        """The configured database URL, normalised to an async driver, or the default SQLite file."""
        if not self.database.url:
            return f"sqlite+aiosqlite:///{self.data_dir / 'lotse.sqlite3'}"
        return async_database_url(self.database.url)


class _GroupedVariables(PydanticBaseSettingsSource):
    """The documented flat variables (LOTSE_MT_TIMEOUT_SECONDS, ...) folded into their groups."""

    def __init__(self, settings_cls: type[BaseSettings], variables: Mapping[str, str | None]) -> None:
        super().__init__(settings_cls)
        self.variables = {key.lower(): value for key, value in variables.items()}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads whole groups

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for group_name, group in GROUPS.items():
            values = {
                name: self.variables[key]
                for name in group.model_fields
                if (key := f"{ENV_PREFIX}{group.env_prefix}{name}".lower()) in self.variables
                and self.variables[key] is not None
            }
            if values:
                found[group_name] = values
        return found


class _KnownFieldsOnly(PydanticBaseSettingsSource):
    """A source without the keys that are not settings (pydantic-settings' `.env` source passes every
    LOTSE_* line on), so that an unknown keyword argument can be told apart and refused."""

    def __init__(self, settings_cls: type[BaseSettings], source: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        self.source = source

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ filters the whole source

    def __call__(self) -> dict[str, Any]:
        return {key: value for key, value in self.source().items() if key in self.settings_cls.model_fields}


def legacy_data_dir(settings: Settings) -> Path | None:
    """`./var` holding a Lotse database, when the data directory was left at its default and is elsewhere:
    Lotse before December 2026 kept its data relative to the directory it was started from."""
    if "data_dir" in settings.model_fields_set or settings.database.url:
        return None
    old = Path.cwd() / "var"
    if old.resolve() == settings.data_dir or not (old / "lotse.sqlite3").is_file():
        return None
    return old.resolve()


def environment_variables() -> list[str]:
    """Every documented LOTSE_* variable (for the README and a test that keeps both in step)."""
    names = [f"{ENV_PREFIX}{name}".upper() for name in Settings.model_fields if name not in GROUPS]
    for group in GROUPS.values():
        names += [f"{ENV_PREFIX}{group.env_prefix}{name}".upper() for name in group.model_fields]
    return names


def async_database_url(url: str) -> str:
    """Map plain `postgresql://` / `sqlite://` URLs to the async drivers the product uses."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("postgresql+psycopg"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


def callback_secret(settings: Settings) -> bytes:
    """The key that signs button payloads: `LOTSE_SECRET_KEY`, else a random key kept in the data directory."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.data_dir / "secret.key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own `Settings` instead)."""
    return Settings()
