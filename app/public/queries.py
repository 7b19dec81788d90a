"""The hand-tuned read statements of the public surface, for each dialect, in one place.

They run on the driver's own pool (asyncpg; aiosqlite connections for SQLite), never through
the ORM. Each statement is fixed text with parameters; the search strategy that picks one
lives in ``app.public.service`` and never leaves the choice to the planner's estimate of a
``LIKE``: it misjudges them by orders of magnitude (docs/performance.md, Name search).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, Protocol

import aiosqlite
import asyncpg
import orjson

from app import dburl
from app.db import SQLITE_BUSY_TIMEOUT_MS
from app.domain.search import (
    MAX_VOCABULARY_WORDS,
    PPM,
    Prior,
    bigrams,
    fts_query,
    is_word,
    like_pattern,
    selective_grams,
    share_prior,
    uses_trigrams,
)

COLUMNS = (
    "number",
    "status",
    "grade",
    "organisation_name",
    "organisation_name_en",
    "organisation_address",
    "organisation_uscc",
    "scope",
    "issued_on",
    "expires_on",
    "last_surveillance_on",
    "superseded_by",
    "valid_from",
    "status_changed_on",
    "superseded_on",
    "scope_en",
    "sites",
)
_COLS = ", ".join(COLUMNS)
_C_COLS = ", ".join(f"c.{c}" for c in COLUMNS)
# The public order: active certificates first, then by number (ix_certificates_public_order).
_ORDER = "(status <> 'active'), number"


class PublicRow(NamedTuple):
    number: str
    status: str
    grade: str
    organisation_name: str
    organisation_name_en: str | None
    organisation_address: str
    organisation_uscc: str
    scope: str
    issued_on: date
    expires_on: date
    last_surveillance_on: date | None
    superseded_by: str | None
    valid_from: date
    status_changed_on: date
    superseded_on: date | None
    scope_en: str | None
    sites: str  # the printed annex of sites, JSON text as stored ([{name, address, kind}])


class Printed(NamedTuple):
    """The printed details of the revision in effect on a day (``certificate_revisions``)."""

    organisation_name: str
    organisation_name_en: str | None
    organisation_address: str
    scope: str
    scope_en: str | None
    sites: list[dict[str, str]]


class LogRow(NamedTuple):
    """One event of a certificate's log: chain id, action, the instant it was recorded (Unix
    seconds, UTC) and its data."""

    id: int
    action: str
    occurred_at: int
    data: dict[str, Any]


class Dated(NamedTuple):
    """A certificate with its log, and the revision in effect on the day asked for (None when
    no day was asked, or no revision is recorded)."""

    row: PublicRow
    log: list[LogRow]
    printed: Printed | None


# the positions of the date columns (SQLite hands dates back as text)
_DATE_COLUMNS = tuple(
    COLUMNS.index(name)
    for name in (
        "issued_on",
        "expires_on",
        "last_surveillance_on",
        "valid_from",
        "status_changed_on",
        "superseded_on",
    )
)


@dataclass(frozen=True, slots=True)
class After:
    """A keyset position in the public order: (inactive, number)."""

    inactive: bool
    number: str


class Reader(Protocol):
    # What a walk costs a row and the index a match, in ns (``search.next_walk``); None:
    # the index is always cheaper than walking further (SQLite's FTS tables).
    walk_ns: int | None
    match_ns: int

    async def estimated_rows(self) -> int:
        """The register's size as the database last counted it (0: unknown)."""
        ...

    async def prior(self, term: str) -> Prior | None:
        """What the database's statistics say of the term's share (``search.share_prior``)."""
        ...

    async def by_number(self, number: str) -> PublicRow | None: ...

    async def by_numbers(self, numbers: Sequence[str]) -> list[PublicRow]: ...

    async def dated(self, number: str, on: date | None) -> Dated | None:
        """The certificate, its log and the revision in effect on ``on``: one statement."""
        ...

    async def logs(self, numbers: Sequence[str]) -> dict[str, list[LogRow]]:
        """The logs of several certificates: one statement."""
        ...

    async def walk(self, term: str, after: After | None, depth: int, limit: int) -> list[PublicRow]:
        """Matches among the next ``depth`` certificates in public order (stops early)."""
        ...

    async def indexed(self, term: str, after: After | None, limit: int) -> list[PublicRow]:
        """Matches found through the trigram index, then sorted in public order."""
        ...

    async def by_uscc(
        self, uscc: str, term: str | None, after: After | None, limit: int
    ) -> list[PublicRow]:
        """An organisation's certificates, narrowed to a name term when one is given."""
        ...

    async def close(self) -> None: ...


