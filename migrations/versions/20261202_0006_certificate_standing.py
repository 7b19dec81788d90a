"""certificate standing: suspension causes, the successor's start, the upgrade audit kind

Schema: ``certificates.suspension_causes`` (a JSON list, ``[]`` unless suspended),
``certificates.superseded_on`` (the successor's ``valid_from``: the day the certificate reads
superseded) and ``upgrade`` among the audit kinds (``ck_audits_kind_known``).

Data, for the rules this revision brings (docs/domain.md §7):

* ``superseded_on`` of every certificate naming a successor is that successor's
  ``valid_from``. A certificate recorded ``superseded`` before its successor's validity has
  begun is in force again until that day (its status before the supersession comes back;
  housekeeping records the supersession on the day).
* A suspended certificate gets the causes of its suspension from the event log: a suspension
  recorded by housekeeping is ``surveillance_overdue``, one recorded by the decision refusing
  a surveillance (the next event of the chain, same member, same reason, same moment)
  ``surveillance_refused``, any other ``body_decision``; a surveillance refused while it was
  suspended adds ``surveillance_refused``.
* A refused surveillance no longer advances the schedule: a certificate whose last decided
  surveillance was refused gets its surveillance count and ``next_surveillance_due`` back to
  that surveillance, which is due again.

Each certificate so corrected gets a ``certificate.corrected`` event, appended to the
hash-chained log exactly as the service appends (``app.services.events``), so the chain still
verifies. "Today" is the configured time zone's (``STARCERT_TIMEZONE``).

SQLite cannot alter a CHECK constraint, and rebuilding ``audits`` would break the foreign keys
that point at it: the constraint's text is changed in the schema as SQLite documents for a
change that existing rows satisfy (sqlite.org/lang_altertable.html, "other kinds of table
schema changes").

Downgrade: the columns and the kind go (refused while an upgrade audit exists); a certificate
in force that names its successor is recorded superseded again, as the previous revision's
rules had it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import takewhile
from typing import Any
from zoneinfo import ZoneInfo

import rfc8785
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.models.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONDoc = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
OLD_KINDS = "kind IN ('initial', 'surveillance', 'recertification')"
NEW_KINDS = "kind IN ('initial', 'surveillance', 'recertification', 'upgrade')"
LIVE = ("active", "suspended")
CAUSES = ("surveillance_refused", "surveillance_overdue", "body_decision")  # declared order
BY = "migration 0006"
CHUNK = 500
SAME_MOMENT = 60  # seconds: events of one transaction

certificates = sa.table(
    "certificates",
    sa.column("id", sa.Integer),
    sa.column("number", sa.String),
    sa.column("status", sa.String),
    sa.column("status_reason", sa.Text),
    sa.column("status_changed_on", sa.Date),
    sa.column("issued_on", sa.Date),
    sa.column("valid_from", sa.Date),
    sa.column("surveillances_done", sa.Integer),
    sa.column("next_surveillance_due", sa.Date),
    sa.column("superseded_by", sa.String),
    sa.column("superseded_on", sa.Date),
    sa.column("suspension_causes", JSONDoc),
    sa.column("version", sa.Integer),
    sa.column("updated_at", UTCDateTime(timezone=True)),
)
events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("occurred_at", UTCDateTime(timezone=True)),
    sa.column("actor_user_id", sa.Integer),
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("action", sa.String),
    sa.column("reason", sa.Text),
    sa.column("data", JSONDoc),
    sa.column("hash", sa.String),
    sa.column("prev_hash", sa.String),
)
event_chain = sa.table(
    "event_chain",
    sa.column("id", sa.Integer),
    sa.column("last_event_id", sa.Integer),
    sa.column("last_hash", sa.String),
)


def upgrade() -> None:
    op.add_column(
        "certificates",
        sa.Column("superseded_on", sa.Date(), nullable=True),
    )
    op.add_column(
        "certificates",
        sa.Column("suspension_causes", JSONDoc, server_default=sa.text("'[]'"), nullable=False),
    )
    _replace_kind_check(OLD_KINDS, NEW_KINDS)
    _correct_certificates()


def downgrade() -> None:
    bind = op.get_bind()
    upgrades = bind.execute(sa.text("SELECT count(*) FROM audits WHERE kind = 'upgrade'")).scalar()
    if upgrades:
        raise RuntimeError(
            f"{upgrades} upgrade audit(s) exist: the previous revision has no such kind"
        )
    _supersede_again()
    _replace_kind_check(NEW_KINDS, OLD_KINDS)
    # plain ALTER TABLE on both: rebuilding certificates would break the keys pointing at it
    op.execute("ALTER TABLE certificates DROP COLUMN suspension_causes")
    op.execute("ALTER TABLE certificates DROP COLUMN superseded_on")


# --- the audit kinds --------------------------------------------------------------------------


def _replace_kind_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_audits_kind_known"), "audits", type_="check")
        op.create_check_constraint(op.f("ck_audits_kind_known"), "audits", new)
        return
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audits'"
    ).scalar_one()
    if old not in sql:
        raise RuntimeError(f"the audits table does not hold the check {old!r}")
    schema_version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = 'audits'"),
        {"sql": sql.replace(old, new)},
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(schema_version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


# --- the clock and the event chain -----------------------------------------------------------


def _now() -> datetime:
    """Now, to the second (the config's ``now`` attribute when a test sets it)."""
    config = op.get_context().config
    given = config.attributes.get("now") if config is not None else None
    moment = given if isinstance(given, datetime) else datetime.now(UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _zone() -> ZoneInfo:
    config = op.get_context().config
    given = config.attributes.get("timezone") if config is not None else None
    if isinstance(given, str):
        return ZoneInfo(given)
    from app.config import get_settings

    return ZoneInfo(get_settings().timezone)


def _rfc3339(moment: datetime) -> str:
    text = moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
    return text.replace("+00:00", "Z")


class _Chain:
    """Appends events after the chain's head, hashed as ``app.services.events`` hashes:
    SHA-256 over the previous hash and the RFC 8785 form of the event."""

    def __init__(self, bind: sa.Connection, now: datetime) -> None:
        query = sa.select(event_chain.c.last_event_id, event_chain.c.last_hash).where(
            event_chain.c.id == 1
        )
        if bind.dialect.name == "postgresql":
            query = query.with_for_update()
        head = bind.execute(query).one()
        self.bind, self.now = bind, now
        self.last_id, self.last_hash = int(head[0]), str(head[1])
        self.pending: list[dict[str, Any]] = []  # written CHUNK at a time (one executemany)

    def append(self, number: str, action: str, reason: str, data: dict[str, Any]) -> None:
        event: dict[str, Any] = {
            "id": self.last_id + 1,
            "occurred_at": _rfc3339(self.now),
            "actor_user_id": None,
            "entity_type": "certificate",
            "entity_id": number,
            "action": action,
            "reason": reason,
            "data": data,
        }
        digest = hashlib.sha256(self.last_hash.encode("ascii") + rfc8785.dumps(event))
        self.pending.append(
            {**event, "occurred_at": self.now, "hash": digest.hexdigest(),
             "prev_hash": self.last_hash}
        )  # fmt: skip
        self.last_id, self.last_hash = event["id"], digest.hexdigest()
        if len(self.pending) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.bind.execute(sa.insert(events), self.pending)
            self.pending = []

    def close(self) -> None:
        self._flush()
        self.bind.execute(
            sa.update(event_chain)
            .where(event_chain.c.id == 1)
            .values(last_event_id=self.last_id, last_hash=self.last_hash)
        )


# --- the corrections ------------------------------------------------------------------------


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: 1 March
        return date(day.year + years, 3, 1)


def _surveillance_due(valid_from: date, done: int) -> date | None:
    """As ``app.domain.dates.surveillance_due`` at this revision (two per cycle)."""
    return _add_years(valid_from, done + 1) - timedelta(days=1) if done < 2 else None


def _data(raw: Any) -> dict[str, Any]:
    value = json.loads(raw) if isinstance(raw, str) else raw
    return value if isinstance(value, dict) else {}


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _refused_numbers(bind: sa.Connection) -> set[str]:
    """The certificates with a refused surveillance in their log."""
    outcome = (
        "data ->> 'outcome'"
        if bind.dialect.name == "postgresql"
        else "json_extract(data, '$.outcome')"
    )
    rows = bind.execute(
        sa.text(
            "SELECT DISTINCT entity_id FROM events WHERE entity_type = 'certificate'"
            f" AND action = 'certificate.surveillance_recorded' AND {outcome} = 'refuse'"
        )
    )
    return {str(r[0]) for r in rows}


def _logs(bind: sa.Connection, numbers: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Each certificate's own events, in chain order."""
    logs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(sorted(numbers)):
        rows = bind.execute(
            sa.select(
                events.c.id,
                events.c.occurred_at,
                events.c.actor_user_id,
                events.c.entity_id,
                events.c.action,
                events.c.reason,
                events.c.data,
            )
            .where(events.c.entity_type == "certificate", events.c.entity_id.in_(chunk))
            .order_by(events.c.id)
        )
        for r in rows:
            logs[str(r.entity_id)].append(
                {
                    "id": int(r.id),
                    "occurred_at": r.occurred_at,
                    "actor": r.actor_user_id,
                    "action": r.action,
                    "reason": r.reason,
                    "data": _data(r.data),
                }
            )
    return logs


def _causes(log: list[dict[str, Any]]) -> list[str]:
    """The causes of the suspension the log ends in (see the module's docstring)."""
    starts = [i for i, e in enumerate(log) if e["action"] == "certificate.suspended"]
    if not starts:  # suspended without a recorded move (an import): the body's decision
        return ["body_decision"]
    start = starts[-1]
    event, found = log[start], set()
    nxt = log[start + 1] if start + 1 < len(log) else None
    if event["data"].get("by") == "housekeeping":
        found.add("surveillance_overdue")
    elif nxt is not None and _same_refusal(event, nxt):
        found.add("surveillance_refused")
    else:
        found.add("body_decision")
    if any(
        e["action"] == "certificate.surveillance_recorded" and e["data"].get("outcome") == "refuse"
        for e in log[start + 1 :]
    ):
        found.add("surveillance_refused")
    return [c for c in CAUSES if c in found]


def _same_refusal(suspended: dict[str, Any], nxt: dict[str, Any]) -> bool:
    """Whether a suspension was written by the decision refusing a surveillance: the refusal
    recorded the suspension and then the surveillance, next to each other in the chain, by
    the same member with the same reason, in one transaction (within a minute)."""
    return bool(
        nxt["id"] == suspended["id"] + 1
        and nxt["action"] == "certificate.surveillance_recorded"
        and nxt["data"].get("outcome") == "refuse"
        and nxt["actor"] == suspended["actor"]
        and nxt["reason"] == suspended["reason"]
        and abs((nxt["occurred_at"] - suspended["occurred_at"]).total_seconds()) < SAME_MOMENT
    )


def _status_before(
    log: list[dict[str, Any]], issued_on: date, zone: ZoneInfo
) -> tuple[str, date, str | None]:
    """The status, its date and reason just before the log's last supersession (an import
    without one: active since its issue)."""
    cut = _last(log, "certificate.superseded")
    if cut is None:
        return "active", issued_on, None
    status = str(log[cut]["data"].get("from") or "active")
    for event in reversed(log[:cut]):
        if event["action"] in ("certificate.suspended", "certificate.reinstated"):
            return status, event["occurred_at"].astimezone(zone).date(), event["reason"]
    return status, issued_on, None


def _correct_certificates() -> None:
    bind = op.get_bind()
    now, zone = _now(), _zone()
    today = now.astimezone(zone).date()
    # the successor's start, for every certificate naming one: one statement (a correlated
    # subquery both databases run), not one per renewed certificate
    successor = certificates.alias("successor")
    bind.execute(
        sa.update(certificates)
        .where(certificates.c.superseded_by.is_not(None))
        .values(
            superseded_on=sa.select(successor.c.valid_from)
            .where(successor.c.number == certificates.c.superseded_by)
            .scalar_subquery()
        )
    )
    rows = {
        r.number: r
        for r in bind.execute(
            sa.select(certificates).where(
                (certificates.c.status == "suspended")
                | ((certificates.c.status == "superseded") & (certificates.c.superseded_on > today))
            )
        )
    }
    # the certificates with a refused surveillance, in chunks (a database bounds the number
    # of parameters of one statement)
    for chunk in _chunks(sorted(_refused_numbers(bind) - set(rows))):
        for r in bind.execute(sa.select(certificates).where(certificates.c.number.in_(chunk))):
            rows[r.number] = r
    if not rows:
        return
    logs = _logs(bind, list(rows))
    chain = _Chain(bind, now)
    for number, row in sorted(rows.items()):
        _correct(chain, row, logs.get(number, []), today, zone)
    chain.close()


def _correct(
    chain: _Chain, row: Any, log: list[dict[str, Any]], today: date, zone: ZoneInfo
) -> None:
    values: dict[str, Any] = {}
    reasons: list[str] = []
    status = row.status
    restored = (
        row.status == "superseded" and row.superseded_on is not None and row.superseded_on > today
    )
    if restored:
        status, since, reason = _status_before(log, row.issued_on, zone)
        values |= {"status": status, "status_changed_on": since, "status_reason": reason}
        reasons.append(
            f"in force until its successor {row.superseded_by} becomes valid on {row.superseded_on}"
        )
    if status == "suspended":
        cut = _last(log, "certificate.superseded") if restored else None
        values["suspension_causes"] = _causes(log if cut is None else log[:cut])
        reasons.append("the causes of its suspension, from the event log")
    surveillances = [e for e in log if e["action"] == "certificate.surveillance_recorded"]
    refused = len(
        list(takewhile(lambda e: e["data"].get("outcome") == "refuse", reversed(surveillances)))
    )
    if refused:  # each refusal in the trailing run had advanced the schedule
        done = max(0, int(row.surveillances_done) - refused)
        values |= {
            "surveillances_done": done,
            "next_surveillance_due": _surveillance_due(row.valid_from, done),
        }
        reasons.append(
            "its refused surveillance is due again (a refused surveillance no longer "
            "advances the schedule)"
        )
    if not values:
        return
    changes = {
        name: {"from": _plain(getattr(row, name)), "to": _plain(value)}
        for name, value in values.items()
        if _plain(getattr(row, name)) != _plain(value)
    }
    if not changes:
        return
    bind = chain.bind
    bind.execute(
        sa.update(certificates)
        .where(certificates.c.id == row.id)
        .values(**values, version=row.version + 1, updated_at=chain.now)
    )
    chain.append(
        row.number, "certificate.corrected", "; ".join(reasons), {"by": BY, "changes": changes}
    )


def _last(log: list[dict[str, Any]], action: str) -> int | None:
    return max((i for i, e in enumerate(log) if e["action"] == action), default=None)


def _plain(value: Any) -> Any:
    """A value as event data holds it (dates as ISO strings; stored JSON decoded)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith("["):
        return json.loads(value)
    return value


# --- the downgrade's data ----------------------------------------------------------------------


def _supersede_again() -> None:
    """Certificates in force that name a successor are recorded superseded, as the previous
    revision recorded them at the recertification."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(certificates).where(
            certificates.c.status.in_(LIVE), certificates.c.superseded_by.is_not(None)
        )
    ).all()
    if not rows:
        return
    now = _now()
    today = now.astimezone(_zone()).date()
    chain = _Chain(bind, now)
    for row in rows:
        reason = f"replaced by {row.superseded_by} (revision 0006 downgraded)"
        bind.execute(
            sa.update(certificates)
            .where(certificates.c.id == row.id)
            .values(
                status="superseded",
                status_changed_on=today,
                status_reason=reason,
                version=row.version + 1,
                updated_at=now,
            )
        )
        chain.append(
            row.number,
            "certificate.superseded",
            reason,
            {"from": row.status, "to": "superseded", "superseded_by": row.superseded_by,
             "by": BY},
        )  # fmt: skip
    chain.close()
