"""Database URLs: the one place that turns the URL a deployment configures
(``STARCERT_DATABASE_URL``) into what each driver takes.

``sqlite:///x.db`` and ``postgresql://u@h/db`` are enough: starcert picks its own drivers —
aiosqlite, and asyncpg for PostgreSQL (the fastest of the stacks measured,
docs/performance.md). A URL naming another driver (``postgresql+psycopg://``,
``postgres://``) is served with asyncpg as well.
"""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

BACKENDS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_ALIASES = {"postgres": "postgresql"}


def parse(url: str) -> URL:
    """The URL with starcert's own async driver; ValueError for anything else."""
    scheme, sep, _rest = url.partition("://")
    if not sep:
        raise ValueError("expected a URL such as sqlite:///./starcert.db or postgresql://u@h/db")
    backend = scheme.split("+", 1)[0].lower()
    backend = _ALIASES.get(backend, backend)
    if backend not in BACKENDS:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return make_url(BACKENDS[backend] + url[len(scheme) :])


def backend(url: str) -> str:
    """``sqlite`` or ``postgresql``."""
    return parse(url).get_backend_name()


def sqlalchemy_url(url: str) -> str:
    """For SQLAlchemy's async engine (the ORM, migrations)."""
    return parse(url).render_as_string(hide_password=False)


def asyncpg_dsn(url: str) -> str:
    """For ``asyncpg.connect`` and ``asyncpg.create_pool`` (a PostgreSQL URL)."""
    parsed = parse(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("asyncpg takes a PostgreSQL URL")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlite_path(url: str) -> str:
    """The file of a SQLite URL (``:memory:`` when it names none)."""
    parsed = parse(url)
    if parsed.get_backend_name() != "sqlite":
        raise ValueError("expected a SQLite URL")
    return parsed.database or ":memory:"
