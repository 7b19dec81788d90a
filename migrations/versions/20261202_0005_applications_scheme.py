"""applications scheme: the published person-days table's figures and the declarations

The quote of an application gains the figures of the scheme's person-days table that the
earlier quote never had: initial on-site days, planning and document review days,
surveillance on-site days, recertification on-site days, and the recertification total in
yuan. They are nullable: a quote stored before this revision keeps its figures as given and
answers null for the new ones (a quote is never recomputed). The application gains the
applicant's two declarations (JSON, null when none were given).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.models.types import Tenths

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERSON_DAY_COLUMNS = (
    "initial_on_site_person_days",
    "document_review_person_days",
    "surveillance_on_site_person_days",
    "recertification_on_site_person_days",
)


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "declarations",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        for name in PERSON_DAY_COLUMNS:
            batch_op.add_column(sa.Column(name, Tenths(precision=6, scale=1), nullable=True))
        batch_op.add_column(sa.Column("recertification_total_cny", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ has it): a batch rebuild of
    # ``applications`` would trip the foreign keys of the audits that reference it.
    for name in ("recertification_total_cny", *reversed(PERSON_DAY_COLUMNS), "declarations"):
        op.execute(f"ALTER TABLE applications DROP COLUMN {name}")
