"""The register the bench reads: loaded with ``starcert demo-data`` (or reused when one with
the same N is already at the migrations' head), and the inputs drawn from it."""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from app import dburl

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PYTHON = sys.executable
DEFAULT_CERTIFICATES = {"postgresql": 1_000_000, "sqlite": 100_000}
DEFAULT_SERVER = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# bytes of disk per certificate (table, indexes, events), with room to spare
BYTES_PER_CERTIFICATE = {"postgresql": 3_000, "sqlite": 2_000}


@dataclass
class Register:
    dialect: str
    certificates: int
    url: str = ""

    @property
    def label(self) -> str:
        return f"{self.dialect} · {self.certificates:,} certificates"


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def env(url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "STARCERT_DATABASE_URL": url, **extra}


def async_url(url: str) -> str:
    return dburl.sqlalchemy_url(url)


def prepare(register: Register, server: str) -> None:
    """Load the register unless one with the same N is already there."""
    if register.dialect == "postgresql":
        name = f"starcert_bench_{register.certificates}"
        register.url = f"{server.rsplit('/', 1)[0]}/{name}"
    else:
        DATA.mkdir(parents=True, exist_ok=True)
        register.url = f"sqlite:///{DATA}/bench-{register.certificates}.db"
    loaded = asyncio.run(_count(register))
    if loaded == register.certificates:
        log(f"{register.label}: reusing the loaded register")
        return
    free = shutil.disk_usage(DATA if register.dialect == "sqlite" else ROOT).free
    needed = BYTES_PER_CERTIFICATE[register.dialect] * register.certificates
    if free < needed:
        sys.exit(f"bench: {needed / 1e9:.1f} GB of free disk needed, {free / 1e9:.1f} GB free")
    log(f"{register.label}: loading (found {loaded})")
    asyncio.run(_recreate(register, server))
    subprocess.run(
        [PYTHON, "-m", "app.cli", "migrate"], env=env(register.url), check=True, capture_output=True
    )
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "app.cli", "demo-data", "--certificates", str(register.certificates)],
        env=env(register.url),
        check=True,
    )
    log(f"{register.label}: loaded in {time.perf_counter() - started:.0f} s")


async def _count(register: Register) -> int | None:
    """Certificates in a register whose schema is at the migrations' head, else None."""
    from app.schema_version import head_revision

    try:
        revision = await query(register, "SELECT version_num FROM alembic_version")
        rows = await query(register, "SELECT count(*) FROM certificates")
    except Exception:
        return None
    return int(rows[0][0]) if revision and revision[0][0] == head_revision() else None


async def _recreate(register: Register, server: str) -> None:
    if register.dialect == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(dburl.sqlite_path(register.url) + suffix).unlink(missing_ok=True)
        return
    name = register.url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def query(register: Register, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """One statement on the register, with asyncpg's ``$1`` placeholders on both databases."""
    if register.dialect == "sqlite":
        import sqlite3

        path = dburl.sqlite_path(register.url)
        if not Path(path).exists():
            raise FileNotFoundError(path)
        with sqlite3.connect(path) as conn:
            return [tuple(r) for r in conn.execute(sql.replace("$1", "?"), args).fetchall()]
    conn = await asyncpg.connect(dburl.asyncpg_dsn(register.url))
    try:
        return [tuple(r) for r in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


def numbers(register: Register, count: int) -> list[str]:
    sql = "SELECT number FROM certificates ORDER BY random() LIMIT $1"
    return [r[0] for r in asyncio.run(query(register, sql, count))]


def missing_numbers(register: Register, existing: list[str]) -> list[str]:
    """Numbers of the same prefixes and years as ``existing`` that the register does not hold
    (random serials, those that exist dropped), so a miss walks the same part of the index
    as a hit."""
    rng = random.Random(7)
    out: list[str] = []
    while len(out) < len(existing):
        candidates = sorted(
            {f"{n.rsplit('-', 1)[0]}-{rng.randrange(1, 1_000_000):06d}" for n in existing}
        )
        held = {r[0] for r in asyncio.run(_in_register(register, candidates))}
        out += [c for c in candidates if c not in held]
    rng.shuffle(out)
    return out[: len(existing)]


async def _in_register(register: Register, candidates: list[str]) -> list[tuple[Any, ...]]:
    if register.dialect == "sqlite":
        return await query(
            register,
            "SELECT number FROM certificates WHERE number IN (SELECT value FROM json_each($1))",
            json.dumps(candidates),
        )
    return await query(
        register, "SELECT number FROM certificates WHERE number = ANY($1::text[])", candidates
    )
