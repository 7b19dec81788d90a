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