# --- PostgreSQL (asyncpg) --------------------------------------------------------------

# every statement that pages takes the keyset position as its parameters $4 and $5
_PG_AFTER = "AND ((status <> 'active'), number) > ($4::boolean, $5::text)"
PG = {
    "by_number": f"SELECT {_COLS} FROM certificates WHERE number = $1",
    "by_numbers": f"SELECT {_COLS} FROM certificates WHERE number = ANY($1::text[])",
    # ?on= and the history: the row, its log (ix_events_entity_type_entity_id_id) and the
    # revision in effect on $2, in one round trip
    "dated": (
        f"SELECT {_C_COLS},"
        " (SELECT json_agg(json_build_array(e.id, e.action,"
        " floor(extract(epoch FROM e.occurred_at))::bigint, e.data) ORDER BY e.id)"
        " FROM events e WHERE e.entity_type = 'certificate' AND e.entity_id = c.number)::text,"
        " (SELECT json_build_array(r.organisation_name, r.organisation_name_en,"
        " r.organisation_address, r.scope, r.scope_en, r.sites)::text"
        " FROM certificate_revisions r WHERE r.certificate_id = c.id AND r.effective_on <= $2"
        " ORDER BY r.revision DESC LIMIT 1)"
        " FROM certificates c WHERE c.number = $1"
    ),
    "logs": (
        "SELECT entity_id, id, action, floor(extract(epoch FROM occurred_at))::bigint,"
        " data::text FROM events WHERE entity_type = 'certificate'"
        " AND entity_id = ANY($1::text[]) ORDER BY entity_id, id"
    ),
    # The walk reads only what the covering order index holds (an index-only scan), then
    # fetches the few matches it keeps.
    "walk": (
        f"WITH kept AS (SELECT number, inactive FROM (SELECT number, search_key,"
        f" (status <> 'active') AS inactive FROM certificates WHERE true {{after}}"
        f" ORDER BY {_ORDER} LIMIT $2) walk"
        f" WHERE search_key LIKE $1 ESCAPE '\\' ORDER BY inactive, number LIMIT $3)"
        f" SELECT {_C_COLS} FROM kept JOIN certificates c USING (number)"
        f" ORDER BY kept.inactive, kept.number"
    ),
    # MATERIALIZED: the matches come from the index first, and only they are sorted; the
    # planner cannot swap in a walk of the order index on a misjudged LIKE estimate. One
    # index per statement: a bigram and a trigram condition together would AND two bitmaps.
    # The LIKE recheck stays outside: inside, the planner would rather use pg_trgm for it.
    "bigrams": (
        f"WITH hits AS MATERIALIZED (SELECT {_COLS}, search_key FROM certificates"
        f" WHERE starcert_bigrams(search_key) @> $1::text[] {{after}})"
        f" SELECT {_COLS} FROM hits WHERE search_key LIKE $2 ESCAPE '\\'"
        f" ORDER BY {_ORDER} LIMIT $3"
    ),
    # $1: the pattern pg_trgm is asked for, $2: the one that rechecks its candidates (today
    # both the whole term's)
    "trigrams": (
        f"WITH hits AS MATERIALIZED (SELECT {_COLS}, search_key FROM certificates"
        f" WHERE search_key LIKE $1 ESCAPE '\\' {{after}})"
        f" SELECT {_COLS} FROM hits WHERE search_key LIKE $2 ESCAPE '\\'"
        f" ORDER BY {_ORDER} LIMIT $3"
    ),
    # A Latin word: the vocabulary's words that contain it ($1: the word's pattern) ...
    "vocabulary": (
        "SELECT word FROM certificate_search_vocabulary WHERE word LIKE $1 ESCAPE '\\' LIMIT $2"
    ),
    # ... then the names holding one of them ($1), exactly the names holding the word; the
    # LIKE on the key ($2) rechecks all the same
    "words": (
        f"WITH hits AS MATERIALIZED (SELECT {_COLS}, search_key FROM certificates"
        f" WHERE starcert_words(search_key) && $1::text[] {{after}})"
        f" SELECT {_COLS} FROM hits WHERE search_key LIKE $2 ESCAPE '\\'"
        f" ORDER BY {_ORDER} LIMIT $3"
    ),
    "by_uscc": (
        f"SELECT {_COLS} FROM certificates WHERE organisation_uscc = $1"
        f" AND search_key LIKE $2 ESCAPE '\\' {{after}} ORDER BY {_ORDER} LIMIT $3"
    ),
}


