"""workflow: organisations, applications, audits, score sheets, decisions, certificates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.models.types import Tenths, UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ISSUING_AUDIT_FK = "fk_certificates_issuing_audit_id_audits"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _issuing_audit_fk_inline() -> list[sa.ForeignKeyConstraint]:
    """certificates ↔ audits reference each other. SQLite cannot add a foreign key later but
    accepts one to a table not created yet; PostgreSQL needs the table first (added below)."""
    if not _sqlite():
        return []
    return [sa.ForeignKeyConstraint(["issuing_audit_id"], ["audits.id"], name=ISSUING_AUDIT_FK)]


def upgrade() -> None:
    op.create_table(
        "number_sequences",
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_number_sequences")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("legal_representative", sa.String(length=100), nullable=True),
        sa.Column("registered_capital_cny", sa.BigInteger(), nullable=True),
        sa.Column("employee_count", sa.Integer(), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("uscc", name=op.f("uq_organisations_uscc")),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("enterprise_type", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("employee_count", sa.Integer(), nullable=False),
        sa.Column("service_management_staff_count", sa.Integer(), nullable=False),
        sa.Column("certified_manager_count", sa.Integer(), nullable=False),
        sa.Column(
            "documents",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column(
            "findings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("initial_person_days", Tenths(precision=6, scale=1), nullable=False),
        sa.Column("surveillance_person_days", Tenths(precision=6, scale=1), nullable=False),
        sa.Column("recertification_person_days", Tenths(precision=6, scale=1), nullable=False),
        sa.Column("application_fee_cny", sa.Integer(), nullable=False),
        sa.Column("registration_fee_cny", sa.Integer(), nullable=False),
        sa.Column("annual_fee_cny", sa.Integer(), nullable=False),
        sa.Column("audit_fee_cny", sa.Integer(), nullable=False),
        sa.Column("first_year_total_cny", sa.Integer(), nullable=False),
        sa.Column("three_year_total_cny", sa.Integer(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "enterprise_type IN ('production', 'sales_service')",
            name=op.f("ck_applications_enterprise_type_known"),
        ),
        sa.CheckConstraint(
            "status IN ('submitted', 'accepted', 'in_audit', 'certified', 'refused', 'rejected', 'withdrawn')",
            name=op.f("ck_applications_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_applications_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_applications_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("number", name=op.f("uq_applications_number")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applications_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("issuing_audit_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("final_score", Tenths(precision=6, scale=1), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_name_en", sa.String(length=300), nullable=True),
        sa.Column("organisation_uscc", sa.String(length=18), nullable=False),
        sa.Column("organisation_address", sa.String(length=500), nullable=False),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("enterprise_type", sa.String(length=20), nullable=False),
        sa.Column("employee_count", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("last_surveillance_on", sa.Date(), nullable=True),
        sa.Column("surveillances_done", sa.Integer(), nullable=False),
        sa.Column("next_surveillance_due", sa.Date(), nullable=True),
        sa.Column("recertification_due", sa.Date(), nullable=True),
        sa.Column("superseded_by", sa.String(length=32), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("status_changed_on", sa.Date(), nullable=False),
        sa.Column("search_key", sa.String(length=1000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "enterprise_type IN ('production', 'sales_service')",
            name=op.f("ck_certificates_enterprise_type_known"),
        ),
        sa.CheckConstraint(
            "grade IN ('compliant', 'three_star', 'four_star', 'five_star')",
            name=op.f("ck_certificates_grade_known"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'withdrawn', 'cancelled', 'expired', 'superseded')",
            name=op.f("ck_certificates_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_certificates_application_id_applications"),
        ),
        *_issuing_audit_fk_inline(),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_certificates_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("issuing_audit_id", name=op.f("uq_certificates_issuing_audit_id")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificates_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificates_organisation_uscc"), ["organisation_uscc"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificates_status_expires_on"), ["status", "expires_on"], unique=False
        )
        # PostgreSQL: covering, so the public walk reads the index alone
        batch_op.create_index(
            "ix_certificates_public_order",
            [sa.text("(status <> 'active')"), "number"],
            postgresql_include=["status", "search_key"],
        )

    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_type", sa.String(length=20), nullable=False),
        sa.Column("employee_count", sa.Integer(), nullable=False),
        sa.Column("person_days", Tenths(precision=6, scale=1), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("lead_auditor_id", sa.Integer(), nullable=False),
        sa.Column(
            "warnings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("stage1_notes", sa.Text(), nullable=True),
        sa.Column("recommended_revision", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "enterprise_type IN ('production', 'sales_service')",
            name=op.f("ck_audits_enterprise_type_known"),
        ),
        sa.CheckConstraint(
            "kind IN ('initial', 'surveillance', 'recertification')",
            name=op.f("ck_audits_kind_known"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'stage1_passed', 'stage1_failed', 'scoring', 'completed', 'decided')",
            name=op.f("ck_audits_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_audits_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_audits_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_audits_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["lead_auditor_id"], ["users.id"], name=op.f("fk_audits_lead_auditor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_audits_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
    )
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audits_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audits_certificate_id"), ["certificate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audits_organisation_id"), ["organisation_id"], unique=False
        )
    if not _sqlite():
        op.create_foreign_key(
            ISSUING_AUDIT_FK, "certificates", "audits", ["issuing_audit_id"], ["id"]
        )

    op.create_table(
        "audit_team_members",
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_audit_team_members_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_team_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("audit_id", "user_id", name=op.f("pk_audit_team_members")),
    )
    with op.batch_alter_table("audit_team_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_team_members_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "corrective_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('legal', 'service_rules', 'industry', 'system_operation')",
            name=op.f("ck_corrective_actions_category_known"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'closed')", name=op.f("ck_corrective_actions_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_corrective_actions_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_corrective_actions_closed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrective_actions")),
    )
    with op.batch_alter_table("corrective_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_corrective_actions_audit_id"), ["audit_id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('grant', 'refuse')", name=op.f("ck_decisions_outcome_known")
        ),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_decisions_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_decisions_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_decisions_decided_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("audit_id", name=op.f("uq_decisions_audit_id")),
    )
    op.create_table(
        "score_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("rubric_id", sa.String(length=40), nullable=False),
        sa.Column(
            "special_deductions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("special_bonus", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("applicable_points", Tenths(precision=6, scale=1), nullable=False),
        sa.Column("base_score", Tenths(precision=6, scale=1), nullable=False),
        sa.Column("bonus", Tenths(precision=6, scale=1), nullable=False),
        sa.Column("special_deduction_count", sa.Integer(), nullable=False),
        sa.Column("final_score", Tenths(precision=6, scale=1), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_score_sheets_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["users.id"], name=op.f("fk_score_sheets_submitted_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheets")),
        sa.UniqueConstraint("audit_id", "revision", name=op.f("uq_score_sheets_audit_id_revision")),
    )
    op.create_table(
        "score_sheet_items",
        sa.Column("score_sheet_id", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", Tenths(precision=6, scale=1), nullable=True),
        sa.Column("not_applicable", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["score_sheet_id"],
            ["score_sheets.id"],
            name=op.f("fk_score_sheet_items_score_sheet_id_score_sheets"),
        ),
        sa.PrimaryKeyConstraint(
            "score_sheet_id", "indicator_code", name=op.f("pk_score_sheet_items")
        ),
    )


def downgrade() -> None:
    if not _sqlite():
        op.drop_constraint(ISSUING_AUDIT_FK, "certificates", type_="foreignkey")
    op.drop_table("score_sheet_items")
    op.drop_table("score_sheets")
    op.drop_table("decisions")
    with op.batch_alter_table("corrective_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_corrective_actions_audit_id"))

    op.drop_table("corrective_actions")
    with op.batch_alter_table("audit_team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_team_members_user_id"))

    op.drop_table("audit_team_members")
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audits_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_audits_certificate_id"))
        batch_op.drop_index(batch_op.f("ix_audits_application_id"))

    op.drop_table("audits")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_public_order")
        batch_op.drop_index(batch_op.f("ix_certificates_status_expires_on"))
        batch_op.drop_index(batch_op.f("ix_certificates_organisation_uscc"))
        batch_op.drop_index(batch_op.f("ix_certificates_organisation_id"))

    op.drop_table("certificates")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_organisation_id"))

    op.drop_table("applications")
    op.drop_table("organisations")
    op.drop_table("number_sequences")
