"""rubric editions: every edition in use stored with its hash; audits fix theirs

A certification body may load the points of its own scoring sheet as a rubric edition
(``STARCERT_RUBRIC_FILE``). Every edition in use is stored once, in ``rubric_editions``,
with the SHA-256 of its canonical content; an audit fixes its edition when it is planned
(``audits.rubric_id``) and its score sheets keep it (``score_sheets.rubric_id``, which now
refers to the stored edition).

The built-in edition ``gbt27922-2011`` is inserted as frozen here (its canonical content
and hash as of this revision, so the migration means the same whatever the code becomes),
and every existing audit takes the edition its score sheets were scored on, which is that
one.

SQLite rebuilds ``audits`` and ``score_sheets`` to add their keys; other tables refer to
both, so foreign-key enforcement is paused for the rebuild (SQLite changes it only between
transactions) and every key is checked before the revision completes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from app.models.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUILT_IN_ID = "gbt27922-2011"
BUILT_IN_TITLE = "GB/T 27922-2011 商品售后服务评价体系"
BUILT_IN_SHA256 = "93cebd36a404bbf9b3de50349016ea5761e309133cde0ddb8b43b628d7d9f4c3"
BUILT_IN_CONTENT = (
    '{"id":"gbt27922-2011","production":{"complaints.channels":{"excludable":false,"points":3},'
    '"complaints.handling":{"excludable":false,"points":4},'
    '"complaints.records":{"excludable":false,"points":3},'
    '"culture.commitment":{"excludable":false,"points":3},'
    '"culture.objectives":{"excludable":false,"points":3},'
    '"culture.philosophy":{"excludable":false,"points":2},'
    '"culture.strategy":{"excludable":false,"points":2},'
    '"delivery.distribution":{"excludable":true,"points":5},'
    '"delivery.installation":{"excludable":true,"points":6},'
    '"delivery.packaging":{"excludable":true,"points":4},'
    '"improvement.management":{"excludable":false,"points":2},'
    '"improvement.product":{"excludable":false,"points":3},'
    '"improvement.service":{"excludable":false,"points":3},'
    '"relations.communication":{"excludable":false,"points":3},'
    '"relations.management":{"excludable":false,"points":4},'
    '"repair.assurance":{"excludable":false,"points":8},'
    '"repair.facilities":{"excludable":true,"points":6},'
    '"repair.support":{"excludable":false,"points":6},'
    '"rules.management":{"excludable":false,"points":3},'
    '"rules.norms":{"excludable":false,"points":3},'
    '"rules.process":{"excludable":false,"points":3},'
    '"rules.supervision":{"excludable":false,"points":3},'
    '"system.investment":{"excludable":false,"points":3},'
    '"system.network":{"excludable":false,"points":4},'
    '"system.organisation":{"excludable":false,"points":4},'
    '"system.staffing":{"excludable":false,"points":4},'
    '"system.training":{"excludable":false,"points":3}},'
    '"sales_service":{"complaints.channels":{"excludable":false,"points":3},'
    '"complaints.handling":{"excludable":false,"points":4},'
    '"complaints.records":{"excludable":false,"points":3},'
    '"culture.commitment":{"excludable":false,"points":3},'
    '"culture.objectives":{"excludable":false,"points":3},'
    '"culture.philosophy":{"excludable":false,"points":2},'
    '"culture.strategy":{"excludable":false,"points":2},'
    '"delivery.distribution":{"excludable":true,"points":7},'
    '"delivery.installation":{"excludable":true,"points":7},'
    '"improvement.management":{"excludable":false,"points":4},'
    '"improvement.service":{"excludable":false,"points":4},'
    '"relations.communication":{"excludable":false,"points":3},'
    '"relations.management":{"excludable":false,"points":4},'
    '"rules.management":{"excludable":false,"points":3},'
    '"rules.norms":{"excludable":false,"points":3},'
    '"rules.process":{"excludable":false,"points":3},'
    '"rules.supervision":{"excludable":false,"points":3},'
    '"system.organisation":{"excludable":false,"points":6},'
    '"system.staffing":{"excludable":false,"points":6},'
    '"system.training":{"excludable":false,"points":6},'
    '"warranty.quality":{"excludable":false,"points":8},'
    '"warranty.repair_network":{"excludable":true,"points":6},'
    '"warranty.returns":{"excludable":false,"points":7}},"title":"GB/T 27922-2011 商品售后服务评价体系"}'
)

AUDITS_FK = "fk_audits_rubric_id_rubric_editions"
SHEETS_FK = "fk_score_sheets_rubric_id_rubric_editions"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


@contextmanager
def _rebuilding() -> Iterator[None]:
    """On SQLite: foreign keys unenforced while tables are rebuilt, then all checked."""
    if not _sqlite():
        yield
        return
    op.execute("COMMIT")
    op.execute("PRAGMA foreign_keys = OFF")
    op.execute("BEGIN IMMEDIATE")
    yield
    broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"foreign keys broken by revision 0007: {broken[:10]}")
    op.execute("COMMIT")
    op.execute("PRAGMA foreign_keys = ON")
    op.execute("BEGIN IMMEDIATE")


def upgrade() -> None:
    # one transaction on SQLite too: foreign keys are switched off around all of it
    with _rebuilding():
        _upgrade()


def _upgrade() -> None:
    op.create_table(
        "rubric_editions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubric_editions")),
    )
    editions = sa.table(
        "rubric_editions",
        sa.column("id", sa.String()),
        sa.column("title", sa.String()),
        sa.column("content", sa.Text()),
        sa.column("sha256", sa.String()),
        sa.column("created_at", UTCDateTime(timezone=True)),
    )
    op.bulk_insert(
        editions,
        [
            {
                "id": BUILT_IN_ID,
                "title": BUILT_IN_TITLE,
                "content": BUILT_IN_CONTENT,
                "sha256": BUILT_IN_SHA256,
                "created_at": datetime.now(UTC),
            }
        ],
    )
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rubric_id", sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE audits SET rubric_id = COALESCE((SELECT s.rubric_id FROM score_sheets s "
        "WHERE s.audit_id = audits.id ORDER BY s.revision DESC LIMIT 1), "
        f"'{BUILT_IN_ID}')"
    )
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.alter_column("rubric_id", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_index(batch_op.f("ix_audits_rubric_id"), ["rubric_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f(AUDITS_FK), "rubric_editions", ["rubric_id"], ["id"])
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheets_rubric_id"), ["rubric_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f(SHEETS_FK), "rubric_editions", ["rubric_id"], ["id"])


def downgrade() -> None:
    with _rebuilding():
        _downgrade()


def _downgrade() -> None:
    with op.batch_alter_table("score_sheets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(SHEETS_FK), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_score_sheets_rubric_id"))
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(AUDITS_FK), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audits_rubric_id"))
        batch_op.drop_column("rubric_id")
    op.drop_table("rubric_editions")
