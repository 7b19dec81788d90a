"""Migration 0006 on a register kept under the earlier rules: suspension causes from the event
log, refused surveillances due again, successors' start dates, certificates recorded
superseded too early back in force, each correction in the event log and the chain intact;
then the downgrade; then 0008 on the same register (headquarters sites, revision 1)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import text

from app import dburl
from app.db import Database
from app.domain.dates import initial_certificate_dates
from app.models import Event
from app.schema_version import alembic_config
from app.services import events as event_log
from app.services.events import GENESIS_HASH, chain_hash

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai
TODAY = date(2026, 12, 2)

certificates = sa.table(
    "certificates",
    *(
        sa.column(name, kind)
        for name, kind in (
            ("id", sa.Integer),
            ("number", sa.String),
            ("organisation_id", sa.Integer),
            ("status", sa.String),
            ("grade", sa.String),
            ("final_score", sa.Integer),
            ("organisation_name", sa.String),
            ("organisation_uscc", sa.String),
            ("organisation_address", sa.String),
            ("scope", sa.String),
            ("enterprise_type", sa.String),
            ("employee_count", sa.Integer),
            ("issued_on", sa.Date),
            ("valid_from", sa.Date),
            ("expires_on", sa.Date),
            ("last_surveillance_on", sa.Date),
            ("surveillances_done", sa.Integer),
            ("next_surveillance_due", sa.Date),
            ("recertification_due", sa.Date),
            ("superseded_by", sa.String),
            ("status_reason", sa.Text),
            ("status_changed_on", sa.Date),
            ("search_key", sa.String),
            ("version", sa.Integer),
            ("created_at", sa.DateTime(timezone=True)),
            ("updated_at", sa.DateTime(timezone=True)),
        )
    ),
)


def _upgrade(url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["configure_logging"] = False
    config.attributes["now"] = NOW
    config.attributes["timezone"] = "Asia/Shanghai"
    command.upgrade(config, revision)


def _downgrade(url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["configure_logging"] = False
    config.attributes["now"] = NOW
    config.attributes["timezone"] = "Asia/Shanghai"
    command.downgrade(config, revision)


class Register:
    """Rows as the earlier revision's service wrote them, with their hash-chained events."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.log: list[Event] = []
        self.prev = GENESIS_HASH

    def certificate(self, number: str, issued_on: date, **values: Any) -> None:
        n = len(self.rows) + 1
        dates = initial_certificate_dates(issued_on)
        expires_on, due = dates.expires_on, dates.next_surveillance_due
        moment = datetime(issued_on.year, issued_on.month, issued_on.day, 2, tzinfo=UTC)
        self.rows.append(
            {
                "id": n,
                "number": number,
                "organisation_id": 1,
                "status": "active",
                "grade": "four_star",
                "final_score": 910,  # tenths on SQLite; PostgreSQL's numeric takes 910 too
                "organisation_name": "格力电器",
                "organisation_uscc": "914403001922038216",
                "organisation_address": "珠海市前山金鸡西路",
                "scope": "售后服务",
                "enterprise_type": "production",
                "employee_count": 100,
                "issued_on": issued_on,
                "valid_from": issued_on,
                "expires_on": expires_on,
                "last_surveillance_on": None,
                "surveillances_done": 0,
                "next_surveillance_due": due,
                "recertification_due": expires_on,
                "superseded_by": None,
                "status_reason": None,
                "status_changed_on": issued_on,
                "search_key": "格力电器",
                "version": 1,
                "created_at": moment,
                "updated_at": moment,
            }
            | values
        )
        self.event(number, "certificate.issued", moment, data={"issued_on": str(issued_on)})

    def event(
        self,
        number: str,
        action: str,
        at: datetime,
        *,
        reason: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        event = Event(
            id=len(self.log) + 1,
            occurred_at=at,
            actor_user_id=None,
            entity_type="certificate",
            entity_id=number,
            action=action,
            reason=reason,
            data=data or {},
            prev_hash=self.prev,
        )
        event.hash = chain_hash(self.prev, event)
        self.prev = event.hash
        self.log.append(event)

    async def write(self, db: Database) -> None:
        async with db.write_engine.begin() as conn:
            moment = datetime(2023, 1, 1, tzinfo=UTC)
            await conn.execute(
                text(
                    "INSERT INTO organisations (id, name, uscc, address, employee_count, version,"
                    " created_at, updated_at) VALUES (1, '格力电器', '914403001922038216',"
                    " '珠海', 100, 1, :at, :at)"
                ),
                {"at": moment if not db.is_sqlite else moment.replace(tzinfo=None)},
            )
            rows = self.rows
            if db.is_sqlite:
                rows = [
                    {**r, "created_at": r["created_at"].replace(tzinfo=None),
                     "updated_at": r["updated_at"].replace(tzinfo=None)}
                    for r in rows
                ]  # fmt: skip
            await conn.execute(sa.insert(certificates), rows)
            table = Event.__table__
            assert isinstance(table, sa.Table)
            for event in self.log:
                await conn.execute(
                    sa.insert(table).values({c.name: getattr(event, c.name) for c in table.columns})
                )
            await conn.execute(
                text("UPDATE event_chain SET last_event_id = :id, last_hash = :hash"),
                {"id": len(self.log), "hash": self.prev},
            )


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, tzinfo=UTC)


