"""Settings: environment variables prefixed ANPING_ (a few also accept their conventional bare name)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET_KEY = "change-me-development-only-secret-key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANPING_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'anping.db'}",
        validation_alias=AliasChoices("ANPING_DATABASE_URL", "DATABASE_URL"),
    )
    database_pool_size: int = 5
    # Connections beyond the pool are closed as soon as they are returned: under a steady load a little above the pool
    # (wrk at 8 connections on 2 workers with 4 each: 111 new database sessions in 5 s) every request would pay a new
    # connection. 0: a request waits for a pooled connection instead, as asyncpg's own pool does.
    database_max_overflow: int = 0
    # Checking each pooled connection before use costs three round trips per request (BEGIN, ping, ROLLBACK). Off:
    # after a database restart the first request on each stale connection fails once and the pool is refreshed.
    database_pre_ping: bool = False
    database_echo: bool = False
    host: str = Field(default="127.0.0.1", validation_alias=AliasChoices("ANPING_HOST", "HOST"))
    port: int = Field(default=8000, validation_alias=AliasChoices("ANPING_PORT", "PORT"))
    workers: int = 1
    secret_key: str = DEFAULT_SECRET_KEY
    access_token_minutes: int = 15
    refresh_token_days: int = 7
    session_idle_minutes: int = 30
    # A current-status evaluation (安全现状评价) of a producer or store is due every 3 years.
    status_report_validity_years: int = 3
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    # argon2id cost; lowered only by the test suite to keep it fast.
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    cookie_secure: bool = False
    spa_dir: Path = PROJECT_ROOT / "frontend" / "dist"
    # Files: "local" keeps them under storage_dir; "s3" in an S3-compatible bucket (several app machines).
    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path = PROJECT_ROOT / "var" / "storage"
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_bucket: str = "anping"
    s3_prefix: str = ""
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    upload_max_bytes: int = 2 * 1024**3
    # An upload with no new bytes for this long is abandoned: its partial is deleted.
    upload_expiry_hours: float = 24
    upload_purge_interval_seconds: float = 600
    # A zip is refused beyond these (a zip bomb, or not an archive anyone could review).
    zip_max_entries: int = 20_000
    zip_max_ratio: int = 200
    zip_max_uncompressed_bytes: int = 20 * 1024**3
    # The enforcement system's adapter: off (manual mode: documents recorded by hand) until an endpoint is set.
    enforcement_endpoint: str | None = None
    enforcement_token: str | None = None
    # Where the enforcement system sends its callbacks: this deployment's public address.
    enforcement_callback_url: str = "http://127.0.0.1:8000/api/v1/enforcement/callbacks"
    enforcement_max_attempts: int = 8
    enforcement_retry_base_seconds: float = 30
    # Risk weighting of the random selection of agencies (双随机): by credit level, plus per unresolved finding.
    risk_weight_by_credit: dict[str, float] = {"blue": 1.0, "yellow": 2.0, "orange": 3.0, "red": 4.0}
    risk_weight_ungraded: float = 1.5
    risk_weight_per_open_finding: float = 0.5
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env == "production" and (self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32):
            raise ValueError("ANPING_SECRET_KEY must be set to a random value of at least 32 characters")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
