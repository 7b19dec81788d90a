"""public search: the substring index over certificates' search_key, per dialect

PostgreSQL: a trigram GIN over the search key with every character doubled
(``starcert_double``), so that a 2-character term "ab" becomes the 3-character pattern
"abb" that pg_trgm can index; longer terms become longer patterns. SQLite: an FTS5 trigram
table over the same doubled text (contentless, no positions), filled by the service.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _doubled(text: str) -> str:
    return "".join(c + c for c in text)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE FUNCTION starcert_double(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
            "RETURN regexp_replace($1, '(.)', '\\1\\1', 'g')"
        )
        op.execute(
            "CREATE INDEX ix_certificates_search_trgm ON certificates "
            "USING gin (starcert_double(search_key) gin_trgm_ops)"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE certificate_search USING fts5("
        "doubled, content='', tokenize='trigram', detail='none')"
    )
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, search_key FROM certificates")).all()
    for row_id, key in rows:
        bind.execute(
            sa.text("INSERT INTO certificate_search(rowid, doubled) VALUES (:id, :doubled)"),
            {"id": row_id, "doubled": _doubled(key)},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_certificates_search_trgm")
        op.execute("DROP FUNCTION starcert_double(text)")
        return
    op.execute("DROP TABLE certificate_search")
