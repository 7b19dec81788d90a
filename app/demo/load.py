"""Bulk-load a demo register through the same tables and constraints as the service.

PostgreSQL gets COPY (asyncpg), SQLite one transaction of ``executemany``. Every certificate
comes with its organisation (or renews an earlier one's) and its headquarters site, the
headquarters printed as its annex of sites, revision 1 of its printed details and one
``certificate.issued`` event on the hash chain; the number counters are moved past the numbers used, so the service issues
the next numbers after them.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from app import dburl
from app.config import Settings
from app.demo.names import CompanyName, NameGenerator
from app.domain import dates, uscc
from app.domain.enums import Grade
from app.domain.numbers import format_certificate_number
from app.domain.scoring import grade_for
from app.domain.text import search_key
from app.models import Event
from app.services import events, search_index

BATCH = 20_000
FIRST_YEAR = 2019
RENEWAL_SHARE = 35  # in 100 live certificates are renewed in their last half year
RENEWAL_WINDOW_DAYS = 180
SCOPES = (
    "家用空调的安装、维修与售后服务", "家用电器的配送、安装与维修服务", "电子产品的售后服务",
    "汽车的维修保养服务", "智能家居产品的安装与技术支持", "厨房电器的售后服务",
)  # fmt: skip
ORG_COLUMNS = ("id", "name", "name_en", "uscc", "address", "employee_count", "version",
               "created_at", "updated_at")  # fmt: skip
CERT_COLUMNS = (
    "id", "number", "organisation_id", "status", "grade", "final_score", "organisation_name",
    "organisation_name_en", "organisation_uscc", "organisation_address", "scope",
    "enterprise_type", "employee_count", "issued_on", "valid_from", "expires_on",
    "next_surveillance_due", "recertification_due", "surveillances_done", "status_changed_on",
    "search_key", "sites", "version", "created_at", "updated_at",
)  # fmt: skip
SITE_COLUMNS = ("organisation_id", "name", "address", "kind", "active", "version", "created_at",
                "updated_at")  # fmt: skip
REVISION_COLUMNS = ("certificate_id", "revision", "effective_on", "recorded_at",
                    "organisation_name", "organisation_name_en", "organisation_address", "scope",
                    "sites")  # fmt: skip
# the demo's suspensions are the body's decisions (docs/domain.md §7: causes)
SUSPENDED_BY_THE_BODY = (
    "UPDATE certificates SET suspension_causes = '[\"body_decision\"]'"
    " WHERE status = 'suspended' AND id >= ?"
)
EVENT_COLUMNS = ("id", "occurred_at", "actor_user_id", "entity_type", "entity_id", "action",
                 "reason", "data", "hash", "prev_hash")  # fmt: skip


@dataclass
class Plan:
    """What to load, and what was loaded."""

    certificates: int
    today: date
    prefix: str
    seed: int = 27922
    renewals: list[tuple[str, str, date]] = field(default_factory=list)  # old, new, on
    last_sequence: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Holder:
    organisation_id: int
    company: CompanyName
    uscc: str


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    number: str
    holder: Holder
    new_holder: bool
    status: str
    grade: str
    final_score: Decimal
    scope: str
    dates: dates.CertificateDates


def _status(rng: random.Random, expires_on: date, today: date) -> str:
    if expires_on < today:
        return "expired" if rng.random() < 0.85 else rng.choice(("withdrawn", "cancelled"))
    roll = rng.random()
    if roll < 0.86:
        return "active"
    if roll < 0.93:
        return "suspended"
    return "withdrawn" if roll < 0.965 else "cancelled"


def generate(plan: Plan, first_org: int, first_cert: int) -> Iterator[Row]:
    """Certificates in number order (issue order within each year), more in recent years (a
    growing register). About a third of the certificates that reach the last half year of
    their validity alive are renewed by the same organisation: the renewal is issued then, and
    the old certificate is superseded after loading (``plan.renewals``)."""
    rng = random.Random(plan.seed)
    names = NameGenerator(rng)
    span = (plan.today - date(FIRST_YEAR, 1, 1)).days
    issue_days = sorted(int(span * rng.random() ** 0.5) for _ in range(plan.certificates))
    alive: deque[tuple[date, str, Holder]] = deque()  # renewable, in issue order
    due: deque[tuple[str, Holder]] = deque()  # chosen for renewal, waiting for a slot
    org_id = first_org - 1
    for offset, day in enumerate(issue_days):
        issued_on = date(FIRST_YEAR, 1, 1) + timedelta(days=day)
        window = issued_on - timedelta(days=3 * 365 - RENEWAL_WINDOW_DAYS)
        while alive and alive[0][0] <= window:
            _, old_number, old_holder = alive.popleft()
            if rng.randrange(100) < RENEWAL_SHARE:
                due.append((old_number, old_holder))
        renewal = due.popleft() if due else None
        if renewal is None:
            org_id += 1
            code = uscc.compose(rng.choice(uscc.DIVISIONS), org_id % 10**8)
            holder = Holder(org_id, names.company(), code)
        else:
            holder = renewal[1]
        sequence = plan.last_sequence.get(issued_on.year, 0) + 1
        plan.last_sequence[issued_on.year] = sequence
        number = format_certificate_number(plan.prefix, issued_on.year, sequence)
        if renewal is not None:
            plan.renewals.append((renewal[0], number, issued_on))
        certificate_dates = dates.initial_certificate_dates(issued_on)
        status = _status(rng, certificate_dates.expires_on, plan.today)
        score = Decimal(rng.randint(700, 990)) / 10
        grade = grade_for(score, 0)
        if status in ("active", "suspended"):
            alive.append((issued_on, number, holder))
        yield Row(
            id=first_cert + offset,
            number=number,
            holder=holder,
            new_holder=renewal is None,
            status=status,
            grade=(grade if grade is not Grade.FAIL else Grade.COMPLIANT).value,
            final_score=score,
            scope=rng.choice(SCOPES),
            dates=certificate_dates,
        )


class Chain:
    """Continues the event chain from its head: one ``certificate.issued`` per certificate."""

    def __init__(self, last_id: int, last_hash: str) -> None:
        self.last_id, self.last_hash = last_id, last_hash

    def issued(self, row: Row) -> tuple[Any, ...]:
        d = row.dates
        event = Event(
            id=self.last_id + 1,
            occurred_at=datetime(
                d.issued_on.year, d.issued_on.month, d.issued_on.day, 2, tzinfo=UTC
            ),
            actor_user_id=None,
            entity_type="certificate",
            entity_id=row.number,
            action="certificate.issued",
            reason="demo data",
            data=events.jsonable(
                {
                    "grade": row.grade,
                    "final_score": row.final_score,
                    "uscc": row.holder.uscc,
                    "issued_on": d.issued_on,
                    "valid_from": d.valid_from,
                    "expires_on": d.expires_on,
                }
            ),
            prev_hash=self.last_hash,
        )
        event.hash = events.chain_hash(self.last_hash, event)
        self.last_id, self.last_hash = event.id, event.hash
        return (event.id, event.occurred_at, None, event.entity_type, event.entity_id,
                event.action, event.reason, event.data, event.hash, event.prev_hash)  # fmt: skip


@dataclass
class Batch:
    organisations: list[tuple[Any, ...]] = field(default_factory=list)
    sites: list[tuple[Any, ...]] = field(default_factory=list)
    certificates: list[tuple[Any, ...]] = field(default_factory=list)
    revisions: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    search: list[tuple[dict[str, int | str], ...]] = field(default_factory=list)


def batches(plan: Plan, first_org: int, first_cert: int, chain: Chain) -> Iterator[Batch]:
    now = datetime.now(UTC)
    batch = Batch()
    for row in generate(plan, first_org, first_cert):
        c, d = row.holder.company, row.dates
        if row.new_holder:
            batch.organisations.append(
                (row.holder.organisation_id, c.name, c.name_en, row.holder.uscc, c.address,
                 120, 1, now, now)
            )  # fmt: skip
            batch.sites.append(
                (row.holder.organisation_id, c.name, c.address, "headquarters", True, 1, now, now)
            )
        key = search_key(c.name, c.name_en)
        annex = [{"name": c.name, "address": c.address, "kind": "headquarters"}]
        batch.certificates.append(
            (row.id, row.number, row.holder.organisation_id, row.status, row.grade,
             row.final_score, c.name, c.name_en, row.holder.uscc, c.address, row.scope,
             "production", 120, d.issued_on, d.valid_from, d.expires_on,
             d.next_surveillance_due, d.recertification_due, 0, d.issued_on, key, annex, 1, now,
             now)
        )  # fmt: skip
        batch.revisions.append(
            (row.id, 1, d.issued_on, now, c.name, c.name_en, c.address, row.scope, annex)
        )
        batch.events.append(chain.issued(row))
        batch.search.append(search_index.rows(row.id, key))
        if len(batch.certificates) >= BATCH:
            yield batch
            batch = Batch()
    if batch.certificates:
        yield batch


async def load(settings: Settings, plan: Plan) -> Plan:
    url = settings.database_url
    if dburl.backend(url) == "sqlite":
        return _load_sqlite(dburl.sqlite_path(url), plan)
    return await _load_postgres(dburl.asyncpg_dsn(url), plan)


async def count_certificates(settings: Settings) -> int:
    url = settings.database_url
    if dburl.backend(url) == "sqlite":
        with sqlite3.connect(dburl.sqlite_path(url)) as lite:
            return int(lite.execute("SELECT count(*) FROM certificates").fetchone()[0])
    conn = await asyncpg.connect(dburl.asyncpg_dsn(url))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM certificates"))
    finally:
        await conn.close()


async def _load_postgres(dsn: str, plan: Plan) -> Plan:
    conn = await asyncpg.connect(dsn)
    try:
        # COPY is binary: jsonb travels as a version byte (1) and the JSON text
        await conn.set_type_codec(
            "jsonb",
            encoder=lambda value: b"\x01" + json.dumps(value, ensure_ascii=False).encode(),
            decoder=lambda data: json.loads(data[1:]),
            schema="pg_catalog",
            format="binary",
        )
        first_org = int(await conn.fetchval("SELECT coalesce(max(id), 0) + 1 FROM organisations"))
        first_cert = int(await conn.fetchval("SELECT coalesce(max(id), 0) + 1 FROM certificates"))
        head = await conn.fetchrow("SELECT last_event_id, last_hash FROM event_chain WHERE id = 1")
        assert head is not None, "the database is not migrated"
        chain = Chain(int(head["last_event_id"]), str(head["last_hash"]))
        async with conn.transaction():
            for batch in batches(plan, first_org, first_cert, chain):
                await conn.copy_records_to_table(
                    "organisations", records=batch.organisations, columns=ORG_COLUMNS
                )
                await conn.copy_records_to_table("sites", records=batch.sites, columns=SITE_COLUMNS)
                await conn.copy_records_to_table(
                    "certificates", records=batch.certificates, columns=CERT_COLUMNS
                )
                await conn.copy_records_to_table(
                    "certificate_revisions", records=batch.revisions, columns=REVISION_COLUMNS
                )
                await conn.copy_records_to_table(
                    "events", records=batch.events, columns=EVENT_COLUMNS
                )
            await conn.execute(
                "UPDATE event_chain SET last_event_id = $1, last_hash = $2 WHERE id = 1",
                chain.last_id,
                chain.last_hash,
            )
            await conn.execute(
                "CREATE TEMP TABLE renewals (old text, new text, renewed_on date) ON COMMIT DROP"
            )
            await conn.copy_records_to_table("renewals", records=plan.renewals)
            await conn.execute(
                "UPDATE certificates c SET status = 'superseded', superseded_by = r.new,"
                " superseded_on = r.renewed_on, status_changed_on = r.renewed_on"
                " FROM renewals r WHERE c.number = r.old"
            )
            await conn.execute(SUSPENDED_BY_THE_BODY.replace("?", "$1"), first_cert)
            await _sequences_postgres(conn, plan)
            await conn.execute(
                "INSERT INTO certificate_search_vocabulary (word)"
                " SELECT DISTINCT unnest(starcert_words(search_key)) FROM certificates"
                " ON CONFLICT DO NOTHING"
            )
            for table in ("organisations", "certificates"):
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
        # as autovacuum would: statistics for the planner, and the visibility map that lets
        # the public walk be an index-only scan
        for table in (
            "organisations",
            "sites",
            "certificates",
            "certificate_revisions",
            "events",
            "certificate_search_vocabulary",
        ):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
    return plan


async def _sequences_postgres(conn: asyncpg.Connection, plan: Plan) -> None:
    series = f"certificate:{plan.prefix}"
    for year, last in plan.last_sequence.items():
        await conn.execute(
            "INSERT INTO number_sequences (series, year, last_value) VALUES ($1, $2, $3)"
            " ON CONFLICT (series, year) DO UPDATE"
            " SET last_value = greatest(number_sequences.last_value, excluded.last_value)",
            series,
            year,
            last,
        )


def _load_sqlite(path: str, plan: Plan) -> Plan:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        first_org = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM organisations").fetchone()[0]
        first_cert = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM certificates").fetchone()[0]
        head = conn.execute(
            "SELECT last_event_id, last_hash FROM event_chain WHERE id = 1"
        ).fetchone()
        chain = Chain(int(head[0]), str(head[1]))
        for batch in batches(plan, first_org, first_cert, chain):
            for table, columns, records in (
                ("organisations", ORG_COLUMNS, batch.organisations),
                ("sites", SITE_COLUMNS, batch.sites),
                ("certificates", CERT_COLUMNS, batch.certificates),
                ("certificate_revisions", REVISION_COLUMNS, batch.revisions),
                ("events", EVENT_COLUMNS, batch.events),
            ):
                conn.executemany(_insert(table, columns), [_sqlite_values(r) for r in records])
            for position, statement in enumerate(search_index.STATEMENTS):
                conn.executemany(statement, [rows[position] for rows in batch.search])
        conn.execute(
            "UPDATE event_chain SET last_event_id = ?, last_hash = ? WHERE id = 1",
            (chain.last_id, chain.last_hash),
        )
        conn.executemany(
            "UPDATE certificates SET status = 'superseded', superseded_by = ?,"
            " superseded_on = ?, status_changed_on = ? WHERE number = ?",
            [(new, on.isoformat(), on.isoformat(), old) for old, new, on in plan.renewals],
        )
        conn.execute(SUSPENDED_BY_THE_BODY, (first_cert,))
        series = f"certificate:{plan.prefix}"
        conn.executemany(
            "INSERT INTO number_sequences (series, year, last_value) VALUES (?, ?, ?)"
            " ON CONFLICT (series, year) DO UPDATE SET last_value = max(last_value, excluded.last_value)",
            [(series, year, last) for year, last in plan.last_sequence.items()],
        )
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return plan


def _insert(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def _sqlite_values(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The values as the SQLAlchemy column types store them on SQLite."""
    out: list[Any] = []
    for value in row:
        if isinstance(value, Decimal):
            out.append(int(value * 10))  # Tenths: integer tenths
        elif isinstance(value, datetime):
            out.append(value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" "))
        elif isinstance(value, date):
            out.append(value.isoformat())
        elif isinstance(value, dict | list):
            out.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        else:
            out.append(value)
    return tuple(out)


async def status_counts(settings: Settings) -> dict[str, int]:
    sql = "SELECT status, count(*) FROM certificates GROUP BY status ORDER BY status"
    url = settings.database_url
    if dburl.backend(url) == "sqlite":
        with sqlite3.connect(dburl.sqlite_path(url)) as lite:
            return {s: int(n) for s, n in lite.execute(sql).fetchall()}
    conn = await asyncpg.connect(dburl.asyncpg_dsn(url))
    try:
        return {r[0]: int(r[1]) for r in await conn.fetch(sql)}
    finally:
        await conn.close()