def register() -> Register:
    r = Register()
    # A: suspended by a refused surveillance, the schedule advanced past it
    r.certificate(
        "ASC-2024-000001", date(2024, 3, 1), status="suspended", surveillances_done=1,
        last_surveillance_on=date(2025, 2, 20), next_surveillance_due=date(2026, 2, 28),
        status_changed_on=date(2025, 2, 20), status_reason="监督不通过",
    )  # fmt: skip
    r.event("ASC-2024-000001", "certificate.suspended", _at(date(2025, 2, 20)),
            reason="监督不通过", data={"from": "active", "to": "suspended"})  # fmt: skip
    r.event("ASC-2024-000001", "certificate.surveillance_recorded", _at(date(2025, 2, 20)),
            reason="监督不通过", data={"outcome": "refuse"})  # fmt: skip
    # B: suspended by housekeeping for an overdue surveillance
    r.certificate("ASC-2024-000002", date(2024, 3, 1), status="suspended",
                  status_changed_on=date(2025, 4, 1))  # fmt: skip
    r.event("ASC-2024-000002", "certificate.suspended", _at(date(2025, 4, 1)), reason="overdue",
            data={"from": "active", "to": "suspended", "by": "housekeeping"})  # fmt: skip
    # C: suspended by staff
    r.certificate("ASC-2024-000003", date(2024, 3, 1), status="suspended",
                  status_changed_on=date(2025, 1, 5))  # fmt: skip
    r.event("ASC-2024-000003", "certificate.suspended", _at(date(2025, 1, 5)),
            reason="欠费", data={"from": "active", "to": "suspended"})  # fmt: skip
    # D: suspended by staff, then a surveillance refused while suspended
    r.certificate("ASC-2024-000004", date(2024, 3, 1), status="suspended",
                  surveillances_done=1, next_surveillance_due=date(2026, 2, 28),
                  status_changed_on=date(2025, 1, 5))  # fmt: skip
    r.event("ASC-2024-000004", "certificate.suspended", _at(date(2025, 1, 5)),
            reason="欠费", data={"from": "active", "to": "suspended"})  # fmt: skip
    # (the very next event of the chain, on a quiet day: another moment, member and reason)
    r.event("ASC-2024-000004", "certificate.surveillance_recorded", _at(date(2025, 2, 1)),
            reason="不通过", data={"outcome": "refuse"})  # fmt: skip
    # E: refused, then reinstated by staff (allowed before): active, the surveillance due again
    r.certificate("ASC-2024-000005", date(2024, 3, 1), surveillances_done=1,
                  next_surveillance_due=date(2026, 2, 28), status_changed_on=date(2025, 3, 1),
                  status_reason="整改完成")  # fmt: skip
    r.event("ASC-2024-000005", "certificate.suspended", _at(date(2025, 2, 20)),
            data={"from": "active", "to": "suspended"})  # fmt: skip
    r.event("ASC-2024-000005", "certificate.surveillance_recorded", _at(date(2025, 2, 20)),
            data={"outcome": "refuse"})  # fmt: skip
    r.event("ASC-2024-000005", "certificate.reinstated", _at(date(2025, 3, 1)),
            reason="整改完成", data={"from": "suspended", "to": "active"})  # fmt: skip
    # F: a granted surveillance: nothing to correct
    r.certificate("ASC-2024-000006", date(2024, 3, 1), surveillances_done=1,
                  next_surveillance_due=date(2026, 2, 28))  # fmt: skip
    r.event("ASC-2024-000006", "certificate.surveillance_recorded", _at(date(2025, 2, 20)),
            data={"outcome": "grant"})  # fmt: skip
    # G: recorded superseded at the decision, its successor valid only from 2027-01-01
    r.certificate("ASC-2024-000007", date(2024, 1, 1), status="superseded",
                  superseded_by="ASC-2026-000001", status_changed_on=date(2026, 9, 1),
                  status_reason="复评通过", surveillances_done=2,
                  next_surveillance_due=None)  # fmt: skip
    r.certificate("ASC-2026-000001", date(2026, 9, 1), valid_from=date(2027, 1, 1),
                  expires_on=date(2029, 12, 31),
                  next_surveillance_due=date(2027, 12, 31))  # fmt: skip
    r.event("ASC-2024-000007", "certificate.superseded", _at(date(2026, 9, 1)),
            reason="复评通过", data={"from": "active", "to": "superseded",
                                    "superseded_by": "ASC-2026-000001"})  # fmt: skip
    # H: superseded, its successor's validity already begun
    r.certificate("ASC-2023-000001", date(2023, 1, 1), status="superseded",
                  superseded_by="ASC-2025-000001", status_changed_on=date(2025, 6, 1))  # fmt: skip
    r.certificate("ASC-2025-000001", date(2025, 6, 1))
    r.event("ASC-2023-000001", "certificate.superseded", _at(date(2025, 6, 1)),
            data={"from": "active", "to": "superseded",
                  "superseded_by": "ASC-2025-000001"})  # fmt: skip
    # J: refused twice in a row (each refusal advanced the schedule): both years due again
    r.certificate("ASC-2024-000008", date(2024, 3, 1), status="suspended", surveillances_done=2,
                  next_surveillance_due=None, status_changed_on=date(2025, 2, 20))  # fmt: skip
    r.event("ASC-2024-000008", "certificate.suspended", _at(date(2025, 2, 20)),
            reason="监督不通过", data={"from": "active", "to": "suspended"})  # fmt: skip
    r.event("ASC-2024-000008", "certificate.surveillance_recorded", _at(date(2025, 2, 20)),
            reason="监督不通过", data={"outcome": "refuse"})  # fmt: skip
    r.event("ASC-2024-000008", "certificate.surveillance_recorded", _at(date(2025, 6, 1)),
            reason="再次不通过", data={"outcome": "refuse"})  # fmt: skip
    # I: suspended without a recorded move (imported)
    r.certificate("ASC-2022-000001", date(2024, 6, 1), status="suspended")
    return r