# The database's own statistics, refreshed every STATS_SECONDS: the register's size, and
# the share of names holding each of the most common character bigrams (ANALYZE gathers
# them for the expression of ix_certificates_search_bigrams).
STATS = (
    "SELECT (SELECT reltuples::bigint FROM pg_class WHERE oid = 'certificates'::regclass),"
    " s.most_common_elems::text::text[], s.most_common_elem_freqs"
    " FROM (SELECT 1) one LEFT JOIN pg_stats s ON s.schemaname = current_schema()"
    " AND s.tablename = 'ix_certificates_search_bigrams'"
)
STATS_SECONDS = 300.0


def pg_statement(name: str, after: After | None) -> str:
    return PG[name].format(after=_PG_AFTER if after else "")


def _name_pattern(term: str | None) -> str:
    return like_pattern(term) if term is not None else "%"


def _after_args(after: After | None) -> tuple[Any, ...]:
    return (after.inactive, after.number) if after else ()


async def keep_session(connection: asyncpg.Connection) -> None:
    """The pool's ``reset``: nothing to undo. These connections run single statements and
    never touch session state (no SET, LISTEN, advisory locks or cursors; their settings are
    start-up parameters), so asyncpg's default reset query — a round trip on every
    release — has nothing to reset. asyncpg still rolls back a
    connection left in a transaction before calling this."""


def pool_options(pool_size: int) -> dict[str, Any]:
    """``asyncpg.create_pool`` options of the public read pool (the bench's ceiling uses
    the same, so that the two are compared on equal terms)."""
    return {
        "min_size": 1,
        "max_size": pool_size,
        "reset": keep_session,
        # search statements are planned for their pattern, never generically
        "server_settings": {
            "application_name": "starcert-public",
            "plan_cache_mode": "force_custom_plan",
        },
    }


@dataclass(frozen=True, slots=True)
class Statistics:
    rows: int
    gram_shares: dict[str, int]  # ppm
    taken: float  # time.monotonic()


