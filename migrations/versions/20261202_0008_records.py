"""records: sites, scope items, audit dates and cancelling, certificate revisions and changes

- ``sites``: an organisation's headquarters, service outlets, repair centres and
  warehouses (one headquarters each, a partial unique index); every existing organisation
  gets its headquarters, named after it, at its address.
- ``application_sites`` and ``audit_sites``: the sites an application puts in its scope and
  those an audit visits; existing applications and audits get their organisation's
  headquarters.
- ``applications.scope_items``: the products or services covered (null: the scope text
  as given, as before).
- ``audits.actual_start``/``actual_end`` (null until completed; completed audits get their
  planned dates) and ``cancelled`` among the audit statuses.
- ``certificates.scope_en``, ``sites`` (the printed annex of sites) and ``revision``; every
  existing certificate covers its headquarters as printed on it, and gets revision 1 of
  ``certificate_revisions`` from its current snapshot, in effect from its issue.
- ``certificate_changes``: change certificates, applied or pending a committee decision.

At a million certificates the certificates' rewrite leaves PostgreSQL's visibility map
cleared: run ``VACUUM (ANALYZE) certificates`` after it (docs/operations.md).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.models.types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
OLD_STATUSES = (
    "status IN ('planned', 'stage1_passed', 'stage1_failed', 'scoring', 'completed', 'decided')"
)
NEW_STATUSES = (
    "status IN ('planned', 'stage1_passed', 'stage1_failed', 'scoring', 'completed', 'decided',"
    " 'cancelled')"
)
HQ = "'headquarters'"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _versioned() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_versioned(),
        sa.CheckConstraint(
            "kind IN ('headquarters', 'service_outlet', 'repair_centre', 'warehouse')",
            name=op.f("ck_sites_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_sites_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    op.create_index(op.f("ix_sites_organisation_id"), "sites", ["organisation_id"])
    op.create_index(
        "uq_sites_headquarters",
        "sites",
        ["organisation_id"],
        unique=True,
        sqlite_where=sa.text(f"kind = {HQ}"),
        postgresql_where=sa.text(f"kind = {HQ}"),
    )
    for owner, table in (("application", "applications"), ("audit", "audits")):
        op.create_table(
            f"{owner}_sites",
            sa.Column(f"{owner}_id", sa.Integer(), nullable=False),
            sa.Column("site_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                [f"{owner}_id"],
                [f"{table}.id"],
                name=op.f(f"fk_{owner}_sites_{owner}_id_{table}"),
            ),
            sa.ForeignKeyConstraint(
                ["site_id"], ["sites.id"], name=op.f(f"fk_{owner}_sites_site_id_sites")
            ),
            sa.PrimaryKeyConstraint(f"{owner}_id", "site_id", name=op.f(f"pk_{owner}_sites")),
        )
        op.create_index(op.f(f"ix_{owner}_sites_site_id"), f"{owner}_sites", ["site_id"])
    op.create_table(
        "certificate_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("changes", JSON, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        *_versioned(),
        sa.CheckConstraint(
            "status IN ('pending', 'applied', 'refused')",
            name=op.f("ck_certificate_changes_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_changes_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_certificate_changes_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_certificate_changes_requested_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_changes")),
    )
    op.create_index(
        op.f("ix_certificate_changes_certificate_id"), "certificate_changes", ["certificate_id"]
    )
    op.create_table(
        "certificate_revisions",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_name_en", sa.String(length=300), nullable=True),
        sa.Column("organisation_address", sa.String(length=500), nullable=False),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("scope_en", sa.String(length=2000), nullable=True),
        sa.Column("sites", JSON, nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_revisions_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["certificate_changes.id"],
            name=op.f("fk_certificate_revisions_change_id_certificate_changes"),
        ),
        sa.PrimaryKeyConstraint(
            "certificate_id", "revision", name=op.f("pk_certificate_revisions")
        ),
    )
    # plain ALTER TABLE ADD COLUMN on both (no rebuild: other tables refer to these)
    op.add_column("applications", sa.Column("scope_items", JSON, nullable=True))
    op.add_column("audits", sa.Column("actual_start", sa.Date(), nullable=True))
    op.add_column("audits", sa.Column("actual_end", sa.Date(), nullable=True))
    op.add_column("certificates", sa.Column("scope_en", sa.String(length=2000), nullable=True))
    op.add_column(
        "certificates",
        sa.Column("sites", JSON, server_default=sa.text("'[]'"), nullable=False),
    )
    op.add_column(
        "certificates",
        sa.Column("revision", sa.Integer(), server_default=sa.text("1"), nullable=False),
    )
    _replace_status_check(OLD_STATUSES, NEW_STATUSES)
    _backfill()


def _backfill() -> None:
    op.execute(
        "INSERT INTO sites (organisation_id, name, address, kind, active, version, created_at,"
        f" updated_at) SELECT id, name, address, {HQ}, true, 1, created_at, created_at"
        " FROM organisations"
    )
    for owner, table in (("application", "applications"), ("audit", "audits")):
        op.execute(
            f"INSERT INTO {owner}_sites ({owner}_id, site_id) SELECT t.id, s.id FROM {table} t"
            f" JOIN sites s ON s.organisation_id = t.organisation_id AND s.kind = {HQ}"
        )
    op.execute(
        "UPDATE audits SET actual_start = planned_start, actual_end = planned_end"
        " WHERE status IN ('completed', 'decided')"
    )
    if _sqlite():
        hq = "json_array(json_object('name', organisation_name, 'address', organisation_address,"
        hq += f" 'kind', {HQ}))"
    else:
        hq = "jsonb_build_array(jsonb_build_object('name', organisation_name, 'address',"
        hq += f" organisation_address, 'kind', {HQ}))"
    op.execute(f"UPDATE certificates SET sites = {hq}")
    op.execute(
        "INSERT INTO certificate_revisions (certificate_id, revision, effective_on, recorded_at,"
        " organisation_name, organisation_name_en, organisation_address, scope, scope_en, sites)"
        " SELECT id, 1, issued_on, created_at, organisation_name, organisation_name_en,"
        " organisation_address, scope, scope_en, sites FROM certificates"
    )


def downgrade() -> None:
    cancelled = op.get_bind().execute(
        sa.text("SELECT count(*) FROM audits WHERE status = 'cancelled'")
    )
    if cancelled.scalar():
        raise RuntimeError("cancelled audits exist: the previous revision has no such status")
    _replace_status_check(NEW_STATUSES, OLD_STATUSES)
    for table, column in (
        ("certificates", "revision"),
        ("certificates", "sites"),
        ("certificates", "scope_en"),
        ("audits", "actual_end"),
        ("audits", "actual_start"),
        ("applications", "scope_items"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_table("certificate_revisions")
    op.drop_table("certificate_changes")
    op.drop_table("audit_sites")
    op.drop_table("application_sites")
    op.drop_table("sites")


def _replace_status_check(old: str, new: str) -> None:
    """The audits' status check, replaced; on SQLite in the stored schema (a rebuild of
    ``audits`` would break the keys that refer to it)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_audits_status_known"), "audits", type_="check")
        op.create_check_constraint(op.f("ck_audits_status_known"), "audits", new)
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
