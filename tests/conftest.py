"""Test set-up: every API test runs on SQLite and on PostgreSQL.

Each database is migrated once per session with ``alembic upgrade head`` (never
``create_all``); every test starts from empty tables. PostgreSQL is the server of
``STARCERT_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``); a
database of its own is created for the run and dropped after it. When PostgreSQL cannot be
reached the PostgreSQL half is skipped, unless ``STARCERT_REQUIRE_POSTGRES=1`` (CI), which
turns that into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from app.clock import FixedClock
from app.config import RateLimit, Settings
from app.db import Database
from app.main import close_public, create_app
from tests.support.api import Api
from tests.support.contract import Recorder
from tests.support.databases import (
    Backend,
    create_postgres_database,
    drop_postgres_database,
    migrate,
    postgres_server_url,
    reset_database,
)
from tests.support.sequences import restart_all

REQUIRE_POSTGRES = os.environ.get("STARCERT_REQUIRE_POSTGRES") == "1"
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _generated_data_starts_afresh() -> None:
    """The factories' serials and random streams restart for every test, so the data a test
    generates does not depend on which tests ran before it (tests/support/sequences.py)."""
    restart_all()


@pytest.fixture(scope="session")
def backend_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str | None]]:
    """The database URL of each backend for this run (None: PostgreSQL unreachable)."""
    sqlite_path: Path = tmp_path_factory.mktemp("db") / "starcert-test.db"
    urls: dict[str, str | None] = {"sqlite": f"sqlite:///{sqlite_path}", "postgresql": None}
    name = f"starcert_test_{uuid.uuid4().hex[:8]}"
    server = postgres_server_url()
    try:
        urls["postgresql"] = create_postgres_database(server, name)
    except OSError as exc:
        if REQUIRE_POSTGRES:
            pytest.exit(f"PostgreSQL is required (STARCERT_REQUIRE_POSTGRES=1): {exc}", 3)
    for url in urls.values():
        if url is not None:
            migrate(url)
    yield urls
    if urls["postgresql"] is not None:
        drop_postgres_database(server, name)


@pytest.fixture(scope="session", params=BACKENDS)
def backend_name(request: pytest.FixtureRequest, backend_urls: dict[str, str | None]) -> str:
    name: str = request.param
    if backend_urls[name] is None:
        pytest.skip("PostgreSQL is not reachable (set STARCERT_REQUIRE_POSTGRES=1 to fail)")
    return name


@pytest.fixture(scope="session")
async def backend(backend_name: str, backend_urls: dict[str, str | None]) -> AsyncIterator[Backend]:
    url = backend_urls[backend_name]
    assert url is not None
    backend = Backend.open(backend_name, url)
    yield backend
    await backend.db.dispose()


@pytest.fixture
async def db(backend: Backend) -> Database:
    await reset_database(backend.db)
    return backend.db


NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(ZoneInfo("Asia/Shanghai"), NOW)


@pytest.fixture
def settings(backend: Backend) -> Settings:
    return Settings(
        database_url=backend.url,
        public_base_url="http://testserver",
        public_rate_limit=RateLimit(100_000, 60),  # the limiter has tests of its own
    )


@pytest.fixture
async def app(db: Database, settings: Settings, clock: FixedClock) -> AsyncIterator[FastAPI]:
    application = create_app(settings, clock=clock, db=db)
    try:
        yield application
    finally:
        await close_public(application)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the application whose every response is judged against the served
    OpenAPI document (tests/support/contract.py): the test fails on an undocumented status,
    a body that does not match its schema, or a problem code the route does not declare."""
    recorder = Recorder(app)
    transport = httpx.ASGITransport(app=recorder, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
    assert not recorder.violations, "responses that break the OpenAPI document:\n" + "\n".join(
        recorder.violations
    )


@pytest.fixture
async def api(app: FastAPI, client: httpx.AsyncClient, clock: FixedClock, db: Database) -> Api:
    return Api(app=app, client=client, clock=clock, db=db)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked ``postgresql_only`` runs on PostgreSQL alone: its SQLite instance is
    not collected (rather than skipped: there is nothing to check there)."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        sqlite = callspec is not None and callspec.params.get("backend_name") == "sqlite"
        (dropped if sqlite and item.get_closest_marker("postgresql_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _whole_suite(config: pytest.Config) -> bool:
    """The run collects every test (``make test``): no paths, keywords or markers given."""
    return (
        config.args_source is pytest.Config.ArgsSource.TESTPATHS
        and not config.option.keyword
        and not config.option.markexpr
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A route declares only problems it answers: after a whole, green run, a declared code
    that no test provoked fails it (tests/support/contract.py)."""
    from tests.support import contract

    if exitstatus == pytest.ExitCode.OK and _whole_suite(session.config) and contract.unprovoked():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """After a run: the codes operations declare that no test provoked."""
    from tests.support import contract

    if contract.SESSION:
        missing = contract.unprovoked()
        whole = _whole_suite(terminalreporter.config)
        verdict = (
            "FAILED: declare only what a route answers, or provoke it in a test"
            if whole
            else "(not all tests ran)"
        )
        if missing:
            terminalreporter.write_sep(
                "-", f"declared problem codes no test provoked: {len(missing)} {verdict}"
            )
            for line in missing:
                terminalreporter.write_line(line)


@pytest.fixture
def scratch_postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database of the test's own (for migration tests), dropped after
    it; skipped when the server cannot be reached, unless PostgreSQL is required."""
    server = postgres_server_url()
    name = f"starcert_scratch_{uuid.uuid4().hex[:8]}"
    try:
        url = create_postgres_database(server, name)
    except OSError as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    try:
        yield url
    finally:
        drop_postgres_database(server, name)