class PostgresReader:
    # measured at a million rows: an index-only walk, and a bitmap heap fetch and sort
    walk_ns: int | None = 300
    match_ns: int = 4000

    def __init__(self, dsn: str, *, pool_size: int) -> None:
        self._dsn = dsn
        self._size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()
        # Requests wait here, first come first served, before they ask the pool: asyncpg's
        # own waiting lets a newcomer overtake a waiter, which stretches the tail under load
        # (the service's p99 against the bare pool's: bench/RESULTS.md).
        self._gate = asyncio.Semaphore(pool_size)
        self._stats: Statistics | None = None

    async def _get_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._lock:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(self._dsn, **pool_options(self._size))
        return self._pool

    async def _fetch(self, sql: str, *args: Any) -> list[PublicRow]:
        pool = await self._get_pool()
        async with self._gate, pool.acquire() as conn:
            rows = await conn.fetch(sql, *args)
        return [PublicRow(*r) for r in rows]

    async def by_number(self, number: str) -> PublicRow | None:
        pool = await self._get_pool()
        async with self._gate, pool.acquire() as conn:
            row = await conn.fetchrow(PG["by_number"], number)
        return PublicRow(*row) if row is not None else None

    async def _statistics(self) -> Statistics:
        stats = self._stats
        if stats is None or time.monotonic() - stats.taken > STATS_SECONDS:
            pool = await self._get_pool()
            async with self._gate, pool.acquire() as conn:
                record = await conn.fetchrow(STATS)
            rows, grams, shares = record if record is not None else (0, None, None)
            stats = self._stats = Statistics(
                max(0, rows or 0),
                {g: round(f * PPM) for g, f in zip(grams, shares or (), strict=False)}
                if grams
                else {},
                time.monotonic(),
            )
        return stats

    async def estimated_rows(self) -> int:
        return (await self._statistics()).rows

    async def prior(self, term: str) -> Prior | None:
        stats = await self._statistics()
        return share_prior(term, stats.gram_shares, min(stats.gram_shares.values(), default=0))

    async def by_numbers(self, numbers: Sequence[str]) -> list[PublicRow]:
        return await self._fetch(PG["by_numbers"], list(numbers))

    async def dated(self, number: str, on: date | None) -> Dated | None:
        pool = await self._get_pool()
        async with self._gate, pool.acquire() as conn:
            row = await conn.fetchrow(PG["dated"], number, on)
        return _dated(tuple(row)) if row is not None else None

    async def logs(self, numbers: Sequence[str]) -> dict[str, list[LogRow]]:
        pool = await self._get_pool()
        async with self._gate, pool.acquire() as conn:
            rows = await conn.fetch(PG["logs"], list(numbers))
        return _logs(rows)

    async def walk(self, term: str, after: After | None, depth: int, limit: int) -> list[PublicRow]:
        sql = pg_statement("walk", after)
        return await self._fetch(sql, like_pattern(term), depth, limit, *_after_args(after))

    async def index_statement(
        self, term: str, after: After | None, limit: int
    ) -> tuple[str, tuple[Any, ...]]:
        """The statement ``indexed`` runs for ``term``, with its arguments: a Latin word by the
        vocabulary's words that contain it (none: the statement finds nothing at once);
        other Latin terms, or a word in too many words, by pg_trgm; any other term — 2
        characters, Chinese, punctuated — by its selective bigrams."""
        if is_word(term):
            pool = await self._get_pool()
            async with self._gate, pool.acquire() as conn:
                found = await conn.fetch(
                    PG["vocabulary"], like_pattern(term), MAX_VOCABULARY_WORDS + 1
                )
            if len(found) <= MAX_VOCABULARY_WORDS:
                words = [r[0] for r in found]
                args = (words, like_pattern(term), limit, *_after_args(after))
                return pg_statement("words", after), args
        if uses_trigrams(term) and term.isascii():
            # every trigram of the term: GIN intersects their posting lists itself, skipping
            # through the long ones (a window of the term, asked for alone, can be common
            # though the term is rare)
            pattern = like_pattern(term)
            return pg_statement("trigrams", after), (pattern, pattern, limit, *_after_args(after))
        shares = (await self._statistics()).gram_shares
        grams = selective_grams(bigrams(term), shares)
        return pg_statement("bigrams", after), (
            grams,
            like_pattern(term),
            limit,
            *_after_args(after),
        )

    async def indexed(self, term: str, after: After | None, limit: int) -> list[PublicRow]:
        sql, args = await self.index_statement(term, after, limit)
        return await self._fetch(sql, *args)

    async def by_uscc(
        self, uscc: str, term: str | None, after: After | None, limit: int
    ) -> list[PublicRow]:
        sql = pg_statement("by_uscc", after)
        return await self._fetch(sql, uscc, _name_pattern(term), limit, *_after_args(after))

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


