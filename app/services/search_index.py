"""The search structures the write side keeps beside ``search_key``.

- SQLite: every certificate gets a row in each of the two FTS5 trigram tables of migration
  0003: its key with every character doubled (for 2-character and punctuated terms) and the
  key as it is (for terms of words), both under the certificate's id.
- PostgreSQL indexes ``search_key`` itself, but keeps the vocabulary of the keys' Latin words
  (migration 0004): a new certificate adds the words it brings.

``app.domain.search`` says how the read side uses them.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.search import doubled

# SQLite: the rows a certificate gets, in the order of ``rows``
STATEMENTS = (
    "INSERT INTO certificate_search(rowid, doubled) VALUES (:id, :value)",
    "INSERT INTO certificate_search_words(rowid, key) VALUES (:id, :value)",
)
# PostgreSQL: the words a key brings to the vocabulary (concurrent writers of one new word
# wait for each other on its key; neither fails)
VOCABULARY = (
    "INSERT INTO certificate_search_vocabulary (word) "
    "SELECT unnest(starcert_words(CAST(:key AS text))) ON CONFLICT DO NOTHING"
)


def rows(certificate_id: int, search_key: str) -> tuple[dict[str, int | str], ...]:
    """The parameters of each statement of ``STATEMENTS`` for one certificate."""
    return (
        {"id": certificate_id, "value": doubled(search_key)},
        {"id": certificate_id, "value": search_key},
    )


async def index_certificate(session: AsyncSession, certificate_id: int, search_key: str) -> None:
    """Add a new certificate's key to the search structures of its database."""
    if session.get_bind().dialect.name == "sqlite":
        for statement, values in zip(STATEMENTS, rows(certificate_id, search_key), strict=True):
            await session.execute(text(statement), values)
    else:
        await session.execute(text(VOCABULARY), {"key": search_key})


# SQLite: the tables are contentless (``content=''``): a row is taken out by FTS5's 'delete'
# command, given the values it was indexed with, in the order of ``rows``
DELETIONS = (
    "INSERT INTO certificate_search(certificate_search, rowid, doubled)"
    " VALUES ('delete', :id, :value)",
    "INSERT INTO certificate_search_words(certificate_search_words, rowid, key)"
    " VALUES ('delete', :id, :value)",
)


async def reindex_certificate(
    session: AsyncSession, certificate_id: int, old_key: str, search_key: str
) -> None:
    """Index a certificate's changed key (a change certificate). SQLite: its two rows, indexed
    from ``old_key``, are replaced. PostgreSQL: the key's indexes follow the column; the
    vocabulary takes the new words (words no longer used stay: it only narrows the
    candidates, the ``LIKE`` on the key decides)."""
    if session.get_bind().dialect.name == "sqlite":
        for statement, values in zip(DELETIONS, rows(certificate_id, old_key), strict=True):
            await session.execute(text(statement), values)
    await index_certificate(session, certificate_id, search_key)
