"""public search: the substring indexes over certificates' search_key, per dialect

PostgreSQL: a GIN over the array of the key's character bigrams (``starcert_bigrams``) for
2-character terms, which pg_trgm cannot serve, and a pg_trgm GIN for longer ones; a query
uses one of them, never both (docs/performance.md). SQLite: the same choice between two FTS5
trigram tables (contentless, no positions, filled by the service): one over the key as it is,
one over the key with every character doubled, where a term "ab" becomes the pattern "abb",
as selective as a bigram; and a covering index for the walk in public order.

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
            "CREATE FUNCTION starcert_bigrams(text) RETURNS text[] "
            "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
            "RETURN ARRAY(SELECT DISTINCT substr($1, i, 2) "
            "FROM generate_series(1, char_length($1) - 1) AS i)"
        )
        op.execute(
            "CREATE INDEX ix_certificates_search_bigrams ON certificates "
            "USING gin (starcert_bigrams(search_key))"
        )
        op.execute(
            "CREATE INDEX ix_certificates_search_trigrams ON certificates "
            "USING gin (search_key gin_trgm_ops)"
        )
        return
    op.execute(
        "CREATE VIRTUAL TABLE certificate_search USING fts5("
        "doubled, content='', tokenize='trigram', detail='none')"
    )
    # what the public walk reads, in public order (PostgreSQL's order index INCLUDEs it)
    op.execute(
        "CREATE INDEX ix_certificates_search_walk ON certificates("
        "(status <> 'active'), number, status, search_key)"
    )
    op.execute(
        "CREATE VIRTUAL TABLE certificate_search_words USING fts5("
        "key, content='', tokenize='trigram', detail='none')"
    )
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, search_key FROM certificates")).all()
    for row_id, key in rows:
        bind.execute(
            sa.text("INSERT INTO certificate_search(rowid, doubled) VALUES (:id, :doubled)"),
            {"id": row_id, "doubled": _doubled(key)},
        )
        bind.execute(
            sa.text("INSERT INTO certificate_search_words(rowid, key) VALUES (:id, :key)"),
            {"id": row_id, "key": key},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_certificates_search_trigrams")
        op.execute("DROP INDEX ix_certificates_search_bigrams")
        op.execute("DROP FUNCTION starcert_bigrams(text)")
        return
    op.execute("DROP INDEX ix_certificates_search_walk")
    op.execute("DROP TABLE certificate_search_words")
    op.execute("DROP TABLE certificate_search")
