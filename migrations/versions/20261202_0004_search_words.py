"""search words: the Latin words of the search keys, for words that match few names or none

PostgreSQL only. A word of letters and digits (``fengaiyi``, ``microsoft``) is found through
the vocabulary of the keys' words (``certificate_search_vocabulary``, a pg_trgm GIN over a
few tens of thousands of rows) and a GIN over each key's array of words
(``starcert_words``): the names that hold it are exactly those holding a word of the
vocabulary that contains it, so an absent word costs one look at the vocabulary and a rare
one as many heap fetches as it has matches. pg_trgm over the whole key reads the posting
list of every trigram of the word, and for a word made of common pinyin syllables every one
is long. SQLite's trigram tables answer these words well enough at its sizes: nothing there.

Also: ANALYZE keeps the shares of ten times as many character bigrams (statistics target
1000 on the bigram index), down to a few hundredths of a percent of the names, which the
search uses to choose between walking the public order and asking the index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION starcert_words(text) RETURNS text[] "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        "RETURN ARRAY(SELECT DISTINCT w FROM regexp_split_to_table($1, '[^a-z0-9]+') AS w "
        "WHERE w <> '')"
    )
    op.execute(
        "CREATE INDEX ix_certificates_search_words ON certificates "
        "USING gin (starcert_words(search_key))"
    )
    op.execute(
        "CREATE TABLE certificate_search_vocabulary ("
        "word text NOT NULL, CONSTRAINT pk_certificate_search_vocabulary PRIMARY KEY (word))"
    )
    op.execute(
        "INSERT INTO certificate_search_vocabulary "
        "SELECT DISTINCT unnest(starcert_words(search_key)) FROM certificates"
    )
    op.execute(
        "CREATE INDEX ix_certificate_search_vocabulary_word ON certificate_search_vocabulary "
        "USING gin (word gin_trgm_ops)"
    )
    op.execute("ALTER INDEX ix_certificates_search_bigrams ALTER COLUMN 1 SET STATISTICS 1000")
    op.execute("ANALYZE certificates")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER INDEX ix_certificates_search_bigrams ALTER COLUMN 1 SET STATISTICS -1")
    op.execute("DROP TABLE certificate_search_vocabulary")
    op.execute("DROP INDEX ix_certificates_search_words")
    op.execute("DROP FUNCTION starcert_words(text)")
