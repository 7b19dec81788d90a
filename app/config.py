"""Settings: every ``STARCERT_*`` variable, typed, with its default.

A bad value fails at start-up with one line naming the variable (see ``describe_error``).
Each setting's description is the one place that says what it does: the settings table of
docs/operations.md is generated from them (``python -m app.docs``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app import dburl
from app.domain import policy

ENV_PREFIX = "STARCERT_"

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")
_PERIOD_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``120/minute`` parsed: at most ``limit`` requests per ``period_seconds`` window."""

    limit: int
    period_seconds: int

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        match = _RATE.match(text)
        if match is None or int(match.group(1)) < 1:
            raise ValueError("expected '<count>/<second|minute|hour|day>', e.g. '120/minute'")
        return cls(int(match.group(1)), _PERIOD_SECONDS[match.group(2)])

    def __str__(self) -> str:
        unit = next(u for u, s in _PERIOD_SECONDS.items() if s == self.period_seconds)
        return f"{self.limit}/{unit}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite:///./starcert.db",
        description="The database: `sqlite:///<file>` or `postgresql://user@host:port/db`; "
        "starcert picks its own drivers.",
    )
    host: str = Field(default="127.0.0.1", description="The address `starcert serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="The port `starcert serve` binds.")
    bootstrap_admin_token: SecretStr | None = Field(
        default=None,
        min_length=16,
        description="At start-up, when no administrator exists, create one owning this token "
        "(16 characters or more).",
    )
    certificate_prefix: str = Field(
        default="ASC",
        pattern=r"^[A-Z][A-Z0-9]{1,9}$",
        description="The prefix of certificate numbers: a capital letter, then 1 to 9 "
        "capitals or digits.",
    )
    issuer_name: str = Field(
        default="starcert 认证中心 / starcert Certification Centre",
        min_length=1,
        description="The issuer named on public records and the verification pages.",
    )
    public_rate_limit: Annotated[RateLimit, NoDecode] = Field(
        default=RateLimit(120, 60),
        description="Requests per client address on the public surface and the pages: "
        "`<count>/<second|minute|hour|day>`.",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://\S+$",
        description="The service's public base URL (trailing slash removed).",
    )
    timezone: str = Field(
        default="Asia/Shanghai",
        description='The IANA time zone of certificates\' calendar dates and of "today".',
    )
    surveillance_grace_days: int = Field(
        default=30,
        ge=0,
        le=3650,
        description="Days past a surveillance's due date before housekeeping suspends.",
    )
    max_suspension_days: int = Field(
        default=policy.DEFAULT_MAX_SUSPENSION_DAYS,
        ge=1,
        description="Days of suspension before housekeeping withdraws the certificate "
        f"(at most {policy.MAX_SUSPENSION_DAYS}).",
    )
    surveillance_window_days: int = Field(
        default=policy.DEFAULT_SURVEILLANCE_WINDOW_DAYS,
        ge=0,
        le=policy.MAX_SURVEILLANCE_WINDOW_DAYS,
        description="How many days before its due date a surveillance audit can be decided "
        f"(0 to {policy.MAX_SURVEILLANCE_WINDOW_DAYS}).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="`DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL`."
    )
    redis_url: str | None = Field(
        default=None,
        description="A Redis URL: every API process then counts the public rate limit in one "
        "shared budget (in-process counts when unset).",
    )
    trusted_proxies: Annotated[tuple[Network, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated addresses or networks of proxies whose "
        "`X-Forwarded-For` is believed.",
    )
    db_pool_size: int = Field(
        default=10, ge=1, le=200, description="The size of each database connection pool."
    )
    rubric_file: Path | None = Field(
        default=None,
        description="A rubric edition (`.toml` or `.json`): the points of every indicator "
        "that new audits are scored on, checked at start-up; the built-in `gbt27922-2011` "
        "when unset.",
    )
    # Declared for the features of later versions, so that a configuration written today
    # keeps working; each is used by the feature that needs it.
    max_upload_mb: int = Field(
        default=20, ge=1, le=1024, description="Reserved: the largest dossier upload, in MiB."
    )
    storage_dir: Path = Field(
        default=Path("./data/documents"), description="Reserved: the dossier file store."
    )
    s3_url: str | None = Field(
        default=None, description="Reserved: an S3-compatible store for dossier files."
    )
    signing_key_file: Path = Field(
        default=Path("./data/signing-key.jwk"), description="Reserved: the issuer's signing key."
    )
    webhooks_allow_private: bool = Field(
        default=False,
        description="Reserved: whether webhook URLs may resolve to private networks.",
    )

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        dburl.parse(value)
        return value

    @field_validator("max_suspension_days")
    @classmethod
    def _max_suspension(cls, value: int) -> int:
        if value > policy.MAX_SUSPENSION_DAYS:
            raise ValueError(
                f"at most {policy.MAX_SUSPENSION_DAYS} days (CNCA practice caps a suspension "
                f"at six months), not {value}"
            )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("public_rate_limit", mode="before")
    @classmethod
    def _rate_limit(cls, value: object) -> object:
        return RateLimit.parse(value) if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("public_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            return tuple(ipaddress.ip_network(p, strict=False) for p in parts)
        return value

    @property
    def async_database_url(self) -> str:
        return dburl.sqlalchemy_url(self.database_url)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def describe_error(error: ValidationError) -> str:
    """One line per bad setting, naming the environment variable, never echoing a secret."""
    lines = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "?"
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"invalid setting {ENV_PREFIX}{field.upper()}: {message}")
    return "; ".join(lines)


@lru_cache
def get_settings() -> Settings:
    return Settings()
