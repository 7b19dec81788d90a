"""Settings: their defaults (docs/operations.md, Settings), and one clear line for a bad
value at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from ipaddress import ip_network

import pytest
from pydantic import ValidationError

from app import dburl
from app.config import RateLimit, Settings, describe_error


def test_defaults_are_those_of_api_md(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("STARCERT_"):
            monkeypatch.delenv(key)
    s = Settings()
    assert s.database_url == "sqlite:///./starcert.db"
    assert (s.host, s.port) == ("127.0.0.1", 8000)
    assert s.bootstrap_admin_token is None
    assert s.certificate_prefix == "ASC"
    assert s.public_rate_limit == RateLimit(120, 60)
    assert s.public_base_url == "http://127.0.0.1:8000"
    assert s.timezone == "Asia/Shanghai"
    assert (s.surveillance_grace_days, s.max_suspension_days) == (30, 180)
    assert s.surveillance_window_days == 90
    assert s.max_upload_mb == 20
    assert str(s.storage_dir) == "data/documents"
    assert s.s3_url is None and s.redis_url is None
    assert str(s.signing_key_file) == "data/signing-key.jwk"
    assert s.webhooks_allow_private is False
    assert s.trusted_proxies == ()
    assert s.rubric_file is None


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STARCERT_PUBLIC_RATE_LIMIT", "10/second")
    monkeypatch.setenv("STARCERT_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
    monkeypatch.setenv("STARCERT_LOG_LEVEL", "debug")
    monkeypatch.setenv("STARCERT_PUBLIC_BASE_URL", "https://verify.example.cn/")
    s = Settings()
    assert s.public_rate_limit == RateLimit(10, 1)
    assert s.trusted_proxies == (ip_network("10.0.0.0/8"), ip_network("127.0.0.1/32"))
    assert s.log_level == "DEBUG"
    assert s.public_base_url == "https://verify.example.cn"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///./starcert.db", "sqlite+aiosqlite:///./starcert.db"),
        ("postgresql://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_database_urls_get_starcerts_drivers(url: str, expected: str) -> None:
    assert dburl.sqlalchemy_url(url) == expected


@pytest.mark.parametrize(
    ("url", "dsn"),
    [
        ("postgresql://u:p%40ss@h:5432/db", "postgresql://u:p%40ss@h:5432/db"),
        ("postgres://u@h/db?sslmode=require", "postgresql://u@h/db?sslmode=require"),
        ("postgresql+asyncpg://u@h/db", "postgresql://u@h/db"),
    ],
)
def test_one_function_gives_asyncpg_its_dsn(url: str, dsn: str) -> None:
    assert dburl.asyncpg_dsn(url) == dsn
    assert dburl.backend(url) == "postgresql"
    with pytest.raises(ValueError, match="PostgreSQL"):
        dburl.asyncpg_dsn("sqlite:///x.db")


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///./starcert.db", "./starcert.db"),
        ("sqlite:////srv/x.db", "/srv/x.db"),
        ("sqlite://", ":memory:"),
    ],
)
def test_one_function_gives_sqlite_its_file(url: str, path: str) -> None:
    assert dburl.sqlite_path(url) == path
    with pytest.raises(ValueError, match="SQLite"):
        dburl.sqlite_path("postgresql://u@h/db")


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("DATABASE_URL", "no-scheme"),
        ("PUBLIC_RATE_LIMIT", "lots"),
        ("PUBLIC_RATE_LIMIT", "0/minute"),
        ("TIMEZONE", "Mars/Olympus"),
        ("CERTIFICATE_PREFIX", "asc-1"),
        ("SURVEILLANCE_GRACE_DAYS", "-1"),
        ("SURVEILLANCE_WINDOW_DAYS", "-1"),
        ("SURVEILLANCE_WINDOW_DAYS", "181"),
        ("MAX_SUSPENSION_DAYS", "0"),
        ("MAX_SUSPENSION_DAYS", "181"),
        ("TRUSTED_PROXIES", "not-an-ip"),
        ("LOG_LEVEL", "LOUD"),
        ("WEBHOOKS_ALLOW_PRIVATE", "perhaps"),
    ],
)
def test_a_bad_value_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str
) -> None:
    monkeypatch.setenv(f"STARCERT_{env}", value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    message = describe_error(caught.value)
    assert message.startswith(f"invalid setting STARCERT_{env}: ")
    assert "\n" not in message


@pytest.mark.parametrize(("env", "value"), [("SURVEILLANCE_WINDOW_DAYS", 0),
                                            ("SURVEILLANCE_WINDOW_DAYS", 180),
                                            ("MAX_SUSPENSION_DAYS", 1),
                                            ("MAX_SUSPENSION_DAYS", 180)])  # fmt: skip
def test_the_bounds_of_the_certificate_periods_are_allowed(
    monkeypatch: pytest.MonkeyPatch, env: str, value: int
) -> None:
    monkeypatch.setenv(f"STARCERT_{env}", str(value))
    assert getattr(Settings(), env.lower()) == value


def test_a_suspension_longer_than_six_months_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STARCERT_MAX_SUSPENSION_DAYS", "365")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert describe_error(caught.value) == (
        "invalid setting STARCERT_MAX_SUSPENSION_DAYS: at most 180 days (CNCA practice caps a "
        "suspension at six months), not 365"
    )


def test_cli_refuses_to_start_with_one_line(tmp_path: object) -> None:
    env = {**os.environ, "STARCERT_PORT": "eighty"}
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "starcert: invalid setting STARCERT_PORT: Input should be a valid integer, "
        "unable to parse string as an integer"
    ]