# --- SQLite (aiosqlite) ----------------------------------------------------------------

_SQ_AFTER = "AND ((c.status <> 'active'), c.number) > (?, ?)"
SQLITE = {
    "by_number": f"SELECT {_C_COLS} FROM certificates c WHERE c.number = ?",
    "by_numbers": (
        f"SELECT {_C_COLS} FROM certificates c WHERE c.number IN (SELECT value FROM json_each(?))"
    ),
    # as on PostgreSQL; the log is sorted by id in Python (json_group_array keeps no order)
    "dated": (
        f"SELECT {_C_COLS},"
        " (SELECT json_group_array(json_array(e.id, e.action,"
        " CAST(strftime('%s', e.occurred_at) AS INTEGER), json(e.data)))"
        " FROM events e WHERE e.entity_type = 'certificate' AND e.entity_id = c.number),"
        " (SELECT json_array(r.organisation_name, r.organisation_name_en,"
        " r.organisation_address, r.scope, r.scope_en, json(r.sites))"
        " FROM certificate_revisions r WHERE r.certificate_id = c.id AND r.effective_on <= ?"
        " ORDER BY r.revision DESC LIMIT 1)"
        " FROM certificates c WHERE c.number = ?"
    ),
    "logs": (
        "SELECT entity_id, id, action, CAST(strftime('%s', occurred_at) AS INTEGER), data"
        " FROM events WHERE entity_type = 'certificate'"
        " AND entity_id IN (SELECT value FROM json_each(?)) ORDER BY entity_id, id"
    ),
    # As on PostgreSQL: the walk reads only the covering index (ix_certificates_search_walk).
    # No ORDER BY between the walk and its LIMIT: the walk's rows come in public order and a
    # sort there would read all of them before keeping any (no stopping at the first page).
    "walk": (
        f"WITH kept AS (SELECT number, inactive FROM (SELECT c.number, c.search_key,"
        f" (c.status <> 'active') AS inactive FROM certificates c WHERE 1 {{after}}"
        f" ORDER BY (c.status <> 'active'), c.number LIMIT ?)"
        f" WHERE search_key LIKE ? ESCAPE '\\' LIMIT ?)"
        f" SELECT {_C_COLS} FROM kept JOIN certificates c ON c.number = kept.number"
        f" ORDER BY kept.inactive, kept.number"
    ),
    # CROSS JOIN fixes the join order: the FTS matches drive, then only they are sorted.
    "indexed": (
        f"SELECT {_C_COLS} FROM {{table}} CROSS JOIN certificates c ON c.id = {{table}}.rowid"
        f" WHERE {{table}} MATCH ? AND c.search_key LIKE ? ESCAPE '\\' {{after}}"
        f" ORDER BY (c.status <> 'active'), c.number LIMIT ?"
    ),
    "by_uscc": (
        f"SELECT {_C_COLS} FROM certificates c WHERE c.organisation_uscc = ?"
        f" AND c.search_key LIKE ? ESCAPE '\\' {{after}}"
        f" ORDER BY (c.status <> 'active'), c.number LIMIT ?"
    ),
}


def sqlite_statement(name: str, after: After | None, table: str = "") -> str:
    return SQLITE[name].format(after=_SQ_AFTER if after else "", table=table)


def _sqlite_row(row: Sequence[Any]) -> PublicRow:
    values = list(row)
    for index in _DATE_COLUMNS:
        if values[index] is not None:
            values[index] = date.fromisoformat(values[index])
    return PublicRow(*values)


_WIDTH = len(COLUMNS)


def _dated(values: tuple[Any, ...], *, convert: bool = False) -> Dated:
    """A ``dated`` statement's row: the certificate's columns, the log and the revision as
    JSON text."""
    head = values[:_WIDTH]
    row = _sqlite_row(head) if convert else PublicRow(*head)
    log_text, printed_text = values[_WIDTH], values[_WIDTH + 1]
    log = sorted(LogRow(*e) for e in orjson.loads(log_text)) if log_text else []
    printed = Printed(*orjson.loads(printed_text)) if printed_text else None
    return Dated(row, log, printed)