async def _read(url: str) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]], bool]:
    db = Database(dburl.sqlalchemy_url(url), pool_size=1)
    try:
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT * FROM certificates"))).mappings().all()
            log = (await conn.execute(text("SELECT * FROM events ORDER BY id"))).mappings().all()
        async with db.read_sessions() as session:
            intact = (await event_log.verify(session)).intact
    finally:
        await db.dispose()
    out: list[dict[str, Any]] = []
    for mapping in log:
        event = dict(mapping)
        if isinstance(event["data"], str):
            event["data"] = json.loads(event["data"])
        out.append(event)
    by_number: dict[str, dict[str, Any]] = {}
    for mapping in rows:
        row = dict(mapping)
        for key, value in row.items():
            if isinstance(value, date | datetime):
                row[key] = value.isoformat()[:10]
        if isinstance(row.get("suspension_causes"), str):
            row["suspension_causes"] = json.loads(row["suspension_causes"])
        by_number[row["number"]] = row
    return by_number, out, intact


async def _write(url: str, data: Register) -> None:
    db = Database(dburl.sqlalchemy_url(url), pool_size=1)
    try:
        await data.write(db)
    finally:
        await db.dispose()


def _check(url: str) -> None:
    _upgrade(url, "0005")
    data = register()
    asyncio.run(_write(url, data))
    _upgrade(url, "0006")
    rows, log, intact = asyncio.run(_read(url))
    assert intact
    causes = {n: r["suspension_causes"] for n, r in rows.items()}
    assert causes == {
        "ASC-2024-000001": ["surveillance_refused"],
        "ASC-2024-000002": ["surveillance_overdue"],
        "ASC-2024-000003": ["body_decision"],
        "ASC-2024-000004": ["surveillance_refused", "body_decision"],
        "ASC-2024-000008": ["surveillance_refused"],
        "ASC-2024-000005": [],
        "ASC-2024-000006": [],
        "ASC-2024-000007": [],
        "ASC-2026-000001": [],
        "ASC-2023-000001": [],
        "ASC-2025-000001": [],
        "ASC-2022-000001": ["body_decision"],
    }
    schedule = {
        n: (r["surveillances_done"], r["next_surveillance_due"])
        for n, r in rows.items()
        if n.startswith("ASC-2024-00000") and n[-1] in "14568"
    }
    assert schedule == {
        "ASC-2024-000001": (0, "2025-02-28"),  # rewound: the first surveillance is due again
        "ASC-2024-000004": (0, "2025-02-28"),
        "ASC-2024-000005": (0, "2025-02-28"),
        "ASC-2024-000006": (1, "2026-02-28"),  # granted: unchanged
        "ASC-2024-000008": (0, "2025-02-28"),  # both refusals undone
    }
    old = rows["ASC-2024-000007"]
    assert (old["status"], old["status_changed_on"], old["status_reason"]) == (
        "active",
        "2024-01-01",
        None,
    )
    assert (old["superseded_by"], old["superseded_on"]) == ("ASC-2026-000001", "2027-01-01")
    gone = rows["ASC-2023-000001"]
    assert (gone["status"], gone["superseded_on"]) == ("superseded", "2025-06-01")
    assert rows["ASC-2025-000001"]["superseded_on"] is None

    corrected = {e["entity_id"]: e for e in log if e["action"] == "certificate.corrected"}
    assert sorted(corrected) == [
        "ASC-2022-000001",
        "ASC-2024-000001",
        "ASC-2024-000002",
        "ASC-2024-000003",
        "ASC-2024-000004",
        "ASC-2024-000005",
        "ASC-2024-000007",
        "ASC-2024-000008",
    ]
    a = corrected["ASC-2024-000001"]
    assert a["actor_user_id"] is None and a["data"]["by"] == "migration 0006"
    assert a["data"]["changes"] == {
        "suspension_causes": {"from": [], "to": ["surveillance_refused"]},
        "surveillances_done": {"from": 1, "to": 0},
        "next_surveillance_due": {"from": "2026-02-28", "to": "2025-02-28"},
    }
    assert "due again" in a["reason"] and "causes" in a["reason"]
    assert corrected["ASC-2024-000007"]["data"]["changes"]["status"] == {
        "from": "superseded",
        "to": "active",
    }
    assert rows["ASC-2024-000001"]["version"] == 2 and rows["ASC-2024-000006"]["version"] == 1
    assert [e["id"] for e in log] == list(range(1, len(log) + 1))

    # downgraded: the certificate in force naming its successor is superseded again
    _downgrade(url, "0005")
    rows, log, intact = asyncio.run(_read(url))
    assert intact
    assert "suspension_causes" not in rows["ASC-2024-000001"]
    assert rows["ASC-2024-000007"]["status"] == "superseded"
    assert log[-1]["action"] == "certificate.superseded"
    assert log[-1]["entity_id"] == "ASC-2024-000007"
    # and upgraded again: back in force, with one more correction
    _upgrade(url, "head")
    rows, log, intact = asyncio.run(_read(url))
    assert intact and rows["ASC-2024-000007"]["status"] == "active"
    # 0008 on the same register: the organisation's headquarters; each certificate covers
    # its headquarters as printed and has revision 1 of its printed details, from its issue
    printed_hq = {"name": "格力电器", "address": "珠海市前山金鸡西路", "kind": "headquarters"}
    for row in rows.values():
        sites = json.loads(row["sites"]) if isinstance(row["sites"], str) else row["sites"]
        assert (sites, row["revision"], row["scope_en"]) == ([printed_hq], 1, None)
    sites, revisions = asyncio.run(_records(url))
    assert sites == [(1, "格力电器", "珠海", "headquarters", True)]
    assert revisions == sorted(
        (r["id"], 1, r["issued_on"], r["organisation_name"], r["scope"]) for r in rows.values()
    )


