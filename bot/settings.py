"""One settings object for the whole product, read from `LOTSE_*` environment variables and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from translations.languages import CURATED_LANGUAGES as SUPPORTED_LANGUAGES

DEFAULT_DATA_DIR = Path.cwd() / "var"


class Settings(BaseSettings):
    """Configuration with defaults that make the local demo run with no configuration at all."""

    model_config = SettingsConfigDict(env_prefix="LOTSE_", env_file=".env", extra="ignore")

    telegram_token: str | None = Field(default=None, description="Bot token from @BotFather")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot{token}",
        description="Bot API base URL; '{token}' is replaced. Any self-hosted Bot API server works.",
    )
    telegram_api_file_url: str = "https://api.telegram.org/file/bot{token}"
    database_url: str = Field(default="", description="SQLAlchemy URL; default is a SQLite file")
    data_dir: Path = DEFAULT_DATA_DIR
    secret_key: str | None = Field(default=None, description="Signs button payloads; generated into data_dir if unset")
    default_language: str = "de"
    timezone: str = "Europe/Berlin"

    # Matching thresholds on the matcher's 0-100 confidence scale (see intents/matcher.py).
    match_answer_threshold: float = 55.0
    match_suggest_threshold: float = 43.0

    # Offline machine translation (optional extra lotse-bot[mt]).
    mt_home: Path | None = Field(
        default=None, description="Argos Translate packages and data; default <data_dir>/argos"
    )
    mt_max_models: int = Field(default=2, ge=1, description="translation models kept in memory at most")
    mt_timeout_seconds: float = Field(default=20.0, gt=0)
    mt_max_pending: int = Field(default=8, ge=1, description="translations that may wait before new ones fall back")

    # Privacy: how long conversation messages are kept before they are deleted.
    message_retention_days: int = 30

    # Local demo (no token): where the fake Bot API and the browser chat listen.
    demo_host: str = "127.0.0.1"
    demo_port: int = 8080

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"default_language must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> Settings:
        if not 0 <= self.match_suggest_threshold <= self.match_answer_threshold <= 100:
            raise ValueError("need 0 <= match_suggest_threshold <= match_answer_threshold <= 100")
        return self

    @property
    def effective_mt_home(self) -> Path:
        return self.mt_home or self.data_dir / "argos"

    @property
    def effective_database_url(self) -> str:
        """The configured database URL, normalised to an async driver, or the default SQLite file."""
        if not self.database_url:
            return f"sqlite+aiosqlite:///{self.data_dir / 'lotse.sqlite3'}"
        return async_database_url(self.database_url)


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