def _logs(rows: Sequence[Any]) -> dict[str, list[LogRow]]:
    out: dict[str, list[LogRow]] = {}
    for number, event_id, action, occurred_at, data in rows:
        out.setdefault(number, []).append(
            LogRow(event_id, action, occurred_at, orjson.loads(data) if data else {})
        )
    return out


class SqliteReader:
    """A few read-only aiosqlite connections (WAL: readers never wait for the writer)."""

    walk_ns: int | None = None
    match_ns: int = 1000

    async def estimated_rows(self) -> int:
        return 0  # not needed: the index always answers after the first walk

    async def prior(self, term: str) -> Prior | None:
        return None

    def __init__(self, path: str, *, pool_size: int) -> None:
        self._path = path
        self._size = pool_size
        self._idle: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all: list[aiosqlite.Connection] = []
        self._lock = asyncio.Lock()

    async def _acquire(self) -> aiosqlite.Connection:
        if self._idle.empty() and len(self._all) < self._size:
            async with self._lock:
                if len(self._all) < self._size:
                    conn = await aiosqlite.connect(self._path, isolation_level=None)
                    await conn.execute("PRAGMA query_only = ON")
                    await conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
                    self._all.append(conn)
                    return conn
        return await self._idle.get()

    async def _fetch(self, sql: str, *args: Any) -> list[PublicRow]:
        conn = await self._acquire()
        try:
            rows = await conn.execute_fetchall(sql, args)  # one trip to the connection's thread
        finally:
            self._idle.put_nowait(conn)
        return [_sqlite_row(r) for r in rows]

    async def by_number(self, number: str) -> PublicRow | None:
        rows = await self._fetch(SQLITE["by_number"], number)
        return rows[0] if rows else None

    async def by_numbers(self, numbers: Sequence[str]) -> list[PublicRow]:
        return await self._fetch(SQLITE["by_numbers"], json.dumps(list(numbers)))

    async def _rows(self, sql: str, *args: Any) -> list[Any]:
        conn = await self._acquire()
        try:
            return list(await conn.execute_fetchall(sql, args))
        finally:
            self._idle.put_nowait(conn)

    async def dated(self, number: str, on: date | None) -> Dated | None:
        day = on.isoformat() if on is not None else None
        rows = await self._rows(SQLITE["dated"], day, number)
        return _dated(tuple(rows[0]), convert=True) if rows else None

    async def logs(self, numbers: Sequence[str]) -> dict[str, list[LogRow]]:
        return _logs(await self._rows(SQLITE["logs"], json.dumps(list(numbers))))

    async def walk(self, term: str, after: After | None, depth: int, limit: int) -> list[PublicRow]:
        args = (*_after_args(after), depth, like_pattern(term), limit)
        return await self._fetch(sqlite_statement("walk", after), *args)

    async def indexed(self, term: str, after: After | None, limit: int) -> list[PublicRow]:
        words = uses_trigrams(term)
        table = "certificate_search_words" if words else "certificate_search"
        query = fts_query(term, double=not words)
        args = (query, like_pattern(term), *_after_args(after), limit)
        return await self._fetch(sqlite_statement("indexed", after, table), *args)

    async def by_uscc(
        self, uscc: str, term: str | None, after: After | None, limit: int
    ) -> list[PublicRow]:
        args = (uscc, _name_pattern(term), *_after_args(after), limit)
        return await self._fetch(sqlite_statement("by_uscc", after), *args)

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()
        self._all.clear()
        self._idle = asyncio.Queue()


def reader_for(async_url: str, *, pool_size: int) -> Reader:
    if dburl.backend(async_url) == "sqlite":
        return SqliteReader(dburl.sqlite_path(async_url), pool_size=pool_size)
    return PostgresReader(dburl.asyncpg_dsn(async_url), pool_size=pool_size)