async def _records(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    db = Database(dburl.sqlalchemy_url(url), pool_size=1)
    try:
        async with db.engine.connect() as conn:
            sites = await conn.execute(
                text("SELECT organisation_id, name, address, kind, active FROM sites")
            )
            revisions = await conn.execute(
                text(
                    "SELECT certificate_id, revision, effective_on, organisation_name, scope"
                    " FROM certificate_revisions ORDER BY certificate_id"
                )
            )
            found = (
                [tuple(r) for r in sites],
                [(r[0], r[1], str(r[2])[:10], r[3], r[4]) for r in revisions],
            )
    finally:
        await db.dispose()
    return found


def test_migration_0006_sqlite(tmp_path: Path) -> None:
    _check(f"sqlite:///{tmp_path}/m0006.db")


def test_migration_0006_postgresql(scratch_postgres_url: str) -> None:
    _check(scratch_postgres_url)


def test_an_upgrade_audit_blocks_the_downgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/m0006b.db"
    _upgrade(url, "0006")

    async def plan_upgrade_audit() -> None:
        db = Database(dburl.sqlalchemy_url(url), pool_size=1)
        try:
            async with db.write_engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO users (id, name, email, active, created_at, updated_at,"
                        " version) VALUES (1, 'x', 'x@example.com', 1, '2026-01-01',"
                        " '2026-01-01', 1)"
                    )
                )
                await conn.execute(
                    text(
                        "INSERT INTO organisations (id, name, uscc, address, employee_count,"
                        " version, created_at, updated_at) VALUES (1, 'o', '914403001922038216',"
                        " 'a', 1, 1, '2026-01-01', '2026-01-01')"
                    )
                )
                await conn.execute(
                    text(
                        "INSERT INTO audits (id, kind, status, organisation_id, enterprise_type,"
                        " employee_count, person_days, planned_start, planned_end,"
                        " lead_auditor_id, warnings, version, created_at, updated_at) VALUES"
                        " (1, 'upgrade', 'planned', 1, 'production', 1, 100, '2026-01-01',"
                        " '2026-01-02', 1, '[]', 1, '2026-01-01', '2026-01-01')"
                    )
                )
        finally:
            await db.dispose()

    asyncio.run(plan_upgrade_audit())  # the kind is allowed at 0006
    with pytest.raises(RuntimeError, match="upgrade audit"):
        _downgrade(url, "0005")
